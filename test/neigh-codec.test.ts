import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NDA } from '../src/constants/neighbour.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { ipv6, lladdr } from '../src/netlink/address.js';
import { describeDatagram } from '../src/netlink/describe.js';
import { DecodeError } from '../src/netlink/errors.js';
import { decodeBody, encodeMessage, type MessageSpec, splitMessages } from '../src/netlink/message.js';
import { Writer } from '../src/netlink/writer.js';
import { neighAttrs, neighTableAttrs } from '../src/rtnl/neigh/attrs.js';
import {
  RTM_DELNEIGH,
  RTM_GETNEIGH,
  RTM_GETNEIGHTBL,
  RTM_NEWNEIGH,
  RTM_NEWNEIGHTBL,
} from '../src/rtnl/neigh/messages.js';
import { neighFlagNames, neighStateMask, neighStateNames, neighStateValue } from '../src/rtnl/neigh/names.js';
import { rtnetlink } from '../src/rtnl/protocol.js';

const u8 = fc.nat(0xff);
const u16 = fc.nat(0xffff);
const u32 = fc.nat(0xffffffff);
const s32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const arbIPv4 = fc.tuple(u8, u8, u8, u8).map((a) => a.join('.'));
const arbIPv6 = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => ipv6.decode(Buffer.from(b), 0, 16, {}));
const arbLladdr = fc.uint8Array({ maxLength: 32 }).map((b) => lladdr.decode(Buffer.from(b), 0, b.length, {}));
const arbUnknown = fc.array(
  fc.record({
    type: fc.integer({ min: 64, max: 0x3fff }),
    flags: fc.constantFrom(0, 0x4000),
    data: fc.uint8Array({ maxLength: 12 }),
  }),
  { minLength: 1, maxLength: 2 },
);

const arbNda = fc.record(
  {
    dst: fc.oneof(arbIPv4, arbIPv6),
    lladdr: arbLladdr,
    cacheinfo: fc.record({ confirmed: u32, used: u32, updated: u32, refcnt: u32 }),
    probes: u32,
    vlan: u16,
    port: u16,
    vni: u32,
    ifindex: u32,
    master: u32,
    linkNetnsid: s32,
    srcVni: u32,
    protocol: u8,
    nhId: u32,
    fdbExtAttrs: fc.record(
      { activityNotify: u8, dontRefresh: fc.constant(true as const) },
      { requiredKeys: [] },
    ),
    flagsExt: u32,
    stateMask: u16,
    flagsMask: u8,
    unknownAttrs: arbUnknown,
  },
  { requiredKeys: [] },
);

const arbNdtpa = fc.record(
  {
    ifindex: u32,
    refcnt: u32,
    reachableTime: u64,
    baseReachableTime: u64,
    retransTime: u64,
    gcStaletime: u64,
    delayProbeTime: u64,
    queueLen: u32,
    appProbes: u32,
    ucastProbes: u32,
    mcastProbes: u32,
    anycastDelay: u64,
    proxyDelay: u64,
    proxyQlen: u32,
    locktime: u64,
    queueLenBytes: u32,
    mcastReprobes: u32,
    intervalProbeTimeMs: u64,
  },
  { requiredKeys: [] },
);
const u64s = (keys: string[]) => fc.record(Object.fromEntries(keys.map((k) => [k, u64])));
const arbNdta = fc.record(
  {
    name: fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0')),
    thresh1: u32,
    thresh2: u32,
    thresh3: u32,
    config: fc.record({
      keyLen: u16,
      entrySize: u16,
      entries: u32,
      lastFlush: u32,
      lastRand: u32,
      hashRnd: u32,
      hashMask: u32,
      hashChainGc: u32,
      proxyQlen: u32,
    }),
    parms: arbNdtpa,
    stats: u64s([
      'allocs',
      'destroys',
      'hashGrows',
      'resFailed',
      'lookups',
      'hits',
      'rcvProbesMcast',
      'rcvProbesUcast',
      'periodicGcRuns',
      'forcedGcRuns',
      'tableFulls',
    ]),
    gcInterval: u64,
  },
  { requiredKeys: [] },
);
const arbNdmsg = fc.record({
  family: u8,
  ifindex: s32,
  state: u16,
  flags: u8,
  type: u8,
});

function roundTrip<H, A extends object>(spec: MessageSpec<H, A>, header: H, attrs: A) {
  const w = new Writer(256);
  encodeMessage(w, spec, 0, 1, header, attrs);
  const bytes = Buffer.from(w.bytes());
  const [m] = splitMessages(bytes);
  expect(m.nl.type).toBe(spec.type);
  return decodeBody(spec, bytes, m.offset, m.nl);
}

describe('NDA and NDTA codecs', () => {
  it('decode(encode(x)) is x for ndmsg + every NDA attribute', () => {
    fc.assert(
      fc.property(arbNdmsg, arbNda, (h, a) => {
        const m = roundTrip(RTM_NEWNEIGH, h, a);
        expect(m.header).toEqual(h);
        expect(m.attrs).toEqual(a);
      }),
      { numRuns: 500 },
    );
  });

  it('decode(encode(x)) is x for ndtmsg + every NDTA and NDTPA attribute', () => {
    fc.assert(
      fc.property(u8, arbNdta, (family, a) => {
        const m = roundTrip(RTM_NEWNEIGHTBL, { family }, a);
        expect(m.header).toEqual({ family });
        expect(m.attrs).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it('declares every NDA_* the kernel headers list', () => {
    const declared = new Set(neighAttrs.defs.map((d) => d.name));
    for (const name of Object.keys(NDA)) if (name !== 'NDA_UNSPEC') expect(declared).toContain(name);
    expect(neighTableAttrs.defByKey('parms')?.codec.typeName).toBe('NDTPA');
  });

  it('writes ndmsg as the kernel lays it out (12 bytes, NDA_PORT big-endian, NDA_VLAN host order)', () => {
    const w = new Writer(64);
    encodeMessage(
      w,
      RTM_NEWNEIGH,
      0,
      1,
      { family: 7, ifindex: 2, state: 0xc0, flags: 4 },
      { port: 4789, vlan: 10 },
    );
    const b = w.bytes();
    expect(b.subarray(16, 28).toString('hex')).toBe('0700000002000000c0000400');
    // NDA_VLAN (5): 6 bytes, u16 10 little-endian, 2 pad; NDA_PORT (6): 0x12b5 big-endian.
    expect(b.subarray(28).toString('hex')).toBe('060005000a000000060006001' + '2b50000');
  });

  it('arbitrary bytes decode or throw DecodeError, never anything else', () => {
    const specs = [RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGHTBL, RTM_GETNEIGHTBL];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...specs), (body, spec) => {
        const buf = Buffer.alloc(16 + body.length);
        buf.writeUInt32LE(buf.length, 0);
        buf.writeUInt16LE(spec.type, 4);
        buf.set(body, 16);
        try {
          const [m] = splitMessages(buf);
          decodeBody(spec as MessageSpec, buf, m.offset, m.nl);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid NDA messages decode or throw DecodeError', () => {
    fc.assert(
      fc.property(
        arbNdmsg,
        arbNda,
        fc.array(fc.tuple(fc.nat(), u8), { minLength: 1, maxLength: 4 }),
        (h, a, flips) => {
          const w = new Writer(256);
          encodeMessage(w, RTM_NEWNEIGH, 0, 1, h, a);
          const buf = Buffer.from(w.bytes());
          for (const [at, v] of flips) if (at % buf.length >= 4) buf[at % buf.length] = v;
          try {
            for (const m of splitMessages(buf)) decodeBody(RTM_NEWNEIGH as MessageSpec, buf, m.offset, m.nl);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('state and flag names', () => {
  it('come from NUD_* and NTF_*', () => {
    expect(neighStateNames(0xc0)).toEqual(['noarp', 'permanent']);
    expect(neighStateNames(0)).toEqual([]);
    expect(neighFlagNames(0x84)).toEqual(['master', 'router']);
    expect(neighStateValue('stale')).toBe(4);
    expect(neighStateValue('none')).toBe(0);
    expect(neighStateMask(['reachable', 'delay'])).toBe(2 | 8);
    expect(() => neighStateValue('gone')).toThrow(/state/);
  });
});

interface Fixture {
  messages: { direction: string; hex: string }[];
}
const fixture = (name: string): Buffer[] =>
  (
    JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', `${name}.json`), 'utf8')) as Fixture
  ).messages.map((m) => Buffer.from(m.hex, 'hex'));

/** Every neighbour message of a captured exchange, decoded, and checked to re-encode to the same content. */
function neighMessages(name: string) {
  const out = [];
  for (const buf of fixture(name)) {
    // iproute2 pads some requests with zeros after the message; the kernel stops there.
    const trailing = (describeDatagram(rtnetlink, buf).trailing ?? '').length / 2;
    for (const s of splitMessages(buf, 0, buf.length - trailing)) {
      if (s.nl.type !== RTM.RTM_NEWNEIGH && s.nl.type !== RTM.RTM_GETNEIGH) continue;
      const spec = rtnetlink.spec(s.nl.type) as MessageSpec;
      const m = decodeBody(spec, buf, s.offset, s.nl);
      expect((m.attrs as { unknownAttrs?: unknown }).unknownAttrs).toBeUndefined();
      const w = new Writer(256);
      encodeMessage(w, spec, s.nl.flags, s.nl.seq, m.header, m.attrs as object, s.nl.pid);
      // Same length and content; attribute order follows the declaration, not the kernel.
      expect(w.length).toBe(s.nl.len + ((4 - (s.nl.len % 4)) % 4));
      const [again] = splitMessages(w.buf, 0, w.length);
      expect(decodeBody(spec, w.buf, 0, again.nl)).toEqual(m);
      out.push(m);
    }
  }
  return out;
}

describe('captured ip/bridge traffic (fixtures)', () => {
  it('ip neigh add', () => {
    const [add] = neighMessages('neigh-add');
    expect(add.header).toEqual({ family: 2, ifindex: 3, state: 0x80, flags: 0, type: 0 });
    expect(add.attrs).toEqual({ dst: '10.0.0.9', lladdr: '02:00:00:00:00:09' });
  });

  it('ip neigh show', () => {
    const msgs = neighMessages('neigh-dump');
    const entry = msgs.find((m) => (m.attrs as { dst?: string }).dst === '10.0.0.9');
    expect(entry?.attrs).toMatchObject({ lladdr: '02:00:00:00:00:09', probes: 0 });
    expect(entry?.attrs).toHaveProperty('cacheinfo.refcnt');
    expect(entry?.header).toMatchObject({ family: 2, state: 0x80 });
  });

  it('bridge fdb add and show', () => {
    const [add] = neighMessages('fdb-add');
    expect(add.header).toEqual({ family: 7, ifindex: 2, state: 0xc0, flags: 4, type: 0 });
    expect(add.attrs).toEqual({ lladdr: '02:00:00:00:00:0a' });
    const dump = neighMessages('fdb-dump');
    const mine = dump.find((m) => (m.attrs as { lladdr?: string }).lladdr === '02:00:00:00:00:0a');
    expect(mine?.attrs).toHaveProperty('master');
  });

  it('the debugger names every attribute', () => {
    for (const buf of fixture('fdb-dump')) {
      for (const node of describeDatagram(rtnetlink, buf).messages) {
        if (node.nlmsg_type !== RTM.RTM_NEWNEIGH) continue;
        expect(node.nlmsg_type_name).toBe('RTM_NEWNEIGH');
        for (const a of node.attributes ?? []) expect(a.name).toMatch(/^NDA_/);
      }
    }
  });
});
