import { isIPv4 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipaddr, ipv4, ipv4Value, ipv6, lladdr } from '../src/netlink/address.js';
import { align } from '../src/netlink/align.js';
import {
  be16,
  be32,
  binary,
  flag,
  s8,
  s16,
  s32,
  s64,
  string,
  u8,
  u16,
  u32,
  u64,
} from '../src/netlink/codec.js';
import { describeMessages } from '../src/netlink/describe.js';
import { encodeMessageNodes } from '../src/netlink/encode-tree.js';
import { DecodeError, NlwireError, ValidationError } from '../src/netlink/errors.js';
import { decodeBody, encodeMessage, Protocol, splitMessages } from '../src/netlink/message.js';
import { attrSet, indexedArray, packedArray, records, selector, withHeader } from '../src/netlink/schema.js';
import { struct } from '../src/netlink/struct.js';
import { Writer } from '../src/netlink/writer.js';

// A toy family, declared exactly as rtnetlink's are, to test the machinery on its own.
const T = {
  T_UNSPEC: 0,
  T_A: 1,
  T_B: 2,
  T_C: 3,
  T_D: 4,
  T_E: 5,
  T_F: 6,
  T_G: 7,
  T_H: 8,
  T_I: 9,
  T_J: 10,
  T_K: 11,
  T_L: 12,
  T_M: 13,
  T_N: 14,
  T_O: 15,
  T_P: 16,
  T_Q: 17,
  T_R: 18,
  T_S: 19,
} as const;
const K = { K_UNSPEC: 0, K_X: 1, K_Y: 2 } as const;
const hdr = struct('toyhdr', [
  ['t_family', 'family', 'u8'],
  ['t_pad', null, 'u8'],
  ['t_kind', 'kind', 'u16'],
  ['t_index', 'index', 's32'],
  ['t_big', 'big', 'u64'],
]);
const hop = struct('toyhop', [
  ['h_len', 'len', 'u16'],
  ['h_flags', 'flags', 'u8'],
  ['h_hops', 'hops', 'u8'],
  ['h_ifindex', 'ifindex', 's32'],
]);
const inner = attrSet('K', K, { x: ['K_X', u32], y: ['K_Y', string] });
const other = attrSet('K2', K, { x: ['K_X', ipv4] });
const toy = attrSet('T', T, {
  a: ['T_A', u8],
  b: ['T_B', u16],
  c: ['T_C', u32],
  d: ['T_D', u64],
  e: ['T_E', s32],
  f: ['T_F', string],
  g: ['T_G', binary],
  h: ['T_H', flag],
  i: ['T_I', ipv6],
  j: ['T_J', lladdr],
  k: ['T_K', inner],
  l: ['T_L', be16],
  m: ['T_M', string],
  n: ['T_N', selector('by m', (s) => (s.m === 'x' ? inner : s.m === 'y' ? other : undefined), binary)],
  o: ['T_O', withHeader(hdr, inner)],
  p: ['T_P', records(hop, 'h_len', inner)],
  q: ['T_Q', packedArray(u32)],
  r: ['T_R', ipaddr, { multi: true }],
  s: ['T_S', indexedArray(be32, 1)],
});
const TYPE = 100;
const proto = new Protocol('TOY', 99);
proto.register({ name: 'TOY_NEW', type: TYPE, kind: 'new', header: hdr, attrs: toy, familyKey: 'family' });

const arbIPv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
const arbIPv6 = fc.ipV6().map((s) => {
  // canonical text, as the decoder prints it
  const w = new Writer(16);
  ipv6.encode(w, s, 'x');
  return ipv6.decode(w.buf, 0, 16, {});
});
const arbMac = fc
  .uint8Array({ minLength: 6, maxLength: 6 })
  .map((b) => lladdr.decode(Buffer.from(b), 0, 6, {}));
const arbStr = fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0'));
const arbInner = fc.record({ x: fc.nat(0xffffffff), y: arbStr }, { requiredKeys: [] });
const arbHdr = fc.record({
  family: fc.nat(255),
  kind: fc.nat(0xffff),
  index: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  big: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
});
const arbToy = fc
  .record(
    {
      a: fc.nat(255),
      b: fc.nat(0xffff),
      c: fc.nat(0xffffffff),
      d: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      e: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      f: arbStr,
      g: fc.uint8Array({ maxLength: 40 }),
      h: fc.constant(true as const),
      i: arbIPv6,
      j: arbMac,
      k: arbInner,
      l: fc.nat(0xffff),
      o: fc.record({ header: arbHdr, attrs: arbInner }),
      p: fc.array(
        fc.record({
          header: fc.record({ flags: fc.nat(255), hops: fc.nat(255), ifindex: fc.nat(1000) }),
          attrs: arbInner,
        }),
        { maxLength: 3 },
      ),
      q: fc.array(fc.nat(0xffffffff), { maxLength: 8 }),
      r: fc.array(fc.oneof(arbIPv4, arbIPv6), { minLength: 1, maxLength: 3 }),
      s: fc.array(fc.nat(0xffffffff), { maxLength: 4 }),
    },
    { requiredKeys: [] },
  )
  .chain((base) =>
    fc.oneof(
      fc.constant(base),
      arbInner.map((n) => ({ ...base, m: 'x', n })),
      arbIPv4.map((x) => ({ ...base, m: 'y', n: { x } })),
    ),
  );

function roundTrip<V extends object>(v: V): unknown {
  const w = new Writer(64);
  toy.encode(w, v as never, 'toy');
  return toy.decode(w.buf, 0, w.length, {});
}

/** Records come back with the length the encoder filled in. */
function withLengths(v: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(v.p)) return v;
  const p = (v.p as { header: Record<string, number>; attrs: object }[]).map((r) => {
    const w = new Writer(64);
    inner.encode(w, r.attrs, 'x');
    return { header: { len: 8 + w.length, ...r.header }, attrs: r.attrs };
  });
  return { ...v, p };
}

describe('attribute sets', () => {
  it('decode(encode(x)) is x for every codec and nesting', () => {
    fc.assert(
      fc.property(arbToy, (v) => {
        expect(roundTrip(v)).toEqual(withLengths(v));
      }),
      { numRuns: 400 },
    );
  });

  it('every attribute and message is 4-byte aligned and nla_len covers its payload', () => {
    fc.assert(
      fc.property(arbToy, arbHdr, (v, h) => {
        const w = new Writer(64);
        encodeMessage(w, proto.spec(TYPE)!, 1, 7, h as never, v as never);
        expect(w.length % 4).toBe(0);
        const [m] = splitMessages(w.buf, 0, w.length);
        expect(m.nl.len).toBeLessThanOrEqual(w.length);
        expect(w.length - m.nl.len).toBeLessThan(4);
        let p = 16 + 16;
        while (p < m.nl.len) {
          const alen = w.buf.readUInt16LE(p);
          expect(alen).toBeGreaterThanOrEqual(4);
          p += (alen + 3) & ~3;
        }
        expect(p).toBe((m.nl.len + 3) & ~3);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps unknown attributes as raw bytes and writes them back unchanged', () => {
    const w = new Writer(64);
    let at = w.startAttr(1);
    w.u8(7);
    w.endAttr(at);
    at = w.startAttr(0x3ff0 | 0x8000);
    w.raw(Buffer.from('deadbeefcafe', 'hex'));
    w.endAttr(at);
    const bytes = Buffer.from(w.bytes());
    const v = toy.decode(bytes, 0, bytes.length, {});
    expect(v.a).toBe(7);
    expect(v.unknownAttrs).toEqual([
      { type: 0x3ff0, flags: 0x8000, data: new Uint8Array(Buffer.from('deadbeefcafe', 'hex')) },
    ]);
    const w2 = new Writer(64);
    toy.encode(w2, v, 'toy');
    expect(Buffer.from(w2.bytes())).toEqual(bytes);
  });

  it('rejects bad values with ValidationError naming the attribute, before writing anything usable', () => {
    expect(() => roundTrip({ a: 256 })).toThrow(ValidationError);
    expect(() => roundTrip({ a: 256 })).toThrow(/T_A/);
    expect(() => roundTrip({ i: '10.0.0.1' })).toThrow(/T_I/);
    expect(() => roundTrip({ f: 'a\0b' })).toThrow(ValidationError);
    expect(() => roundTrip({ zz: 1 })).toThrow(/no such attribute/);
    expect(() => roundTrip({ d: 1 })).toThrow(ValidationError);
  });

  it('scalar codecs cover their ranges', () => {
    const cases: [typeof u8, number][] = [
      [u8, 255],
      [u16, 65535],
      [u32, 0xffffffff],
      [s8, -128],
      [s16, -32768],
      [s32, -0x80000000],
      [be16, 0x1234],
      [be32, 0x12345678],
    ];
    for (const [c, v] of cases) {
      const w = new Writer(8);
      c.encode(w, v, 'v');
      expect(c.decode(w.buf, 0, w.length, {})).toBe(v);
    }
    const w = new Writer(8);
    s64.encode(w, -5n, 'v');
    expect(s64.decode(w.buf, 0, 8, {})).toBe(-5n);
    const b = new Writer(2);
    be16.encode(b, 4789, 'port');
    expect(b.bytes()).toEqual(Buffer.from([0x12, 0xb5]));
  });
});

describe('decoding arbitrary bytes', () => {
  it('either succeeds or throws DecodeError with an offset, for the typed decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const buf = Buffer.from(bytes);
        try {
          for (const m of splitMessages(buf)) {
            if (m.nl.type === TYPE) decodeBody(proto.spec(TYPE)!, buf, m.offset, m.nl);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          expect((e as DecodeError).offset).toBeGreaterThanOrEqual(0);
          expect((e as DecodeError).offset).toBeLessThanOrEqual(buf.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid messages: typed decode throws only DecodeError; the tree never throws past framing', () => {
    fc.assert(
      fc.property(
        arbToy,
        arbHdr,
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }),
        (v, h, flips) => {
          const w = new Writer(64);
          encodeMessage(w, proto.spec(TYPE)!, 0, 1, h as never, v as never);
          const buf = Buffer.from(w.bytes());
          for (const [at, val] of flips) buf[at % buf.length] = val;
          try {
            for (const m of splitMessages(buf))
              if (m.nl.type === TYPE) decodeBody(proto.spec(TYPE)!, buf, m.offset, m.nl);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
          try {
            const nodes = describeMessages(proto, buf);
            // Whatever decoded rebuilds byte for byte.
            expect(encodeMessageNodes(proto, nodes)).toEqual(
              buf.subarray(0, encodeMessageNodes(proto, nodes).length),
            );
          } catch (e) {
            expect(e).toBeInstanceOf(NlwireError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the debugger tree', () => {
  it('describe then encode gives back the same bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbToy, arbHdr, fc.nat(0xffff)), { minLength: 1, maxLength: 3 }),
        (msgs) => {
          const w = new Writer(64);
          msgs.forEach(([v, h, flags], i) => {
            encodeMessage(w, proto.spec(TYPE)!, flags, i, h as never, v as never);
          });
          const buf = Buffer.from(w.bytes());
          const nodes = describeMessages(proto, buf);
          expect(nodes.length).toBe(msgs.length);
          const back = encodeMessageNodes(proto, JSON.parse(JSON.stringify(nodes)));
          expect(back.toString('hex')).toBe(buf.subarray(0, back.length).toString('hex'));
          expect(buf.length - back.length).toBeLessThan(4);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names attributes and resolves selectors by their sibling', () => {
    const w = new Writer(64);
    encodeMessage(
      w,
      proto.spec(TYPE)!,
      0,
      1,
      { family: 2 } as never,
      { m: 'y', n: { x: '10.1.2.3' } } as never,
    );
    const [n] = describeMessages(proto, Buffer.from(w.bytes()));
    expect(n.nlmsg_type_name).toBe('TOY_NEW');
    expect(n.family_header?.fields.t_family).toBe(2);
    const sel = n.attributes?.find((a) => a.name === 'T_N');
    expect(sel?.kind).toBe('K2');
    expect(sel?.attributes?.[0]).toMatchObject({ name: 'K_X', value: '10.1.2.3', nla_len: 8 });
  });
});

describe('inline decoding (Codec.inline, used by generated set decoders)', () => {
  const inlined = { u8, u16, u32, s32, be16, ipv4, ipaddr } as const;
  const names = Object.keys(inlined) as (keyof typeof inlined)[];
  const set = attrSet('T', T, {
    u8: ['T_A', u8],
    u16: ['T_B', u16],
    u32: ['T_C', u32],
    s32: ['T_D', s32],
    be16: ['T_E', be16],
    ipv4: ['T_F', ipv4],
    ipaddr: ['T_G', ipaddr],
  });

  it('every inlined codec has an inline form', () => {
    for (const k of names) expect(inlined[k].inline, k).toBeTypeOf('function');
  });

  it('decodes every payload as the codec does, and fails where it fails, with the same message', () => {
    fc.assert(
      fc.property(fc.nat(names.length - 1), fc.uint8Array({ maxLength: 20 }), (i, payload) => {
        const codec = inlined[names[i]];
        const attr = Buffer.alloc(align(4 + payload.length) + 4);
        attr.writeUInt16LE(4 + payload.length, 2);
        attr.writeUInt16LE(T[`T_${String.fromCharCode(65 + i)}` as keyof typeof T], 4);
        attr.set(payload, 6);
        const body = attr.subarray(2, 2 + align(4 + payload.length));
        let want: unknown;
        let wantErr: string | undefined;
        try {
          want = codec.decode(body, 4, payload.length, {});
        } catch (e) {
          wantErr = (e as Error).message;
        }
        let got: unknown;
        let gotErr: string | undefined;
        try {
          got = (set.decode(body, 0, body.length, {}) as Record<string, unknown>)[names[i]];
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          gotErr = (e as Error).message;
        }
        expect(gotErr).toBe(wantErr);
        if (!wantErr) expect(got).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });

  it('formats IPv4 like the decimal text of each byte, whatever was formatted before (a cache is in the way)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 4, maxLength: 4 }), { maxLength: 50 }), (addrs) => {
        for (const a of [...addrs, ...addrs.reverse()])
          expect(ipv4.decode(Buffer.from(a), 0, 4, {})).toBe(Array.from(a).join('.'));
      }),
    );
  });
});

describe('ipv4Value (the IPv4 parser of every request)', () => {
  const nearly = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '0',
          '00',
          '01',
          '1',
          '9',
          '10',
          '99',
          '100',
          '199',
          '249',
          '255',
          '256',
          '300',
          '1000',
          '',
        ),
        fc.string({ maxLength: 3 }),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .chain((parts) =>
      fc.constantFrom(parts.join('.'), parts.join('.') + ' ', `${parts.join('.')}.`, parts.join(',')),
    );

  it('accepts exactly what net.isIPv4 accepts, with the right value', () => {
    fc.assert(
      fc.property(fc.oneof(nearly, fc.ipV4(), fc.string({ maxLength: 16 })), (s) => {
        const v = ipv4Value(s);
        expect(v >= 0, s).toBe(isIPv4(s));
        if (v >= 0) expect([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.')).toBe(s);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('generated set encoders', () => {
  it('refuse a key the set does not declare, naming it, before writing anything', () => {
    const w = new Writer(64);
    const err = (() => {
      try {
        toy.encode(w, { a: 1, nope: 2 } as never, 'toy');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('toy.nope');
    expect((err as ValidationError).message).toMatch(/T has no such attribute/);
    expect(w.length).toBe(0);
    // A key set to undefined is no key at all.
    toy.encode(w, { a: 1, nope: undefined } as never, 'toy');
    expect(w.length).toBeGreaterThan(0);
  });
});
