/**
 * Codecs of the link kinds this kernel lacks, at the byte level: for every IFLA_INFO_DATA / SLAVE_DATA
 * set, decode(encode(x)) equals x for generated values covering every attribute, and any bytes fed to the
 * decoder either decode or throw DecodeError. The generators are derived from the declarations, so an
 * attribute added to a set is covered without touching this file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIPv4, formatIPv6, formatMac } from '../src/netlink/address.js';
import type { Codec } from '../src/netlink/codec.js';
import { DecodeError } from '../src/netlink/errors.js';
import { type ArrayCodec, AttrSet } from '../src/netlink/schema.js';
import type { StructCodec } from '../src/netlink/struct.js';
import { Writer } from '../src/netlink/writer.js';
import { bondAdInfoAttrs, bondAttrs, bondSlaveAttrs } from '../src/rtnl/link/kinds/bond.js';
import '../src/rtnl/link/kinds/dummy.js';
import { geneveAttrs } from '../src/rtnl/link/kinds/geneve.js';
import { gre6Attrs, greAttrs } from '../src/rtnl/link/kinds/gre.js';
import { ip6tnlAttrs } from '../src/rtnl/link/kinds/ip6tnl.js';
import { iptunAttrs } from '../src/rtnl/link/kinds/iptun.js';
import '../src/rtnl/link/kinds/nlmon.js';
import '../src/rtnl/link/kinds/team.js';
import { vlanAttrs, vlanQosAttrs } from '../src/rtnl/link/kinds/vlan.js';
import { vrfAttrs, vrfPortAttrs } from '../src/rtnl/link/kinds/vrf.js';
import { vti6Attrs, vtiAttrs } from '../src/rtnl/link/kinds/vti.js';
import '../src/rtnl/link/kinds/wireguard.js';
import { linkKind } from '../src/rtnl/link/registry.js';

const SETS: Record<string, AttrSet<object>> = {
  vlan: vlanAttrs,
  'vlan qos': vlanQosAttrs,
  vrf: vrfAttrs,
  'vrf port': vrfPortAttrs,
  'ipip/sit': iptunAttrs,
  ip6tnl: ip6tnlAttrs,
  'gre (IPv4)': greAttrs,
  'gre (IPv6)': gre6Attrs,
  vti: vtiAttrs,
  vti6: vti6Attrs,
  geneve: geneveAttrs,
  bond: bondAttrs,
  'bond ad_info': bondAdInfoAttrs,
  'bond slave': bondSlaveAttrs,
};

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

const INTS: Record<string, fc.Arbitrary<number>> = {
  u8: fc.integer({ min: 0, max: 0xff }),
  u16: fc.integer({ min: 0, max: 0xffff }),
  be16: fc.integer({ min: 0, max: 0xffff }),
  u32: fc.integer({ min: 0, max: 0xffffffff }),
  be32: fc.integer({ min: 0, max: 0xffffffff }),
  s8: fc.integer({ min: -0x80, max: 0x7f }),
  s16: fc.integer({ min: -0x8000, max: 0x7fff }),
  s32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
};

/** Values of a codec, in the form its decoder returns them. */
function arb(c: Codec<unknown>, full: boolean): fc.Arbitrary<unknown> {
  if (c instanceof AttrSet) return setArb(c, full);
  switch (c.kind) {
    case 'scalar': {
      if (c.typeName === 'u64' || c.typeName === 'be64') return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
      const a = INTS[c.typeName];
      if (!a) throw new Error(`no generator for ${c.typeName}`);
      return a;
    }
    case 'address':
      if (c.typeName === 'ipv4') return bytes(4).map((b) => formatIPv4(b));
      if (c.typeName === 'ipv6') return bytes(16).map((b) => formatIPv6(b));
      if (c.typeName === 'lladdr')
        return fc.uint8Array({ minLength: 0, maxLength: 32 }).map((b) => formatMac(b, 0, b.length));
      throw new Error(`no generator for ${c.typeName}`);
    case 'flag':
      return fc.constant(true);
    case 'string':
      return fc.string({ unit: 'grapheme-ascii' }).filter((s) => !s.includes('\0'));
    case 'binary':
      return fc.uint8Array({ maxLength: 64 });
    case 'struct': {
      const s = c as StructCodec<unknown>;
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const f of s.fields) {
        if (f.key === null) continue;
        model[f.key] = f.type === 'u64' ? fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) : INTS[f.type];
      }
      return fc.record(model, { noNullPrototype: true });
    }
    case 'array': {
      const a = c as ArrayCodec<unknown>;
      return fc.array(arb(a.element, full), { maxLength: 5 });
    }
    default:
      throw new Error(`no generator for ${c.kind} ${c.typeName}`);
  }
}

/** Objects of a set; with `full`, every attribute is present. */
function setArb(set: AttrSet<object>, full: boolean): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const d of set.defs)
    model[d.key] = d.multi
      ? fc.array(arb(d.codec, full), { minLength: 1, maxLength: 4 })
      : arb(d.codec, full);
  return fc.record(model, full ? { noNullPrototype: true } : { requiredKeys: [], noNullPrototype: true });
}

function encode(set: AttrSet<object>, v: object): Buffer {
  const w = new Writer(64);
  set.encode(w, v, set.typeName);
  return Buffer.from(w.bytes());
}

/** Random attribute streams of a set's own types (and a few others), with payloads of any length. */
function attrStream(set: AttrSet<object>): fc.Arbitrary<Buffer> {
  const types = [...set.defs.map((d) => d.type), 0, 0x7fff];
  const attr = fc.record({
    type: fc.constantFrom(...types),
    nested: fc.boolean(),
    payload: fc.oneof(
      fc.uint8Array({ maxLength: 24 }),
      fc.constantFrom(new Uint8Array(4), new Uint8Array(16)),
    ),
    lenDelta: fc.oneof(
      { weight: 8, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: -6, max: 6 }) },
    ),
  });
  return fc.array(attr, { maxLength: 8 }).map((list) => {
    const parts: Buffer[] = [];
    for (const a of list) {
      const h = Buffer.alloc(4);
      h.writeUInt16LE(Math.max(0, Math.min(0xffff, 4 + a.payload.length + a.lenDelta)), 0);
      h.writeUInt16LE(a.type | (a.nested ? 0x8000 : 0), 2);
      const pad = Buffer.alloc((4 - (a.payload.length % 4)) % 4);
      parts.push(h, Buffer.from(a.payload), pad);
    }
    return Buffer.concat(parts);
  });
}

function decodesOrDecodeError(set: AttrSet<object>, buf: Buffer): void {
  try {
    set.decode(buf, 0, buf.length, {});
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

describe('kinds the kernel lacks: attribute set codecs', () => {
  it('registers every kind with the right sets', () => {
    const data: Record<string, AttrSet<object> | undefined> = {
      dummy: undefined,
      nlmon: undefined,
      team: undefined,
      wireguard: undefined,
      vlan: vlanAttrs,
      vrf: vrfAttrs,
      ipip: iptunAttrs,
      sit: iptunAttrs,
      ip6tnl: ip6tnlAttrs,
      gre: greAttrs,
      gretap: greAttrs,
      erspan: greAttrs,
      ip6gre: gre6Attrs,
      ip6gretap: gre6Attrs,
      ip6erspan: gre6Attrs,
      vti: vtiAttrs,
      vti6: vti6Attrs,
      geneve: geneveAttrs,
      bond: bondAttrs,
    };
    for (const [kind, set] of Object.entries(data)) {
      const k = linkKind(kind);
      expect(k, kind).toBeDefined();
      expect(k?.data, kind).toBe(set);
      expect(k?.summary.length, kind).toBeGreaterThan(10);
    }
    expect(linkKind('bond')?.slaveData).toBe(bondSlaveAttrs);
    expect(linkKind('vrf')?.slaveData).toBe(vrfPortAttrs);
    expect(linkKind('team')?.slaveData).toBeUndefined();
  });

  for (const [name, set] of Object.entries(SETS)) {
    describe(`${name} (${set.typeName})`, () => {
      it('decode(encode(x)) equals x with every attribute present', () => {
        fc.assert(
          fc.property(setArb(set, true), (v) => {
            const buf = encode(set, v);
            expect(set.decode(buf, 0, buf.length, {})).toStrictEqual(v);
          }),
          { numRuns: 200 },
        );
      });

      it('decode(encode(x)) equals x for any subset of attributes', () => {
        fc.assert(
          fc.property(setArb(set, false), (v) => {
            const buf = encode(set, v);
            expect(set.decode(buf, 0, buf.length, {})).toStrictEqual(v);
          }),
          { numRuns: 300 },
        );
      });

      it('throws only DecodeError on arbitrary bytes', () => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 256 }), (b) => decodesOrDecodeError(set, Buffer.from(b))),
          { numRuns: 500 },
        );
      });

      it('throws only DecodeError on attribute streams of its own types with wrong sizes', () => {
        fc.assert(
          fc.property(attrStream(set), (b) => decodesOrDecodeError(set, b)),
          { numRuns: 1000 },
        );
      });
    });
  }

  it('rejects payloads of the wrong size with DecodeError (not silently)', () => {
    // IFLA_VLAN_ID is a u16: a 4-byte payload must not decode.
    const bad = Buffer.from('08000100' + '0a000000', 'hex');
    expect(() => vlanAttrs.decode(bad, 0, bad.length, {})).toThrow(DecodeError);
    // IFLA_GRE_LOCAL of an IPv6 GRE is 16 bytes: an IPv4 address must not decode.
    const v4 = Buffer.from('08000600' + '0a000001', 'hex');
    expect(() => gre6Attrs.decode(v4, 0, v4.length, {})).toThrow(DecodeError);
    expect(greAttrs.decode(v4, 0, v4.length, {})).toStrictEqual({ local: '10.0.0.1' });
  });

  it('keeps the byte orders the kernel uses', () => {
    // vlan protocol and GRE keys/flags are big-endian, the vlan id and vrf table host order.
    expect(encode(vlanAttrs, { id: 10, protocol: 0x88a8 }).toString('hex')).toBe(
      '060001000a000000' + '0600050088a80000',
    );
    expect(encode(greAttrs, { ikey: 42, iflags: 0x2000 }).toString('hex')).toBe(
      '060002002000' + '0000' + '080004000000002a',
    );
    // SIT_ISATAP travels in host order (the kernel compares it unswapped).
    expect(encode(iptunAttrs, { flags: 1 }).toString('hex')).toBe('0600080001000000');
    // bond arp_ip_target: a nest of addresses indexed from 0.
    expect(encode(bondAttrs, { arpIpTarget: ['10.0.0.1', '10.0.0.2'] }).toString('hex')).toBe(
      '14000880' + '080000000a000001' + '080001000a000002',
    );
  });
});
