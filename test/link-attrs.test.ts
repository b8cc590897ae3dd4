import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AF } from '../src/constants/socket.js';
import { formatIPv4, formatIPv6, formatMac } from '../src/netlink/address.js';
import type { Codec } from '../src/netlink/codec.js';
import { flagU8 } from '../src/netlink/codec.js';
import { DecodeError } from '../src/netlink/errors.js';
import { decodeBody, encodeMessage, splitMessages } from '../src/netlink/message.js';
import { type ArrayCodec, AttrSet, type HeaderedCodec, type SelectorCodec } from '../src/netlink/schema.js';
import type { StructCodec } from '../src/netlink/struct.js';
import { Writer } from '../src/netlink/writer.js';
import { type LinkAttrs, linkAttrs } from '../src/rtnl/link/attrs.js';
import '../src/rtnl/link/kinds/index.js';
import { uint } from '../src/netlink/codec.js';
import { linkinfoAttrs } from '../src/rtnl/link/linkinfo.js';
import { RTM_NEWLINK } from '../src/rtnl/link/messages.js';
import { linkKinds } from '../src/rtnl/link/registry.js';

// Arbitraries derived from the declarations themselves, so that every attribute of every set (IFLA,
// every kind's data and slave data, AF_SPEC and PROTINFO by family) is generated.

const FAMILIES = [AF.AF_UNSPEC, AF.AF_INET, AF.AF_INET6, AF.AF_BRIDGE];
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const safeString = fc.string({ maxLength: 24 }).filter((s) => !s.includes('\0'));

const INTS: Record<string, [number, number]> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  s8: [-0x80, 0x7f],
  s16: [-0x8000, 0x7fff],
  s32: [-0x80000000, 0x7fffffff],
  be16: [0, 0xffff],
  be32: [0, 0xffffffff],
};

function structArb(c: StructCodec<unknown>): fc.Arbitrary<unknown> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of c.fields) {
    if (f.key === null) continue;
    if (f.type === 'u64') model[f.key] = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    else if (f.type.startsWith('bytes')) model[f.key] = bytes(f.size, f.size);
    else model[f.key] = fc.integer({ min: INTS[f.type][0], max: INTS[f.type][1] });
  }
  return fc.record(model);
}

function arb(c: Codec<unknown>, family: number, depth: number): fc.Arbitrary<unknown> {
  if (c === flagU8) return fc.boolean();
  if (c === uint) return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  switch (c.kind) {
    case 'scalar': {
      if (c.typeName === 'u64' || c.typeName === 'be64') return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
      if (c.typeName === 's64') return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
      const r = INTS[c.typeName];
      if (!r) throw new Error(`no arbitrary for ${c.typeName}`);
      return fc.integer({ min: r[0], max: r[1] });
    }
    case 'string':
      return safeString;
    case 'binary':
      return bytes(0, 12);
    case 'flag':
      return fc.constant(true);
    case 'address':
      if (c.typeName === 'ipv4') return bytes(4, 4).map((b) => formatIPv4(b));
      if (c.typeName === 'ipv6') return bytes(16, 16).map((b) => formatIPv6(b));
      if (c.typeName === 'lladdr') return bytes(1, 32).map((b) => formatMac(b, 0, b.length));
      throw new Error(`no arbitrary for ${c.typeName}`);
    case 'struct':
      return structArb(c as StructCodec<unknown>);
    case 'array': {
      const a = c as ArrayCodec<unknown>;
      return fc.array(arb(a.element, family, depth), { maxLength: 8 });
    }
    case 'nested': {
      if (c instanceof AttrSet) return setArb(c, family, depth + 1);
      const h = c as HeaderedCodec<unknown, object>;
      return fc.record({ header: structArb(h.header), attrs: setArb(h.set, family, depth + 1) });
    }
    default:
      throw new Error(`no arbitrary for ${c.kind} ${c.typeName}`);
  }
}

const KIND_NAMES = () => [...linkKinds().keys(), 'nlw-unknown'];

function setArb(set: AttrSet<object>, family: number, depth: number): fc.Arbitrary<unknown> {
  if (depth > 4) return fc.constant({});
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const selectors = set.defs.filter((d) => d.codec.kind === 'selector');
  for (const d of set.defs) {
    if (d.codec.kind === 'selector') continue;
    let a: fc.Arbitrary<unknown>;
    if (set === linkinfoAttrs && (d.key === 'kind' || d.key === 'slaveKind'))
      a = fc.constantFrom(...KIND_NAMES());
    else a = arb(d.codec, family, depth);
    model[d.key] = d.multi ? fc.array(a, { minLength: 1, maxLength: 3 }) : a;
  }
  return fc.record(model, { requiredKeys: [] }).chain((siblings) => {
    if (!selectors.length) return fc.constant(siblings);
    const extra: Record<string, fc.Arbitrary<unknown>> = {};
    for (const d of selectors) {
      const picked = (d.codec as SelectorCodec).pick(siblings as Record<string, unknown>, { family });
      extra[d.key] = arb(picked, family, depth);
    }
    return fc.record(extra, { requiredKeys: [] }).map((e) => ({ ...(siblings as object), ...e }));
  });
}

const linkArb = fc
  .constantFrom(...FAMILIES)
  .chain((family) => setArb(linkAttrs, family, 0).map((attrs) => ({ family, attrs: attrs as LinkAttrs })));

function encode(attrs: LinkAttrs): Buffer {
  const w = new Writer(256);
  linkAttrs.encode(w, attrs, 'IFLA');
  return Buffer.from(w.bytes());
}

describe('IFLA attribute set', () => {
  it('declares every IFLA_* of the constant table (IFLA_IF_NETNSID as IFLA_TARGET_NETNSID)', async () => {
    const { IFLA } = await import('../src/constants/if_link.js');
    const declared = new Set(linkAttrs.defs.map((d) => d.type));
    const missing = Object.entries(IFLA).filter(([n, v]) => n !== 'IFLA_UNSPEC' && !declared.has(v));
    expect(missing).toEqual([]);
  });

  it('declares every attribute of the nested and kind tables', async () => {
    const L = await import('../src/constants/if_link.js');
    const B = await import('../src/constants/if_bridge.js');
    const { VETH_INFO } = await import('../src/constants/veth.js');
    const kinds = await import('../src/rtnl/link/index.js');
    const pairs: [AttrSet<object>, Readonly<Record<string, number>>][] = [
      [linkinfoAttrs, L.IFLA_INFO],
      [kinds.protoDownReasonAttrs, L.IFLA_PROTO_DOWN_REASON],
      [kinds.xdpAttrs, L.IFLA_XDP],
      [kinds.inetAttrs, L.IFLA_INET],
      [kinds.inet6Attrs, L.IFLA_INET6],
      [kinds.mctpAttrs, L.IFLA_MCTP],
      [kinds.vfAttrs, L.IFLA_VF],
      [kinds.vfStatsAttrs, L.IFLA_VF_STATS],
      [kinds.portAttrs, L.IFLA_PORT],
      [kinds.brportAttrs, L.IFLA_BRPORT],
      [kinds.bridgeAttrs, L.IFLA_BR],
      [kinds.bridgeQuerierAttrs, B.BRIDGE_QUERIER],
      [kinds.bridgeAfSpecAttrs, B.IFLA_BRIDGE],
      [kinds.bridgeVlanTunnelAttrs, B.IFLA_BRIDGE_VLAN_TUNNEL],
      [kinds.mrpAttrs, B.IFLA_BRIDGE_MRP],
      [kinds.mrpInfoAttrs, B.IFLA_BRIDGE_MRP_INFO],
      [kinds.cfmAttrs, B.IFLA_BRIDGE_CFM],
      [kinds.cfmCcPeerStatusAttrs, B.IFLA_BRIDGE_CFM_CC_PEER_STATUS],
      [kinds.cfmCcCcmTxAttrs, B.IFLA_BRIDGE_CFM_CC_CCM_TX],
      [kinds.mstAttrs, B.IFLA_BRIDGE_MST],
      [kinds.mstEntryAttrs, B.IFLA_BRIDGE_MST_ENTRY],
      [kinds.vxlanAttrs, L.IFLA_VXLAN],
      [kinds.macvlanAttrs, L.IFLA_MACVLAN],
      [kinds.ipvlanAttrs, L.IFLA_IPVLAN],
      [kinds.tunAttrs, L.IFLA_TUN],
      [kinds.vethAttrs, VETH_INFO],
    ];
    for (const [set, table] of pairs) {
      const declared = new Set(set.defs.map((d) => d.type));
      const missing = Object.entries(table).filter(([n, v]) => !n.endsWith('_UNSPEC') && !declared.has(v));
      expect(missing, set.typeName).toEqual([]);
    }
  });

  it('decode(encode(x)) is x for generated links of every family and kind', () => {
    fc.assert(
      fc.property(linkArb, ({ family, attrs }) => {
        const buf = encode(attrs);
        expect(linkAttrs.decode(buf, 0, buf.length, { family })).toEqual(attrs);
      }),
      { numRuns: 300 },
    );
  });

  it('generates data of every registered kind (the round trip covers them)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(linkArb, ({ attrs }) => {
        const k = attrs.linkinfo?.kind;
        if (k && attrs.linkinfo?.data && !(attrs.linkinfo.data instanceof Uint8Array)) seen.add(k);
      }),
      { numRuns: 400 },
    );
    for (const [name, k] of linkKinds()) if (k.data) expect(seen).toContain(name);
  });

  it('RTM_NEWLINK round-trips through encodeMessage/decodeBody with the family from ifinfomsg', () => {
    fc.assert(
      fc.property(linkArb, fc.integer({ min: 1, max: 0x7fffffff }), ({ family, attrs }, index) => {
        const w = new Writer(512);
        encodeMessage(w, RTM_NEWLINK, 0, 1, { family, index }, attrs);
        const buf = Buffer.from(w.bytes());
        const [s] = splitMessages(buf);
        const m = decodeBody(RTM_NEWLINK, buf, s.offset, s.nl);
        expect(m.header).toMatchObject({ family, index });
        expect(m.attrs).toEqual(attrs);
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary bytes decode or throw DecodeError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...FAMILIES), (b, family) => {
        const buf = Buffer.from(b);
        try {
          linkAttrs.decode(buf, 0, buf.length, { family });
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('damaged encodings (bytes flipped, truncated) decode or throw DecodeError, nothing else', () => {
    fc.assert(
      fc.property(
        linkArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        ({ family, attrs }, flips, cut) => {
          const buf = encode(attrs);
          for (const [at, v] of flips) if (buf.length) buf[at % buf.length] = v;
          const len = buf.length ? cut % (buf.length + 1) : 0;
          try {
            linkAttrs.decode(buf, 0, len, { family });
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('picks AF_SPEC and PROTINFO by family when decoding, by shape when encoding', () => {
    const attrs: LinkAttrs = {
      protinfo: { cost: 5, state: 3 },
      afSpec: { flags: 2, vlanInfo: [{ flags: 0, vid: 10 }] },
    };
    const buf = encode(attrs);
    expect(linkAttrs.decode(buf, 0, buf.length, { family: AF.AF_BRIDGE })).toEqual(attrs);
    const inet6: LinkAttrs = { protinfo: { addrGenMode: 1 }, afSpec: { inet6: { raMtu: 1280 } } };
    const b6 = encode(inet6);
    expect(linkAttrs.decode(b6, 0, b6.length, { family: AF.AF_INET6 })).toEqual(inet6);
    // AF_UNSPEC messages have no PROTINFO set: its bytes stay raw.
    const only = encode({ protinfo: attrs.protinfo });
    const raw = linkAttrs.decode(only, 0, only.length, { family: AF.AF_UNSPEC });
    expect(raw.protinfo).toBeInstanceOf(Uint8Array);
  });

  it('encodes IFLA_VXLAN_TTL_INHERIT as a flag, decodes the u8 the kernel dumps', () => {
    const w = new Writer(16);
    flagU8.encode(w, true, 'x');
    expect(w.length).toBe(0);
    expect(flagU8.decode(Buffer.from([1]), 0, 1, {})).toBe(true);
    expect(flagU8.decode(Buffer.from([0]), 0, 1, {})).toBe(false);
    expect(flagU8.decode(Buffer.alloc(0), 0, 0, {})).toBe(true);
    expect(() => flagU8.decode(Buffer.from([1, 2]), 0, 2, {})).toThrow(DecodeError);
  });

  it('encodes NLA_UINT in 4 bytes when it fits, else 8', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
        const w = new Writer(16);
        uint.encode(w, v, 'x');
        expect(w.length).toBe(v <= 0xffffffffn ? 4 : 8);
        expect(uint.decode(Buffer.from(w.bytes()), 0, w.length, {})).toBe(v);
      }),
    );
  });
});
