/**
 * explain: the annotated hex dump shows every byte once, in order, 16 or fewer a line, with the fields
 * named, and works on every form of input.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../src/debug/decode.js';
import { explain, explainRows, formatRows } from '../src/debug/explain.js';
import { toHex } from '../src/debug/io/hex.js';
import { InputError } from '../src/debug/io/types.js';
import { toJSON } from '../src/debug/json.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const pcaps = (): string[] =>
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.pcap'))
    .sort();
const LINE = /^0x([0-9a-f]{4,}) {2}((?:[0-9a-f]{2} )*[0-9a-f]{2})(?: {2,}(.*))?$/;

/** Parses explain's text back into (offset, bytes) per line and checks that they rebuild `bytes`. */
function bytesOfDump(lines: string[]): { bytes: number[]; offsets: number[] } {
  const bytes: number[] = [];
  const offsets: number[] = [];
  for (const l of lines) {
    const m = LINE.exec(l);
    if (!m) continue;
    offsets.push(Number.parseInt(m[1], 16));
    expect(Number.parseInt(m[1], 16), l).toBe(bytes.length);
    const line = m[2].split(' ').map((h) => Number.parseInt(h, 16));
    expect(line.length, l).toBeLessThanOrEqual(16);
    bytes.push(...line);
  }
  return { bytes, offsets };
}

function checkCoverage(bytes: Uint8Array, rows: ReturnType<typeof explainRows>): void {
  let p = 0;
  for (const r of rows) {
    if (r.length === 0) continue;
    expect(r.offset).toBe(p);
    p += r.length;
  }
  expect(p).toBe(bytes.length);
}

describe('explain', () => {
  it('shows every byte of every fixture datagram once, in order, with nothing unexplained', () => {
    for (const f of pcaps()) {
      for (const d of decode(readFileSync(join(FIXTURES, f)))) {
        const rows = explainRows(d);
        checkCoverage(d.bytes, rows);
        expect(
          rows.filter((r) => r.text.includes('not explained')),
          `${f} ${d.source}`,
        ).toEqual([]);
        for (const per of [1, 8, 16]) {
          const { bytes } = bytesOfDump(formatRows(d.bytes, rows, per));
          expect(toHex(Uint8Array.from(bytes))).toBe(toHex(d.bytes));
        }
      }
    }
  });

  it('annotates the nlmsghdr, the family header, attributes, values, padding and nesting', () => {
    const text = explain(readFileSync(join(FIXTURES, 'veth-create.pcap')));
    const lines = text.split('\n');
    const at = (off: number) => lines.filter((l) => l.startsWith(`0x${off.toString(16).padStart(4, '0')}  `));
    // Datagram 3 is `ip link add v0 type veth peer name v1`: an 84-byte RTM_NEWLINK.
    const start = lines.findIndex((l) => l.startsWith('# pcap packet 3'));
    const req = lines.slice(
      start,
      lines.findIndex((l, i) => i > start && l.startsWith('# ')),
    );
    const find = (re: RegExp) => req.find((l) => re.test(l));
    expect(find(/^0x0000 {2}54 00 00 00 +nlmsg_len = 84$/)).toBeDefined();
    expect(find(/^0x0004 {2}10 00 +nlmsg_type = RTM_NEWLINK \(16\)$/)).toBeDefined();
    expect(
      find(/^0x0006 {2}05 06 +nlmsg_flags = NLM_F_REQUEST\|NLM_F_ACK\|NLM_F_EXCL\|NLM_F_CREATE \(0x0605\)$/),
    ).toBeDefined();
    expect(find(/^ +struct ifinfomsg \(16 bytes\)$/)).toBeDefined();
    expect(find(/^0x0014 {2}00 00 00 00 +ifi_index = 0$/)).toBeDefined();
    expect(find(/^0x0020 {2}07 00 +nla_len = 7$/)).toBeDefined();
    expect(find(/^0x0022 {2}03 00 +nla_type = IFLA_IFNAME \(3\)$/)).toBeDefined();
    expect(find(/^0x0024 {2}76 30 00 +IFLA_IFNAME = "v0" \[string\]$/)).toBeDefined();
    expect(find(/^0x0027 {2}00 +padding \(to a 4-byte boundary\)$/)).toBeDefined();
    expect(
      find(/^0x0030 {2}76 65 74 68 +IFLA_INFO_KIND = "veth" \(no NUL terminator\) \[string\]$/),
    ).toBeDefined();
    // Nesting by indentation: IFLA_LINKINFO's children are two columns further right than it.
    const col = (re: RegExp) => {
      const l = find(re)!;
      return l.length - l.replace(/^0x\S+ {2}(\S\S )*\S\S +/, '').length;
    };
    expect(col(/nla_type = IFLA_INFO_KIND/)).toBe(col(/nla_type = IFLA_LINKINFO/) + 2);
    expect(col(/nla_type = VETH_INFO_PEER/)).toBe(col(/nla_type = IFLA_INFO_KIND/) + 2);
    expect(at(0).length).toBeGreaterThan(0);
    expect(text).toMatch(/error = 0: an ack \(success\)/);
    expect(text).toMatch(/msg: the request, its header only \(NLM_F_CAPPED\)/);
  });

  it('shows NLA_F_NESTED, record arrays, struct values and the ext-ack offset target', () => {
    const dump = explain(readFileSync(join(FIXTURES, 'link-dump.pcap')));
    expect(dump).toMatch(/nla_type = 0x803e: IFLA_DEVLINK_PORT \(62\) \| NLA_F_NESTED/);
    expect(dump).toMatch(/ {2}rx_packets = \d+$/m);
    const mp = explain(readFileSync(join(FIXTURES, 'route-multipath.pcap')));
    expect(mp).toMatch(/rtnexthop #1: 16 bytes \(rtnh_len\)/);
    expect(mp).toMatch(/rtnexthop #2: 16 bytes \(rtnh_len\)/);
    expect(mp).toMatch(/RTA_GATEWAY = 10\.0\.0\.3 \[ipaddr\]/);
    const err = explain(readFileSync(join(FIXTURES, 'error-ext-ack.pcap')));
    expect(err).toMatch(/error = -22 \(EINVAL\)/);
    expect(err).toMatch(/NLMSGERR_ATTR_MSG = "Provided link layer address is not Ethernet" \[string\]/);
    expect(err).toMatch(/NLMSGERR_ATTR_OFFS = 32, pointing at IFLA_ADDRESS in the request \[u32\]/);
  });

  it('gives the same text from bytes, hex text, decoded datagrams and messages', () => {
    const d = decode(readFileSync(join(FIXTURES, 'route-multipath.pcap')))[0];
    const body = (t: string) => t.split('\n').slice(1).join('\n');
    const fromBytes = explain(d.bytes, { format: 'raw' });
    expect(body(explain(new TextEncoder().encode(toHex(d.bytes))))).toBe(body(fromBytes));
    expect(body(explain([d]))).toBe(body(fromBytes));
    expect(body(explain(d.messages))).toBe(body(fromBytes));
    expect(body(explain(toJSON(d.messages)))).toBe(body(fromBytes));
  });

  it('covers every byte of anything that decodes; throws InputError otherwise', () => {
    const all = pcaps().flatMap((f) => decode(readFileSync(join(FIXTURES, f))).map((d) => d.bytes));
    fc.assert(
      fc.property(
        fc.nat(all.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }),
        fc.nat(),
        (i, flips, cut) => {
          const b = Buffer.from(all[i]);
          for (const [at, v] of flips) b[at % b.length] = v;
          const input = b.subarray(0, Math.max(16, cut % (b.length + 1)));
          let ds: ReturnType<typeof decode>;
          try {
            ds = decode(input, { format: 'raw' });
          } catch (e) {
            if (e instanceof InputError) return;
            throw e;
          }
          checkCoverage(input, explainRows(ds[0]));
          const { bytes } = bytesOfDump(formatRows(input, explainRows(ds[0]), 16));
          expect(Buffer.from(bytes).equals(input)).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (b) => {
        try {
          explain(b, { format: 'raw' });
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
