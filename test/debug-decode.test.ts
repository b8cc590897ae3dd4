/**
 * decode, the JSON view and encode over real kernel traffic (fixtures/) and hostile input.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NLM_F, NLMSG } from '../src/constants/netlink.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { type DecodedDatagram, decode } from '../src/debug/decode.js';
import { encode, encodeDatagrams } from '../src/debug/encode.js';
import { toHex } from '../src/debug/io/hex.js';
import { writePcap } from '../src/debug/io/pcap.js';
import { InputError } from '../src/debug/io/types.js';
import { datagramsToJSON, type JsonAttr, type JsonMessage, toJSON } from '../src/debug/json.js';
import { renderDatagrams } from '../src/debug/tree.js';
import { ValidationError } from '../src/netlink/errors.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

interface FixtureDatagram {
  name: string;
  bytes: Uint8Array;
  direction?: 'to-kernel' | 'from-kernel';
}

/** Every datagram of every fixture: fixtures/*.json messages and fixtures/kinds/*.json request/reply. */
function fixtureDatagrams(): FixtureDatagram[] {
  const out: FixtureDatagram[] = [];
  for (const f of readdirSync(FIXTURES)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const j = JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as {
      messages: { direction: 'to-kernel' | 'from-kernel'; hex: string }[];
    };
    j.messages.forEach((m, i) => {
      out.push({ name: `${f}#${i + 1}`, bytes: Buffer.from(m.hex, 'hex'), direction: m.direction });
    });
  }
  const kinds = join(FIXTURES, 'kinds');
  for (const f of readdirSync(kinds)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const j = JSON.parse(readFileSync(join(kinds, f), 'utf8')) as { request?: string; reply?: string };
    if (j.request) out.push({ name: `kinds/${f} request`, bytes: Buffer.from(j.request, 'hex') });
    if (j.reply) out.push({ name: `kinds/${f} reply`, bytes: Buffer.from(j.reply, 'hex') });
  }
  return out;
}

const pcaps = (): string[] =>
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.pcap'))
    .sort();

const roundTrip = (d: DecodedDatagram): Uint8Array =>
  encode(JSON.parse(JSON.stringify(datagramsToJSON([d]))));

/** Walks every attribute of a JSON message, nested ones and those of records included. */
function* attrsOf(m: JsonMessage): Generator<JsonAttr> {
  const walk = function* (list: readonly JsonAttr[] | undefined): Generator<JsonAttr> {
    for (const a of list ?? []) {
      yield a;
      yield* walk(a.attributes);
      for (const e of a.entries ?? []) yield* walk(e.attributes);
    }
  };
  yield* walk(m.attributes);
  if (m.error) {
    yield* walk(m.error.ext_ack);
    yield* attrsOf(m.error.request);
  }
}

/** The first message of `type` in a fixture that has attributes (not a bare probe). */
function firstMessage(file: string, type: number, from?: 'to-kernel' | 'from-kernel'): JsonMessage {
  for (const d of decode(readFileSync(join(FIXTURES, file))))
    for (const m of toJSON(d.messages))
      if (m.nlmsg_type === type && m.attributes?.length && (!from || d.direction === from)) return m;
  throw new Error(`no message of type ${type} in ${file}`);
}

describe('decode', () => {
  it('reads each pcap fixture as the datagrams its JSON twin lists, with direction and time', () => {
    for (const f of pcaps()) {
      const fromPcap = decode(readFileSync(join(FIXTURES, f)));
      const twin = JSON.parse(readFileSync(join(FIXTURES, f.replace(/\.pcap$/, '.json')), 'utf8')) as {
        messages: { direction: string; hex: string }[];
      };
      expect(
        fromPcap.map((d) => toHex(d.bytes)),
        f,
      ).toEqual(twin.messages.map((m) => m.hex));
      expect(
        fromPcap.map((d) => d.direction),
        f,
      ).toEqual(twin.messages.map((m) => m.direction));
      for (const d of fromPcap) {
        expect(d.source).toMatch(/^pcap packet \d+$/);
        expect(d.timestamp).toBeGreaterThan(1.7e9);
        expect(d.family).toBe(0);
        expect(d.messages.length).toBeGreaterThan(0);
      }
    }
  });

  it('gives the same tree whatever the input form: raw, hex, xxd-style text, pcap, pcapng detection', () => {
    const [, , request] = decode(readFileSync(join(FIXTURES, 'veth-create.pcap')));
    const raw = decode(request.bytes, { format: 'raw' });
    const hex = decode(new TextEncoder().encode(toHex(request.bytes)));
    const spaced = decode(
      new TextEncoder().encode(
        [...request.bytes].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', '),
      ),
    );
    const pcap = decode(writePcap([{ bytes: request.bytes, direction: 'to-kernel', timestamp: 5 }]));
    for (const d of [raw, hex, spaced, pcap]) expect(d[0].messages).toEqual(request.messages);
    expect(raw[0].source).toBe('raw input');
    expect(hex[0].source).toBe('hex input');
    expect(pcap[0].direction).toBe('to-kernel');
    expect(pcap[0].timestamp).toBe(5);
  });

  it('reads strace output: one datagram per call, with pid, call and direction', () => {
    const d = decode(readFileSync(join(import.meta.dirname, 'data', 'strace-ip-link.txt')));
    expect(d.length).toBeGreaterThan(2);
    expect(d[0]).toMatchObject({ direction: 'to-kernel', syscall: 'sendto', pid: 10980 });
    expect(d[0].messages[0].nlmsg_type_name).toBe('RTM_NEWLINK');
    expect(d[1].direction).toBe('from-kernel');
    expect(d[1].messages[0].error?.name).toBe('ENODEV');
    expect(d.some((x) => x.messages.some((m) => m.nlmsg_type_name === 'RTM_GETLINK'))).toBe(true);
  });

  it('decodes requests and replies: names, flags by kind, addresses as text, errors with ext-ack', () => {
    // A dump request (GET: 0x300 is NLM_F_DUMP) and the kernel's answers (NLM_F_MULTI, then NLMSG_DONE).
    const dump = decode(readFileSync(join(FIXTURES, 'link-dump.pcap')));
    const get = dump.flatMap((d) => d.messages).find((m) => m.nlmsg_type === RTM.RTM_GETLINK)!;
    expect(get.nlmsg_flags_names).toEqual(['NLM_F_REQUEST', 'NLM_F_DUMP']);
    expect(get.direction).toBe('to-kernel');
    const reply = dump
      .flatMap((d) => d.messages)
      .find((m) => m.nlmsg_type === RTM.RTM_NEWLINK && m.nlmsg_pid !== 0)!;
    expect(reply.nlmsg_flags_names).toEqual(['NLM_F_MULTI']);
    expect(reply.family_header?.struct).toBe('ifinfomsg');
    expect(Object.keys(reply.family_header?.fields ?? {})).toEqual([
      'ifi_family',
      '__ifi_pad',
      'ifi_type',
      'ifi_index',
      'ifi_flags',
      'ifi_change',
    ]);
    expect(dump.flatMap((d) => d.messages).some((m) => m.nlmsg_type === NLMSG.NLMSG_DONE)).toBe(true);

    // A create request (NEW: 0x400 NLM_F_CREATE, 0x200 NLM_F_EXCL) and its capped ack (0x100 NLM_F_CAPPED).
    const veth = datagramsToJSON(decode(readFileSync(join(FIXTURES, 'veth-create.pcap'))));
    expect(veth[2].messages[0].nlmsg_flags_names).toEqual([
      'NLM_F_REQUEST',
      'NLM_F_ACK',
      'NLM_F_EXCL',
      'NLM_F_CREATE',
    ]);
    const ack = veth[3].messages[0];
    expect(ack.nlmsg_flags_names).toEqual(['NLM_F_CAPPED']);
    expect(ack.error).toMatchObject({ errno: 0, name: null, ext_ack: [] });
    expect(ack.error?.request.nlmsg_type_name).toBe('RTM_NEWLINK');

    // The same bit 0x100 means NLM_F_ROOT on a GET, NLM_F_REPLACE on a NEW, NLM_F_NONREC on a DEL.
    const flagged = (type: number) =>
      toJSON(
        decode(
          encode({
            nlmsg_type: type,
            nlmsg_flags: NLM_F.NLM_F_REQUEST | 0x100,
            family_header: { fields: {} },
            attributes: [],
          }),
        )[0].messages,
      )[0].nlmsg_flags_names;
    expect(flagged(RTM.RTM_GETLINK)).toEqual(['NLM_F_REQUEST', 'NLM_F_ROOT']);
    expect(flagged(RTM.RTM_NEWLINK)).toEqual(['NLM_F_REQUEST', 'NLM_F_REPLACE']);
    expect(flagged(RTM.RTM_DELLINK)).toEqual(['NLM_F_REQUEST', 'NLM_F_NONREC']);

    // Addresses are text.
    const route = firstMessage('route-add.pcap', RTM.RTM_NEWROUTE);
    const byName = new Map([...attrsOf(route)].map((a) => [a.name, a]));
    expect(byName.get('RTA_DST')?.value).toBe('10.1.0.0');
    expect(byName.get('RTA_GATEWAY')?.value).toBe('10.0.0.2');
    const v6 = firstMessage('addr-add-v6.pcap', RTM.RTM_NEWADDR);
    expect([...attrsOf(v6)].find((a) => a.name === 'IFA_LOCAL' || a.name === 'IFA_ADDRESS')?.value).toBe(
      '2001:db8::1',
    );

    // An error with its extended ack.
    const err = decode(readFileSync(join(FIXTURES, 'error-ext-ack.pcap')))[3].messages[0];
    expect(err.error?.errno).toBe(22);
    expect(err.error?.name).toBe('EINVAL');
    expect(err.error?.ext_ack?.map((a) => [a.name, a.value])).toEqual([
      ['NLMSGERR_ATTR_MSG', 'Provided link layer address is not Ethernet'],
      ['NLMSGERR_ATTR_OFFS', 32],
    ]);
    expect(renderDatagrams(decode(readFileSync(join(FIXTURES, 'error-ext-ack.pcap'))))).toContain(
      'NLMSGERR_ATTR_OFFS: 32 -> IFLA_ADDRESS',
    );
  });

  it('decodes other netlink families with their control messages named and the rest as hex', () => {
    // A generic-netlink request (CTRL_CMD_GETFAMILY) and an ack, captured with family 16.
    const request = Buffer.from('1c0000001000050001000000000000000300000006000200000000', 'hex');
    const req = Buffer.concat([request, Buffer.alloc(1)]);
    req.writeUInt32LE(req.length, 0);
    const ack = Buffer.from('2400000002000001010000003930000000000000', 'hex');
    const ackFull = Buffer.concat([ack, req.subarray(0, 16)]);
    ackFull.writeUInt32LE(ackFull.length, 0);
    const d = decode(
      writePcap([
        { bytes: req, direction: 'to-kernel', family: 16 },
        { bytes: ackFull, direction: 'from-kernel', family: 16 },
      ]),
    );
    expect(d.map((x) => x.family)).toEqual([16, 16]);
    expect(d[0].messages[0]).toMatchObject({
      nlmsg_type: 16,
      nlmsg_type_name: null,
      hex: req.subarray(16).toString('hex'),
    });
    expect(datagramsToJSON(d)[1].messages[0].error?.errno).toBe(0);
    const json = JSON.parse(JSON.stringify(datagramsToJSON(d)));
    expect(encodeDatagrams(json).map((x) => toHex(x.bytes))).toEqual([toHex(req), toHex(ackFull)]);
    expect(encodeDatagrams(json).map((x) => x.family)).toEqual([16, 16]);
  });

  it('throws a one-line InputError naming the datagram for bytes that are not netlink', () => {
    const bad = (bytes: Uint8Array, pattern: RegExp) => {
      try {
        decode(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as Error).message).not.toContain('\n');
        expect((e as Error).message).toMatch(pattern);
        return;
      }
      throw new Error('expected an InputError');
    };
    bad(Uint8Array.from([0xff, 0, 0, 0, 0x10, 0, 5, 0]), /raw input: nlmsghdr needs 16 bytes, 8 left/);
    bad(
      Uint8Array.from([0x40, 0, 0, 0, 0x10, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      /raw input: nlmsg_len 64 runs past/,
    );
    bad(new Uint8Array(0), /empty datagram/);
    bad(new Uint8Array(12), /no netlink message, only 12 zero bytes/);
    const pcap = writePcap([{ bytes: Uint8Array.from([8, 0, 0, 0]) }]);
    bad(pcap, /^pcap packet 1: nlmsghdr needs 16 bytes/);
  });

  it('only ever returns or throws InputError, on random bytes and on truncated or mutated fixtures', () => {
    const all = fixtureDatagrams();
    const files = pcaps().map((f) => readFileSync(join(FIXTURES, f)));
    const check = (bytes: Uint8Array) => {
      try {
        decode(bytes);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        expect(e.message).not.toContain('\n');
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), check), { numRuns: 1500 });
    fc.assert(
      fc.property(fc.nat(files.length - 1), fc.nat(), (i, cut) =>
        check(files[i].subarray(0, cut % files[i].length)),
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.nat(all.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }),
        (i, flips) => {
          const b = Buffer.from(all[i].bytes);
          for (const [at, v] of flips) b[at % b.length] = v;
          check(b);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('the JSON view', () => {
  it('has the documented shape: message keys in order, attributes {type, name, nla_len, ...}', () => {
    const m = datagramsToJSON(decode(readFileSync(join(FIXTURES, 'veth-create.pcap'))))[2].messages[0];
    expect(Object.keys(m)).toEqual([
      'nlmsg_len',
      'nlmsg_type',
      'nlmsg_type_name',
      'nlmsg_flags',
      'nlmsg_flags_names',
      'nlmsg_seq',
      'nlmsg_pid',
      'family_header',
      'attributes',
    ]);
    expect(m).toMatchObject({
      nlmsg_len: 84,
      nlmsg_type: 16,
      nlmsg_type_name: 'RTM_NEWLINK',
      nlmsg_flags: 0x605,
    });
    expect(m.family_header).toEqual({
      struct: 'ifinfomsg',
      fields: { ifi_family: 0, __ifi_pad: 0, ifi_type: 0, ifi_index: 0, ifi_flags: 0, ifi_change: 0 },
      // Fields declared with names carry the kernel's name of their value.
      names: { ifi_family: 'AF_UNSPEC', ifi_type: 'ARPHRD_NETROM' },
    });
    expect(m.attributes?.[0]).toEqual({ type: 3, name: 'IFLA_IFNAME', nla_len: 7, value: 'v0' });
    const linkinfo = m.attributes?.[1];
    expect(linkinfo).toMatchObject({ type: 18, name: 'IFLA_LINKINFO', nla_len: 44 });
    const data = linkinfo?.attributes?.find((a) => a.name === 'IFLA_INFO_DATA');
    const peer = data?.attributes?.[0];
    expect(peer).toMatchObject({ name: 'VETH_INFO_PEER', header: { struct: 'ifinfomsg' } });
    expect(peer?.attributes?.[0]).toEqual({ type: 3, name: 'IFLA_IFNAME', nla_len: 7, value: 'v1' });
    // Nothing but the documented keys, and no offsets.
    const allowed = new Set([
      'type',
      'name',
      'nla_len',
      'flags',
      'value',
      'value_names',
      'header',
      'attributes',
      'entries',
      'hex',
      'pad',
      'error',
      'framing_error',
    ]);
    for (const f of pcaps())
      for (const d of datagramsToJSON(decode(readFileSync(join(FIXTURES, f)))))
        for (const msg of d.messages)
          for (const a of attrsOf(msg)) for (const k of Object.keys(a)) expect(allowed).toContain(k);
  });

  it('shows NLA_F_NESTED as a flag, enum and bit names beside numbers', () => {
    const dump = datagramsToJSON(decode(readFileSync(join(FIXTURES, 'link-dump.pcap'))));
    const attrs = dump.flatMap((d) => d.messages).flatMap((m) => [...attrsOf(m)]);
    expect(attrs.some((a) => a.flags?.includes('NLA_F_NESTED'))).toBe(true);
    const oper = attrs.find((a) => a.name === 'IFLA_OPERSTATE');
    expect(typeof oper?.value_names).toBe('string');
    expect(oper?.value_names).toMatch(/^IF_OPER_/);
  });

  it('writes 64-bit values above 2^53 as decimal strings, and every number is a safe integer', () => {
    const m = firstMessage('link-dump.pcap', RTM.RTM_NEWLINK, 'from-kernel');
    const stats = m.attributes?.find((a) => a.name === 'IFLA_STATS64');
    expect(stats).toBeDefined();
    const big = '18446744073709551615';
    (stats!.value as Record<string, unknown>).rx_bytes = big;
    (stats!.value as Record<string, unknown>).tx_bytes = 2 ** 53 - 1;
    const bytes = encode(m);
    const back = toJSON(decode(bytes, { format: 'raw' })[0].messages)[0];
    const s2 = back.attributes?.find((a) => a.name === 'IFLA_STATS64')?.value as Record<string, unknown>;
    expect(s2.rx_bytes).toBe(big);
    expect(s2.tx_bytes).toBe(2 ** 53 - 1);
    const off = Buffer.from(bytes).indexOf(Buffer.alloc(8, 0xff));
    expect(off).toBeGreaterThan(0);
    expect(Buffer.from(bytes).readBigUInt64LE(off)).toBe(2n ** 64n - 1n);
    // No unsafe number anywhere in any fixture's JSON.
    const unsafe: unknown[] = [];
    const visit = (v: unknown): void => {
      if (typeof v === 'number' && !Number.isSafeInteger(v) && Number.isInteger(v)) unsafe.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(visit);
    };
    for (const f of pcaps()) visit(datagramsToJSON(decode(readFileSync(join(FIXTURES, f)))));
    visit(back);
    expect(unsafe).toEqual([]);
  });

  it('shows an attribute no declaration knows as {type, name: null, nla_len, hex}', () => {
    const m = firstMessage('veth-create.pcap', RTM.RTM_NEWLINK);
    m.attributes?.push({ type: 0x3ff0, name: null, nla_len: 0, hex: 'deadbeef01' });
    const back = toJSON(decode(encode(m), { format: 'raw' })[0].messages)[0];
    expect(back.attributes?.at(-1)).toEqual({ type: 0x3ff0, name: null, nla_len: 9, hex: 'deadbeef01' });
  });
});

describe('encode', () => {
  it('gives back every datagram of every fixture byte for byte', () => {
    const all = fixtureDatagrams();
    expect(all.length).toBeGreaterThan(100);
    for (const f of all) {
      const d = decode(f.bytes, { format: 'raw' });
      expect(toHex(roundTrip(d[0])), f.name).toBe(toHex(f.bytes));
    }
  });

  it('gives back the bytes of truncated and mutated fixtures too, whenever they decode', () => {
    const all = fixtureDatagrams();
    fc.assert(
      fc.property(
        fc.nat(all.length - 1),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }),
        (i, cut, flips) => {
          const b = Buffer.from(all[i].bytes);
          for (const [at, v] of flips) b[at % b.length] = v;
          const input = b.subarray(0, Math.max(16, cut % (b.length + 1)));
          let d: DecodedDatagram[];
          try {
            d = decode(input, { format: 'raw' });
          } catch (e) {
            if (e instanceof InputError) return;
            throw e;
          }
          const back = Buffer.from(roundTrip(d[0]));
          // Zero padding after the last message belongs to no message: the rest must match exactly.
          expect(back.toString('hex')).toBe(input.subarray(0, back.length).toString('hex'));
          expect(input.subarray(back.length).every((x) => x === 0)).toBe(true);
          expect(input.length - back.length).toBeLessThan(4);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives back a whole capture: datagrams with direction, time and source, as pcap', () => {
    for (const f of pcaps()) {
      const file = readFileSync(join(FIXTURES, f));
      const d = decode(file);
      const json = JSON.parse(JSON.stringify(datagramsToJSON(d)));
      const again = encodeDatagrams(json);
      expect(again.map((x) => toHex(x.bytes))).toEqual(d.map((x) => toHex(x.bytes)));
      expect(again.map((x) => x.direction)).toEqual(d.map((x) => x.direction));
      // Rewritten as pcap, the file is the same bytes (same timestamps, cooked headers, order).
      expect(Buffer.from(writePcap(again)).equals(file), f).toBe(true);
    }
  });

  it('accepts a message, a list of messages, a datagram or a list of datagrams', () => {
    const d = decode(readFileSync(join(FIXTURES, 'veth-create.pcap')));
    const msgs = toJSON(d[2].messages);
    const want = toHex(d[2].bytes);
    expect(toHex(encode(msgs[0]))).toBe(want);
    expect(toHex(encode(msgs))).toBe(want);
    expect(toHex(encode(datagramsToJSON([d[2]])[0]))).toBe(want);
    expect(toHex(encode(datagramsToJSON([d[2], d[3]])))).toBe(want + toHex(d[3].bytes));
  });

  it('takes hand-written JSON: names instead of numbers, lengths and zero fields left out', () => {
    const bytes = encode({
      nlmsg_type_name: 'RTM_NEWLINK',
      nlmsg_flags_names: ['NLM_F_REQUEST', 'NLM_F_ACK', 'NLM_F_EXCL', 'NLM_F_CREATE'],
      nlmsg_seq: 1795431763,
      family_header: { struct: 'ifinfomsg', fields: {} },
      attributes: [
        { name: 'IFLA_IFNAME', value: 'v0' },
        {
          name: 'IFLA_LINKINFO',
          attributes: [
            { name: 'IFLA_INFO_KIND', hex: '76657468' },
            {
              name: 'IFLA_INFO_DATA',
              attributes: [{ name: 'VETH_INFO_PEER', attributes: [{ name: 'IFLA_IFNAME', value: 'v1' }] }],
            },
          ],
        },
      ],
    });
    // What `ip link add v0 type veth peer name v1` sent (fixtures/veth-create.json, message 3).
    expect(toHex(bytes)).toBe(toHex(decode(readFileSync(join(FIXTURES, 'veth-create.pcap')))[2].bytes));
  });

  it('rejects bad JSON with a ValidationError naming the path', () => {
    const bad = (json: unknown, path: RegExp) => {
      try {
        encode(json);
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).field).toMatch(path);
        return;
      }
      throw new Error(`expected a ValidationError for ${JSON.stringify(json)}`);
    };
    const base = { nlmsg_type: 16, nlmsg_flags: 5, family_header: { fields: {} } };
    bad(42, /^input$/);
    bad({ ...base, nlmsg_type: 70000 }, /nlmsg_type$/);
    bad({ ...base, nlmsg_flags_names: ['NLM_F_NOPE'], nlmsg_flags: undefined }, /nlmsg_flags_names/);
    bad({ ...base, atributes: [] }, /atributes$/);
    bad({ ...base, attributes: [{ name: 'IFLA_NOPE', value: 1 }] }, /attributes\[0\]\.type$/);
    bad({ ...base, attributes: [{ type: 3, name: 'IFLA_MTU', value: 1 }] }, /attributes\[0\]\.name$/);
    bad({ ...base, attributes: [{ name: 'IFLA_MTU', value: 'lots' }] }, /IFLA_MTU/);
    bad({ ...base, attributes: [{ name: 'IFLA_MTU', value: 2 ** 32 }] }, /IFLA_MTU/);
    bad({ ...base, attributes: [{ name: 'IFLA_LINKINFO', value: 3 }] }, /attributes\[0\]\.value$/);
    bad({ ...base, attributes: [{ type: 99, hex: 'xyz' }] }, /attributes\[0\]\.hex$/);
    bad({ ...base, family_header: { struct: 'rtmsg', fields: {} } }, /family_header\.struct$/);
    bad({ ...base, family_header: { fields: { ifi_nope: 1 } } }, /family_header\.fields\.ifi_nope$/);
    bad([{ messages: [{ ...base, nlmsg_seq: -1 }] }], /^\[0\]\.messages\[0\]\.nlmsg_seq$/);
    bad({ nlmsg_type: 2, error: { errno: 'EINVAL' } }, /error\.errno$/);
  });

  it('never throws anything but ValidationError on arbitrary JSON', () => {
    const m = firstMessage('veth-create.pcap', RTM.RTM_NEWLINK);
    const json = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 40, '', 'ab', 'IFLA_MTU', '0x10'),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(
          fc.constantFrom(
            'type',
            'name',
            'value',
            'attributes',
            'hex',
            'fields',
            'struct',
            'header',
            'entries',
            'flags',
          ),
          tie('v'),
          { maxKeys: 4 },
        ),
      ),
    })).v;
    const mutate = fc.tuple(fc.nat(), json);
    fc.assert(
      fc.property(mutate, ([i, v]) => {
        const copy = JSON.parse(JSON.stringify(m)) as JsonMessage;
        const targets = [...attrsOf(copy)];
        const a = targets[i % targets.length] as unknown as Record<string, unknown>;
        const keys = ['value', 'attributes', 'type', 'name', 'hex', 'header', 'flags'];
        a[keys[i % keys.length]] = v;
        try {
          encode(copy);
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
