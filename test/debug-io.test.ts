import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { detectInput, readCaptured } from '../src/debug/io/detect.js';
import { parseHex, toHex } from '../src/debug/io/hex.js';
import { PcapWriter, readPcap, writePcap } from '../src/debug/io/pcap.js';
import { parseStrace, STRACE_COMMAND } from '../src/debug/io/strace.js';
import { type CapturedMessage, InputError } from '../src/debug/io/types.js';

const DATA = join(import.meta.dirname, 'data');
const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** Runs `fn`; passes when it returns or throws an InputError, fails on any other exception. */
function returnsOrInputError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    expect(e.message).not.toContain('\n');
  }
}

function expectInputError(fn: () => unknown, pattern?: RegExp): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    if (pattern) expect((e as Error).message).toMatch(pattern);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

const h2 = (b: number): string => b.toString(16).padStart(2, '0');
const ascii = (b: number): string => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

function chunks(bytes: Uint8Array, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += n) out.push(bytes.subarray(i, i + n));
  return out;
}

/** `xxd` default output: 2-byte groups, 16 bytes a line. */
function xxd(bytes: Uint8Array): string {
  return chunks(bytes, 16)
    .map((line, i) => {
      const groups = chunks(line, 2).map((g) => [...g].map(h2).join(''));
      return `${(i * 16).toString(16).padStart(8, '0')}: ${groups.join(' ').padEnd(39)}  ${[...line].map(ascii).join('')}`;
    })
    .join('\n');
}

/** `hexdump -C` output, with `*` for repeated lines and the closing offset line. */
function hexdumpC(bytes: Uint8Array): string {
  const lines: string[] = [];
  let prev: string | undefined;
  let starred = false;
  chunks(bytes, 16).forEach((line, i) => {
    const hex = [...line].map(h2);
    const area = `${hex.slice(0, 8).join(' ')}  ${hex.slice(8).join(' ')}`.trimEnd();
    const key = hex.join(' ');
    if (key === prev && line.length === 16) {
      if (!starred) lines.push('*');
      starred = true;
      return;
    }
    prev = key;
    starred = false;
    lines.push(
      `${(i * 16).toString(16).padStart(8, '0')}  ${area.padEnd(48)}  |${[...line].map(ascii).join('')}|`,
    );
  });
  if (bytes.length > 0) lines.push(bytes.length.toString(16).padStart(8, '0'));
  return lines.join('\n');
}

/** strace's `-e read=`/`-e write=` dump lines. */
function straceDump(bytes: Uint8Array): string[] {
  return chunks(bytes, 16).map((line, i) => {
    let area = '';
    for (let k = 0; k < 16; k++) {
      area += k < line.length ? `${h2(line[k])} ` : '   ';
      if (k === 7) area += ' ';
    }
    const text = [...line].map(ascii).join('').padEnd(16);
    return ` | ${(i * 16).toString(16).padStart(5, '0')}  ${area} ${text} |`;
  });
}

const HEX_STYLES: Record<string, (b: Uint8Array) => string> = {
  spaced: (b) =>
    chunks(b, 16)
      .map((l) => [...l].map(h2).join(' '))
      .join('\n'),
  continuous: (b) => chunks(b, 32).map(toHex).join('\n'),
  upper: (b) => toHex(b).toUpperCase(),
  '0x-commas': (b) => [...b].map((x) => `0x${h2(x)}`).join(', '),
  'x-escapes': (b) => `"${[...b].map((x) => `\\x${h2(x)}`).join('')}"`,
  colons: (b) => [...b].map(h2).join(':'),
  'c-array': (b) => `{ ${[...b].map((x) => `0x${h2(x)}`).join(', ')} }`,
  crlf: (b) =>
    chunks(b, 8)
      .map((l) => [...l].map(h2).join(' '))
      .join('\r\n'),
  xxd,
  'hexdump-C': hexdumpC,
  'strace-dump': (b) => straceDump(b).join('\n'),
};

/** Byte arrays that include long runs of equal 16-byte lines, to exercise `*` in dumps. */
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc
    .tuple(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 6 }), fc.uint8Array({ maxLength: 40 }))
    .map(([a, n, b]) => Uint8Array.from([...a, ...new Array<number>(16 * n + 7).fill(0), ...b])),
);

describe('parseHex', () => {
  for (const [style, format] of Object.entries(HEX_STYLES)) {
    it(`round-trips bytes written as ${style}`, () => {
      fc.assert(
        fc.property(bytesArb, (bytes) => {
          expect(parseHex(format(bytes))).toEqual(bytes);
        }),
      );
    });
  }

  it('reads the output of the real xxd, hexdump -C and od -A x -t x1', (ctx) => {
    // Zeros in the middle make hexdump, od and xxd -a print '*' for repeated lines.
    const bytes = Uint8Array.from([...Array(130).keys()].map((i) => (i < 20 || i > 100 ? i * 7 : 0)));
    const tools: Array<[string, string[]]> = [
      ['xxd', []],
      ['xxd', ['-a']],
      ['xxd', ['-g', '1']],
      ['hexdump', ['-C']],
      ['od', ['-A', 'x', '-t', 'x1']],
    ];
    let ran = 0;
    for (const [tool, args] of tools) {
      const r = spawnSync(tool, args, { input: bytes, encoding: 'utf8' });
      if (r.error) continue;
      ran++;
      expect(parseHex(r.stdout), tool).toEqual(bytes);
    }
    if (ran === 0) ctx.skip('none of xxd, hexdump, od is installed');
  });

  it('ignores offset and ASCII columns that look like hex', () => {
    const bytes = new TextEncoder().encode('abcdef0123456789ABCDEF ab cd 00 11');
    expect(parseHex(xxd(bytes))).toEqual(bytes);
    expect(parseHex(hexdumpC(bytes))).toEqual(bytes);
    expect(parseHex(straceDump(bytes).join('\n'))).toEqual(bytes);
  });

  it('skips strace buffer headers between iovec dumps', () => {
    const a = Uint8Array.from([1, 2, 3]);
    const b = Uint8Array.from([4, 5]);
    const text = [
      ' * 3 bytes in buffer 0',
      ...straceDump(a),
      ' * 2 bytes in buffer 1',
      ...straceDump(b),
    ].join('\n');
    expect([...parseHex(text)]).toEqual([1, 2, 3, 4, 5]);
  });

  it('returns no bytes for blank input', () => {
    expect(parseHex('')).toEqual(new Uint8Array(0));
    expect(parseHex(' \n\t\n')).toEqual(new Uint8Array(0));
  });

  it('rejects bad input with an InputError that says where', () => {
    expect(expectInputError(() => parseHex('14 0'), /odd number of hex digits/).line).toBe(1);
    expect(expectInputError(() => parseHex('14 00\n0x123'), /odd/).line).toBe(2);
    expectInputError(() => parseHex('hello'), /unexpected character/);
    expectInputError(() => parseHex('14 00 zz'), /unexpected character "z"/);
    expectInputError(() => parseHex('00000000: 1400 0000\n00000010: 1400'), /offset column/);
    expectInputError(() => parseHex('00000000  14 00 00 00  |....|\n*\n'), /\*/);
    expectInputError(() => parseHex('*'), /\*/);
    const e = expectInputError(() => parseHex('00 01\n02 g3'));
    expect(e.offset).toBe(9);
  });

  it('throws nothing but InputError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) =>
        returnsOrInputError(() => parseHex(s)),
      ),
    );
    const alphabet = fc.constantFrom(...'0123456789abcdefx\\:,| *\n.'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), (cs) =>
        returnsOrInputError(() => parseHex(cs.join(''))),
      ),
    );
  });
});

/** A netlink datagram: 1-3 messages of NOOP/DONE type with random payloads, lengths consistent. */
const datagramArb = fc
  .array(fc.tuple(fc.constantFrom(1, 3), fc.uint8Array({ maxLength: 60 }), fc.nat({ max: 0xffffffff })), {
    minLength: 1,
    maxLength: 3,
  })
  .map((msgs) => {
    const parts = msgs.map(([type, payload, seq]) => {
      const len = 16 + payload.length;
      const out = new Uint8Array((len + 3) & ~3);
      const dv = new DataView(out.buffer);
      dv.setUint32(0, len, true);
      dv.setUint16(4, type, true);
      dv.setUint32(8, seq, true);
      out.set(payload, 16);
      return out;
    });
    return Uint8Array.from(parts.flatMap((p) => [...p]));
  });

const messageArb: fc.Arbitrary<CapturedMessage> = fc
  .record({
    bytes: fc.oneof(datagramArb, fc.uint8Array({ maxLength: 100 })),
    direction: fc.constantFrom<CapturedMessage['direction']>('to-kernel', 'from-kernel', undefined),
    seconds: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    micros: fc.integer({ min: 0, max: 999_999 }),
    family: fc.constantFrom(0, 4, 16, 0xffff),
  })
  .map(({ bytes, direction, seconds, micros, family }) => {
    const m: CapturedMessage = { bytes, timestamp: seconds + micros / 1e6, family };
    if (direction) m.direction = direction;
    return m;
  });

function expectSameMessages(got: CapturedMessage[], want: CapturedMessage[], tolerance = 2e-6): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    expect(g.bytes).toEqual(w.bytes);
    expect(g.direction).toBe(w.direction);
    expect(g.family).toBe(w.family ?? 0);
    if (w.timestamp !== undefined)
      expect(Math.abs((g.timestamp ?? Number.NaN) - w.timestamp)).toBeLessThan(tolerance);
  });
}

/** The cooked header as Wireshark reads it, built here independently of pcap.ts. */
function cooked(m: CapturedMessage): Uint8Array {
  const out = new Uint8Array(16 + m.bytes.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, m.direction === 'to-kernel' ? 4 : m.direction === 'from-kernel' ? 0 : 3, false);
  dv.setUint16(2, 824, false);
  dv.setUint16(14, m.family ?? 0, false);
  out.set(m.bytes, 16);
  return out;
}

/** Minimal pcapng writer for tests. */
class PcapngBuilder {
  private parts: Uint8Array[] = [];
  constructor(private le: boolean) {}

  block(type: number, body: Uint8Array): this {
    const total = 12 + ((body.length + 3) & ~3);
    const out = new Uint8Array(total);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, type, this.le);
    dv.setUint32(4, total, this.le);
    out.set(body, 8);
    dv.setUint32(total - 4, total, this.le);
    this.parts.push(out);
    return this;
  }

  section(le = this.le): this {
    this.le = le;
    const body = new Uint8Array(16);
    const dv = new DataView(body.buffer);
    dv.setUint32(0, 0x1a2b3c4d, le);
    dv.setUint16(4, 1, le);
    dv.setBigInt64(8, -1n, le);
    return this.block(0x0a0d0d0a, body);
  }

  idb(linktype: number, opts: { tsresol?: number; tsoffset?: bigint; snaplen?: number } = {}): this {
    const options: number[] = [];
    const dvBytes = (n: number, f: (dv: DataView) => void): number[] => {
      const b = new Uint8Array(n);
      f(new DataView(b.buffer));
      return [...b];
    };
    const optionHeader = (code: number, len: number): number[] =>
      dvBytes(4, (dv) => {
        dv.setUint16(0, code, this.le);
        dv.setUint16(2, len, this.le);
      });
    // An if_name option first, to check options are skipped properly.
    const name = [...new TextEncoder().encode('nlmon0')];
    options.push(...optionHeader(2, name.length), ...name, 0, 0);
    if (opts.tsresol !== undefined) options.push(...optionHeader(9, 1), opts.tsresol, 0, 0, 0);
    if (opts.tsoffset !== undefined) {
      const off = opts.tsoffset;
      options.push(...optionHeader(14, 8), ...dvBytes(8, (dv) => dv.setBigInt64(0, off, this.le)));
    }
    options.push(0, 0, 0, 0);
    const head = dvBytes(8, (dv) => {
      dv.setUint16(0, linktype, this.le);
      dv.setUint32(4, opts.snaplen ?? 0, this.le);
    });
    return this.block(1, Uint8Array.from([...head, ...options]));
  }

  epb(ifIndex: number, ticks: bigint, data: Uint8Array): this {
    const body = new Uint8Array(20 + ((data.length + 3) & ~3) + 4);
    const dv = new DataView(body.buffer);
    dv.setUint32(0, ifIndex, this.le);
    dv.setUint32(4, Number(ticks >> 32n), this.le);
    dv.setUint32(8, Number(ticks & 0xffffffffn), this.le);
    dv.setUint32(12, data.length, this.le);
    dv.setUint32(16, data.length, this.le);
    body.set(data, 20);
    return this.block(6, body); // ends with an empty option list (opt_endofopt)
  }

  spb(data: Uint8Array): this {
    const body = new Uint8Array(4 + data.length);
    new DataView(body.buffer).setUint32(0, data.length, this.le);
    body.set(data, 4);
    return this.block(3, body);
  }

  build(): Uint8Array {
    return Uint8Array.from(this.parts.flatMap((p) => [...p]));
  }
}

describe('pcap', () => {
  it('round-trips messages through writePcap and readPcap (both byte orders, us and ns)', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { maxLength: 8 }),
        fc.constantFrom<'us' | 'ns'>('us', 'ns'),
        fc.constantFrom<'little' | 'big'>('little', 'big'),
        (messages, resolution, endian) => {
          const file = writePcap(messages, { resolution, endian });
          const cap = readPcap(file);
          expect(cap.format).toBe('pcap');
          expectSameMessages(cap.messages, messages);
          expect(cap.family).toBe(messages[0]?.family);
          expect(cap.messages.map((m) => m.source)).toEqual(messages.map((_, i) => `pcap packet ${i + 1}`));
        },
      ),
    );
  });

  it('writes the documented layout', () => {
    const bytes = Uint8Array.from([0x14, 0, 0, 0, 3, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const file = writePcap([{ bytes, direction: 'to-kernel', timestamp: 1.5 }], { family: 16 });
    expect(toHex(file.subarray(0, 24))).toBe('d4c3b2a102000400000000000000000000000400fd000000');
    expect(toHex(file.subarray(24, 40))).toBe('0100000020a10700' + '24000000' + '24000000');
    expect(toHex(file.subarray(40, 56))).toBe('0004' + '0338' + '0000' + '0000000000000000' + '0010');
    expect(file.subarray(56)).toEqual(bytes);
    const ns = writePcap([{ bytes, timestamp: 2.000000001 }], { resolution: 'ns', endian: 'big' });
    expect(toHex(ns.subarray(0, 4))).toBe('a1b23c4d');
    expect(toHex(ns.subarray(24, 32))).toBe('0000000200000001');
    expect(readPcap(ns).messages[0].direction).toBeUndefined();
  });

  it('reads pcapng: both byte orders, if_tsresol, if_tsoffset, EPB and SPB, skipping other blocks', () => {
    const a: CapturedMessage = { bytes: Uint8Array.from([1, 2, 3, 4, 5]), direction: 'to-kernel', family: 0 };
    const b: CapturedMessage = { bytes: Uint8Array.from([9, 8, 7]), direction: 'from-kernel', family: 16 };
    const eth = Uint8Array.from(new Array(60).fill(0xee));
    for (const le of [true, false]) {
      const file = new PcapngBuilder(le)
        .section()
        .idb(1) // Ethernet: its packets are skipped
        .idb(253, { tsresol: 9 }) // nanoseconds
        .block(0x0bad, Uint8Array.from([1, 2, 3])) // unknown block
        .epb(0, 5n, eth)
        .epb(1, 1_700_000_000_123_456_789n, cooked(a))
        .block(4, new Uint8Array(8)) // name resolution block
        .section(!le) // a second section in the other byte order resets the interfaces
        .idb(253, { tsresol: 0x80 | 10, tsoffset: 100n }) // 2^-10 s
        .epb(0, 1024n * 5n + 512n, cooked(b))
        .spb(cooked(a))
        .build();
      expect(detectInput(file)).toBe('pcapng');
      const cap = readPcap(file);
      expect(cap.format).toBe('pcapng');
      expect(cap.family).toBe(0);
      expectSameMessages(cap.messages, [a, b, a]);
      expect((cap.messages[0].timestamp ?? 0) - 1_700_000_000).toBeCloseTo(0.123456789, 6);
      expect(cap.messages[1].timestamp).toBe(105.5);
      expect(cap.messages[2].timestamp).toBeUndefined();
      expect(cap.messages.map((m) => m.source)).toEqual([
        'pcapng packet 2',
        'pcapng packet 3',
        'pcapng packet 4',
      ]);
    }
  });

  it('round-trips random messages through pcapng with any resolution', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { maxLength: 6 }),
        fc.boolean(),
        fc.constantFrom(6, 9, 0x80 | 20),
        (messages, le, tsresol) => {
          const units = tsresol & 0x80 ? 2 ** (tsresol & 0x7f) : 10 ** tsresol;
          const builder = new PcapngBuilder(le).section().idb(253, { tsresol });
          for (const m of messages) {
            const t = m.timestamp ?? 0;
            const sec = Math.floor(t);
            const ticks = BigInt(sec) * BigInt(units) + BigInt(Math.round((t - sec) * units));
            builder.epb(0, ticks, cooked(m));
          }
          expectSameMessages(readPcap(builder.build()).messages, messages, 1e-5);
        },
      ),
    );
  });

  it('marks packets cut by the snaplen in their source', () => {
    const file = writePcap([{ bytes: new Uint8Array(40), direction: 'from-kernel' }]);
    const dv = new DataView(file.buffer);
    dv.setUint32(24 + 12, 1000, true); // orig_len
    expect(readPcap(file).messages[0].source).toBe('pcap packet 1 (cut to 56 of 1000 bytes)');
  });

  it('rejects malformed captures with InputError', () => {
    const good = writePcap([{ bytes: new Uint8Array(20), direction: 'to-kernel' }]);
    expectInputError(() => readPcap(good.subarray(0, 10)), /truncated/);
    expectInputError(() => readPcap(good.subarray(0, good.length - 1)), /remain/);
    expectInputError(() => readPcap(good.subarray(0, 30)), /record header is truncated/);
    const eth = good.slice();
    eth[20] = 1;
    expectInputError(() => readPcap(eth), /link type 1 is not LINKTYPE_NETLINK/);
    const hatype = good.slice();
    hatype[24 + 16 + 3] = 1;
    expectInputError(() => readPcap(hatype), /hatype/);
    expectInputError(() => readPcap(new Uint8Array(8)), /magic/);
    const ngEth = new PcapngBuilder(true).section().idb(1).epb(0, 0n, new Uint8Array(20)).build();
    expectInputError(() => readPcap(ngEth), /LINKTYPE_NETLINK/);
    const ngNoIf = new PcapngBuilder(true).section().epb(0, 0n, new Uint8Array(20)).build();
    expectInputError(() => readPcap(ngNoIf), /interface 0/);
    const ngBad = new PcapngBuilder(true).section().idb(253).build();
    ngBad[ngBad.length - 1] ^= 1;
    expectInputError(() => readPcap(ngBad), /trailing length|bad length/);
  });

  describe('PcapWriter', () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });

    it('writes the same file as writePcap, each record at once', () => {
      dir = mkdtempSync(join(tmpdir(), 'nlw-pcapwriter-'));
      const path = join(dir, 'out.pcap');
      const messages: CapturedMessage[] = [
        { bytes: Uint8Array.from([1, 2, 3]), direction: 'to-kernel', timestamp: 10.25 },
        { bytes: Uint8Array.from([4, 5]), direction: 'from-kernel', timestamp: 11, family: 16 },
      ];
      const w = new PcapWriter(path, { resolution: 'ns' });
      expect(readFileSync(path).length).toBe(24);
      w.write(messages[0]);
      // Before close: what was written is already in the file.
      expect(readPcap(readFileSync(path)).messages).toHaveLength(1);
      w.write(messages[1]);
      expect(w.count).toBe(2);
      w.close();
      w.close();
      expect(w.isOpen).toBe(false);
      expect(new Uint8Array(readFileSync(path))).toEqual(writePcap(messages, { resolution: 'ns' }));
      expect(() => w.write(messages[0])).toThrow(/closed/);
    });

    it('stamps messages without a timestamp with the current time', () => {
      dir = mkdtempSync(join(tmpdir(), 'nlw-pcapwriter-'));
      const path = join(dir, 'now.pcap');
      const w = new PcapWriter(path);
      const before = Date.now() / 1000;
      w.write({ bytes: Uint8Array.from([1]) });
      w.close();
      const t = readPcap(readFileSync(path)).messages[0].timestamp ?? 0;
      expect(t).toBeGreaterThanOrEqual(before - 1);
      expect(t).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    });
  });

  const tshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' });
  const hasTshark = !tshark.error && tshark.status === 0;
  const tsharkTitle = hasTshark
    ? 'tshark reads writePcap output as netlink with the same message boundaries'
    : 'tshark reads writePcap output as netlink (tshark missing: skipped, or failed when CI=true; apt-get install -y tshark)';
  it.skipIf(!hasTshark && process.env.CI !== 'true')(tsharkTitle, () => {
    if (!hasTshark)
      throw new Error('tshark is not installed but CI=true: install it (apt-get install -y tshark)');
    // Wireshark steps from one message to the next by nlmsg_len without NLMSG_ALIGN, so keep lengths aligned.
    const aligned = datagramArb.filter((b) => {
      const dv = new DataView(b.buffer, b.byteOffset);
      for (let off = 0; off < b.length; off += (dv.getUint32(off, true) + 3) & ~3) {
        if (dv.getUint32(off, true) % 4 !== 0) return false;
      }
      return true;
    });
    const messages = fc.sample(
      fc.record({
        bytes: aligned,
        direction: fc.constantFrom<'to-kernel' | 'from-kernel'>('to-kernel', 'from-kernel'),
        family: fc.constantFrom(0, 16),
      }),
      { numRuns: 25, seed: 42 },
    );
    const dir = mkdtempSync(join(tmpdir(), 'nlw-tshark-'));
    try {
      const path = join(dir, 'f.pcap');
      writeFileSync(path, writePcap(messages));
      const r = spawnSync(
        'tshark',
        [
          '-r',
          path,
          '-T',
          'fields',
          '-E',
          'separator=/t',
          '-e',
          'frame.len',
          '-e',
          'netlink.hdr_len',
          '-e',
          'netlink.family',
        ],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const rows = r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t'));
      expect(rows).toHaveLength(messages.length);
      rows.forEach(([frameLen, hdrLens, family], i) => {
        const m = messages[i];
        expect(Number(frameLen)).toBe(16 + m.bytes.length);
        const lens: number[] = [];
        const dv = new DataView(m.bytes.buffer, m.bytes.byteOffset);
        for (let off = 0; off < m.bytes.length; off += (dv.getUint32(off, true) + 3) & ~3)
          lens.push(dv.getUint32(off, true));
        expect(hdrLens.split(',').map(Number)).toEqual(lens);
        expect(Number(family)).toBe(m.family);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Decodes the `"\x.."` argument of a strace line written with -xx. */
function xxString(s: string): Uint8Array {
  return Uint8Array.from(
    s
      .split('\\x')
      .slice(1)
      .map((h) => Number.parseInt(h, 16)),
  );
}

const xx = (b: Uint8Array): string => [...b].map((x) => `\\x${h2(x)}`).join('');

describe('parseStrace', () => {
  const sample = readFileSync(join(DATA, 'strace-ip-link.txt'), 'utf8');

  it('reads the committed trace of `ip link show` (-f -ttt, verbose=none, read/write dumps)', () => {
    const msgs = parseStrace(sample);
    expect(msgs.map((m) => [m.syscall, m.direction, m.bytes.length])).toEqual([
      ['sendto', 'to-kernel', 32],
      ['recvmsg', 'from-kernel', 52],
      ['sendto', 'to-kernel', 40],
      ['recvmsg', 'from-kernel', 1468],
      ['recvmsg', 'from-kernel', 20],
    ]);
    for (const m of msgs) {
      expect(m.pid).toBe(10980);
      expect(m.family).toBe(0);
      expect(m.timestamp).toBeGreaterThan(1.7e9);
    }
    expect(msgs[0].source).toBe('strace line 8');
    expect(msgs[0].timestamp).toBeCloseTo(1795431546.247581, 6);
    // The dumps agree with the strings strace printed for sendto.
    const sendtos = [...sample.matchAll(/sendto\(3, "([^"]*)"/g)].map((m) => xxString(m[1]));
    expect([msgs[0].bytes, msgs[2].bytes]).toEqual(sendtos);
    const type = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset).getUint16(4, true);
    expect(type(msgs[1].bytes)).toBe(2); // NLMSG_ERROR
    expect(type(msgs[3].bytes)).toBe(16); // RTM_NEWLINK
    expect(type(msgs[4].bytes)).toBe(3); // NLMSG_DONE
    expect(new TextDecoder().decode(msgs[3].bytes)).toContain('lo\0');
  });

  it('joins <unfinished ...> and <... resumed> per pid, concatenates iovecs and cuts to the return value', () => {
    const req = Uint8Array.from([0x14, 0, 0, 0, 0x12, 0, 1, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const hdr = Uint8Array.from([0x18, 0, 0, 0, 3, 0, 2, 0, 1, 0, 0, 0, 0x39, 0x30, 0, 0]);
    const tail = Uint8Array.from([0, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd, 0xee]);
    const text = [
      'socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 3',
      '[pid   101] 10:00:01.000001 socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC) = 4',
      `[pid   101] 10:00:01.000002 sendto(4, "${xx(req)}", 20, 0, NULL, 0 <unfinished ...>`,
      '[pid   102] 10:00:01.000003 recvmsg(3,  <unfinished ...>',
      '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=99, si_uid=0, si_status=0} ---',
      '[pid   101] 10:00:01.000004 <... sendto resumed>) = 20 <0.000011>',
      `[pid   102] 10:00:01.000005 <... recvmsg resumed>{msg_name={sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, msg_namelen=12, msg_iov=[{iov_base="${xx(hdr)}", iov_len=16}, {iov_base="${xx(tail)}", iov_len=32752}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, 0) = 24`,
      '+++ exited with 0 +++',
    ].join('\n');
    const msgs = parseStrace(text);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatchObject({
      syscall: 'sendto',
      direction: 'to-kernel',
      pid: 101,
      family: 16,
      source: 'strace line 6',
    });
    expect(msgs[0].bytes).toEqual(req);
    expect(msgs[0].timestamp).toBeCloseTo(36001.000004, 6);
    expect(msgs[1]).toMatchObject({ syscall: 'recvmsg', direction: 'from-kernel', pid: 102 });
    expect(msgs[1].family).toBeUndefined(); // fd 3 of pid 102: its socket() was not seen
    expect([...msgs[1].bytes]).toEqual([...hdr, ...tail.subarray(0, 8)]);
  });

  it('keeps only netlink descriptors for read/write and skips peeks, errors and other sockets', () => {
    const a = Uint8Array.from([0x10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const text = [
      '4242  socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) = 5',
      `4242  write(5, "${xx(a)}", 16) = 16`,
      '4242  write(1, "hello\\n", 6) = 6',
      `4242  read(7, "${xx(a)}", 4096) = 16`,
      `4242  recvfrom(5, "${xx(a)}", 32768, MSG_PEEK|MSG_TRUNC, NULL, NULL) = 16`,
      `4242  recvfrom(5, "${xx(a)}", 32768, 0, NULL, NULL) = 16`,
      '4242  recvmsg(5, {msg_name=0x7ffd, msg_namelen=12}, MSG_DONTWAIT) = -1 EAGAIN (Resource temporarily unavailable)',
      '4242  close(5) = 0',
      `4242  write(5, "${xx(a)}", 16) = 16`,
      '4242  socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 6',
      `4242  sendto(6, "${xx(a)}", 16, MSG_NOSIGNAL, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 16`,
      `4242  sendmsg(9<NETLINK:[GENERIC:4242]>, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="${xx(a)}", iov_len=16}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 16`,
      `4242  sendmsg(8<TCP:[1.2.3.4:5->6.7.8.9:10]>, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="${xx(a)}", iov_len=16}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 16`,
      `4242  writev(5, [{iov_base="${xx(a)}", iov_len=16}], 1) = 16`,
    ].join('\n');
    const msgs = parseStrace(text);
    expect(msgs.map((m) => [m.syscall, m.direction, m.family, m.source])).toEqual([
      ['write', 'to-kernel', 0, 'strace line 2'],
      ['recvfrom', 'from-kernel', 0, 'strace line 6'],
      ['sendmsg', 'to-kernel', 16, 'strace line 12'],
    ]);
  });

  it('follows fds across dup2 and clone, and strings without -xx', () => {
    const text = [
      'socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) = 3',
      'dup2(3, 10) = 10',
      'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD) = 77',
      '[pid    77] write(10, "\\20\\0\\0\\0ab\\n\\t\\"\\\\\\x01\\177 z", 16) = 16',
    ].join('\n');
    const [m] = parseStrace(text);
    expect([...m.bytes]).toEqual([16, 0, 0, 0, 97, 98, 10, 9, 34, 92, 1, 127, 32, 122]);
    expect(m.pid).toBe(77);
  });

  it('prefers the hex dumps, so a verbose (decoded) trace with -e read/write=all still works', () => {
    const reply = Uint8Array.from([...Array(40).keys()]);
    const text = [
      'socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 3',
      'recvmsg(3, {msg_name={sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, msg_namelen=12, msg_iov=[{iov_base=[{nlmsg_len=40, nlmsg_type=NLMSG_DONE, nlmsg_flags=NLM_F_MULTI, nlmsg_seq=1, nlmsg_pid=2}, 0], iov_len=32768}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 40',
      ' * 40 bytes in buffer 0',
      ...straceDump(reply),
    ].join('\n');
    expect(parseStrace(text)[0].bytes).toEqual(reply);
  });

  it('round-trips random datagrams written in the recommended form, with splits', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            bytes: fc.uint8Array({ minLength: 1, maxLength: 80 }),
            send: fc.boolean(),
            split: fc.boolean(),
          }),
          {
            maxLength: 8,
          },
        ),
        (events) => {
          const lines = [
            '300   1700000000.000001 socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 3',
          ];
          events.forEach((e, i) => {
            const ts = `1700000000.${String(i + 2).padStart(6, '0')}`;
            const call = e.send ? 'sendmsg(3, 0x7ffc1000, 0' : 'recvmsg(3, 0x7ffc1000, 0';
            const name = e.send ? 'sendmsg' : 'recvmsg';
            if (e.split) {
              lines.push(`300   ${ts} ${call} <unfinished ...>`);
              lines.push(`301   ${ts} getpid() = 301`);
              lines.push(`300   ${ts} <... ${name} resumed>) = ${e.bytes.length}`);
            } else lines.push(`300   ${ts} ${call}) = ${e.bytes.length}`);
            lines.push(` * ${e.bytes.length} bytes in buffer 0`, ...straceDump(e.bytes));
          });
          const msgs = parseStrace(lines.join('\n'));
          expect(msgs.map((m) => m.bytes)).toEqual(events.map((e) => e.bytes));
          expect(msgs.map((m) => m.direction)).toEqual(
            events.map((e) => (e.send ? 'to-kernel' : 'from-kernel')),
          );
        },
      ),
    );
  });

  it('rejects decoded netlink, pointer-only and truncated buffers, naming the options to use', () => {
    const sock = 'socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 3\n';
    const decoded =
      'sendto(3, [{nlmsg_len=32, nlmsg_type=RTM_NEWLINK, nlmsg_flags=NLM_F_REQUEST|NLM_F_ACK, nlmsg_seq=0, nlmsg_pid=0}, {ifi_family=AF_UNSPEC, ifi_type=ARPHRD_NETROM, ifi_index=0, ifi_flags=0, ifi_change=0}], 32, 0, NULL, 0) = 32';
    let e = expectInputError(() => parseStrace(sock + decoded), /decoded netlink structures.*verbose=none/);
    expect(e.line).toBe(2);
    expect(e.message).toContain(STRACE_COMMAND);
    // Decoded netlink is recognised even when the socket() call is not in the trace.
    expectInputError(() => parseStrace(decoded), /decoded/);
    e = expectInputError(
      () => parseStrace(`${sock}recvmsg(3, 0x7ffc25ee8a80, 0) = 52`),
      /read=all -e write=all/,
    );
    expect(e.line).toBe(2);
    expectInputError(() => parseStrace(`${sock}sendto(3, "\\x14\\x00"..., 20, 0, NULL, 0) = 20`), /-s limit/);
    expectInputError(() => parseStrace(`${sock}sendto(3, "\\x14\\x00", 20, 0, NULL, 0 = 20`), /cannot read/);
    expectInputError(() => parseStrace(`${sock}sendto(3, "\\x14", 1, 0) = 1\n | 00010  14`), /dump offset/);
    // The same pointer on a socket of unknown kind is not netlink for sure: skipped.
    expect(parseStrace('recvmsg(5, 0x7ffc25ee8a80, 0) = 52')).toEqual([]);
  });
});

describe('detectInput and readCaptured', () => {
  const sampleBytes = new Uint8Array(readFileSync(join(DATA, 'strace-ip-link.txt')));
  const netlink = Uint8Array.from([0x14, 0, 0, 0, 3, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

  it('detects each kind', () => {
    const pcap = writePcap([{ bytes: netlink }]);
    expect(detectInput(pcap)).toBe('pcap');
    expect(detectInput(writePcap([], { endian: 'big' }))).toBe('pcap');
    expect(detectInput(writePcap([], { resolution: 'ns' }))).toBe('pcap');
    expect(detectInput(new PcapngBuilder(false).section().build())).toBe('pcapng');
    expect(detectInput(sampleBytes)).toBe('strace');
    expect(detectInput(new TextEncoder().encode('[pid 12] <... recvmsg resumed>) = 3\n'))).toBe('strace');
    expect(detectInput(new TextEncoder().encode(xxd(netlink)))).toBe('hex');
    expect(detectInput(new TextEncoder().encode('14 00 00 00\n'))).toBe('hex');
    expect(detectInput(netlink)).toBe('raw');
    expect(detectInput(new Uint8Array(0))).toBe('raw');
  });

  it('reads each kind', () => {
    const fromPcap = readCaptured(writePcap([{ bytes: netlink, direction: 'from-kernel' }], { family: 4 }));
    expect(fromPcap).toMatchObject({ kind: 'pcap', family: 4 });
    expect(fromPcap.messages[0].bytes).toEqual(netlink);
    const fromStrace = readCaptured(sampleBytes);
    expect(fromStrace.kind).toBe('strace');
    expect(fromStrace.family).toBe(0);
    expect(fromStrace.messages).toHaveLength(5);
    const fromHex = readCaptured(new TextEncoder().encode(hexdumpC(netlink)));
    expect(fromHex).toEqual({ kind: 'hex', messages: [{ bytes: netlink, source: 'hex input' }] });
    expect(readCaptured(netlink)).toEqual({
      kind: 'raw',
      messages: [{ bytes: netlink, source: 'raw input' }],
    });
    expect(readCaptured(new TextEncoder().encode('1400'), 'raw').messages[0].bytes).toEqual(
      new TextEncoder().encode('1400'),
    );
    expectInputError(() => readCaptured(netlink, 'pcap'), /magic/);
  });

  it('returns or throws InputError for arbitrary bytes, never anything else', () => {
    const pcapHead = writePcap([{ bytes: netlink }]).subarray(0, 24);
    const ngHead = new PcapngBuilder(true).section().idb(253).build();
    const prefixes = fc.constantFrom(
      new Uint8Array(0),
      pcapHead,
      writePcap([], { endian: 'big' }),
      ngHead,
      new TextEncoder().encode('socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) = 3\nsendto(3, '),
      new TextEncoder().encode('00000000: '),
    );
    const kinds = fc.constantFrom(undefined, 'pcap', 'pcapng', 'strace', 'hex', 'raw' as const);
    fc.assert(
      fc.property(prefixes, fc.uint8Array({ maxLength: 300 }), kinds, (prefix, tail, kind) => {
        const input = Uint8Array.from([...prefix, ...tail]);
        returnsOrInputError(() => readCaptured(input, kind));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) =>
        returnsOrInputError(() => readCaptured(new TextEncoder().encode(s))),
      ),
    );
  });

  it('mutated real inputs still give a result or an InputError', () => {
    const seeds = [sampleBytes, writePcap(parseStrace(new TextDecoder().decode(sampleBytes)))];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 5 }),
        (seed, edits) => {
          const input = seed.slice();
          for (const [at, value] of edits) input[at % input.length] = value;
          returnsOrInputError(() => readCaptured(input));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('committed fixtures', () => {
  const names = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5));

  it('exist', () => {
    expect(names.length).toBeGreaterThanOrEqual(20);
  });

  for (const name of names) {
    it(`${name}: the pcap holds the datagrams of the json`, () => {
      const json = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as {
        command: string;
        kernel: string;
        messages: Array<{ direction: string; hex: string }>;
      };
      const cap = readPcap(readFileSync(join(FIXTURES, `${name}.pcap`)));
      expect(cap.family).toBe(0);
      expect(cap.messages.map((m) => ({ direction: m.direction, hex: toHex(m.bytes) }))).toEqual(
        json.messages,
      );
      expect(cap.messages.some((m) => m.direction === 'to-kernel')).toBe(true);
      expect(cap.messages.some((m) => m.direction === 'from-kernel')).toBe(true);
    });
  }
});
