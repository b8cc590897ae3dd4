import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IFA_F } from '../src/constants/if_addr.js';
import { NLM_F } from '../src/constants/netlink.js';
import { RT_SCOPE } from '../src/constants/rtnetlink.js';
import { AF } from '../src/constants/socket.js';
import { ipv6 } from '../src/netlink/address.js';
import { describeMessages } from '../src/netlink/describe.js';
import { encodeMessageNodes } from '../src/netlink/encode-tree.js';
import { DecodeError, ValidationError } from '../src/netlink/errors.js';
import { decodeBody, encodeMessage, splitMessages } from '../src/netlink/message.js';
import { Writer } from '../src/netlink/writer.js';
import { addressFromMessage, buildAddress } from '../src/rtnl/addr/api.js';
import { type AddrAttrs, addrAttrs } from '../src/rtnl/addr/attrs.js';
import type { IfAddrMsg } from '../src/rtnl/addr/ifaddrmsg.js';
import { rtmDelAddr, rtmGetAddr, rtmNewAddr } from '../src/rtnl/addr/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';

const arbIPv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
const arbIPv6 = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => ipv6.decode(Buffer.from(b), 0, 16, {}));
const arbIP = fc.oneof(arbIPv4, arbIPv6);
const arbStr = fc.string({ maxLength: 15 }).filter((s) => !s.includes('\0'));
const u32 = fc.nat(0xffffffff);

const arbAttrs: fc.Arbitrary<AddrAttrs> = fc.record(
  {
    local: arbIP,
    label: arbStr,
    address: arbIP,
    broadcast: arbIPv4,
    anycast: arbIP,
    cacheinfo: fc.record({ preferred: u32, valid: u32, cstamp: u32, tstamp: u32 }),
    multicast: arbIP,
    flags: u32,
    rtPriority: u32,
    targetNetnsid: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    proto: fc.nat(255),
    unknownAttrs: fc.array(
      fc.record({
        type: fc.integer({ min: 12, max: 0x3fff }),
        flags: fc.constant(0),
        data: fc.uint8Array({ maxLength: 12 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);
const arbHeader: fc.Arbitrary<IfAddrMsg> = fc.record({
  family: fc.nat(255),
  prefixlen: fc.nat(255),
  flags: fc.nat(255),
  scope: fc.nat(255),
  index: u32,
});

function encode(header: IfAddrMsg, attrs: AddrAttrs, spec = rtmNewAddr): Buffer {
  const w = new Writer(64);
  encodeMessage(w, spec, NLM_F.NLM_F_REQUEST, 7, header, attrs);
  return Buffer.from(w.bytes());
}

function decode(buf: Buffer) {
  return splitMessages(buf).map((m) => decodeBody(rtnetlink.spec(m.nl.type)!, buf, m.offset, m.nl));
}

describe('IFA attribute set and address messages', () => {
  it('decode(encode(x)) is x for ifaddrmsg and every IFA attribute', () => {
    fc.assert(
      fc.property(arbHeader, arbAttrs, fc.constantFrom(rtmNewAddr, rtmDelAddr, rtmGetAddr), (h, a, spec) => {
        const [m] = decode(encode(h, a, spec));
        expect(m.nl.type).toBe(spec.type);
        expect(m.header).toEqual(h);
        expect(m.attrs).toEqual(a);
      }),
      { numRuns: 500 },
    );
  });

  it('the debugger names every field from the same declaration and rebuilds the bytes', () => {
    fc.assert(
      fc.property(arbHeader, arbAttrs, (h, a) => {
        const buf = encode(h, a);
        const nodes = describeMessages(rtnetlink, buf);
        expect(nodes[0].nlmsg_type_name).toBe('RTM_NEWADDR');
        expect(nodes[0].family_header?.struct).toBe('ifaddrmsg');
        const names = (nodes[0].attributes ?? []).map((n) => n.name).filter((n) => n !== null);
        for (const d of addrAttrs.defs)
          expect(names.includes(d.name)).toBe((a as Record<string, unknown>)[d.key] !== undefined);
        expect(encodeMessageNodes(rtnetlink, nodes)).toEqual(buf);
      }),
      { numRuns: 200 },
    );
  });

  it('IFA_TARGET_NETNSID is signed and IFA_PROTO is named', () => {
    const [m] = decode(encode({ family: 2 }, { targetNetnsid: -1, proto: 3 }));
    expect((m.attrs as AddrAttrs).targetNetnsid).toBe(-1);
    const [node] = describeMessages(rtnetlink, encode({ family: 2 }, { proto: 3 }));
    expect(node.attributes?.[0]).toMatchObject({
      name: 'IFA_PROTO',
      value: 3,
      value_names: 'IFAPROT_KERNEL_LL',
    });
  });

  it('arbitrary bytes after an address header decode or throw DecodeError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(rtmNewAddr.type, rtmDelAddr.type),
        fc.uint8Array({ maxLength: 200 }),
        (type, body) => {
          const buf = Buffer.alloc(16 + body.length);
          buf.writeUInt32LE(buf.length, 0);
          buf.writeUInt16LE(type, 4);
          buf.set(body, 16);
          try {
            decode(buf);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('mutated valid messages decode or throw DecodeError', () => {
    fc.assert(
      fc.property(
        arbHeader,
        arbAttrs,
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }),
        (h, a, flips) => {
          const buf = encode(h, a);
          for (const [at, v] of flips) buf[16 + (at % (buf.length - 16))] = v;
          try {
            decode(buf);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('buildAddress (what ip address add sends)', () => {
  it('matches the bytes of `ip addr add 10.0.0.1/24 broadcast + dev v0 label v0:1` (v0 = index 3)', () => {
    // Captured from iproute2 6.1 (fixtures/addr-add-v4.json).
    const ip =
      '3c00000014000506531d046b000000000218000003000000080002000a0000010900030076303a3100000000080001000a000001080004000a0000ff';
    const req = buildAddress(3, '10.0.0.1/24', { broadcast: '+', label: 'v0:1' });
    const w = new Writer(64);
    const flags = NLM_F.NLM_F_REQUEST | NLM_F.NLM_F_ACK | NLM_F.NLM_F_EXCL | NLM_F.NLM_F_CREATE;
    encodeMessage(w, rtmNewAddr, flags, 0x6b041d53, req.header, req.attrs);
    expect(w.bytes().toString('hex')).toBe(ip);
  });

  it('sets IFA_LOCAL and IFA_ADDRESS like iproute2, with the peer as IFA_ADDRESS', () => {
    expect(buildAddress(3, '10.0.0.1/24')).toEqual({
      header: { family: AF.AF_INET, prefixlen: 24, flags: 0, scope: 0, index: 3 },
      attrs: { local: '10.0.0.1', address: '10.0.0.1' },
    });
    expect(buildAddress(3, '10.9.0.1', { peer: '10.9.0.2/30' })).toMatchObject({
      header: { prefixlen: 30 },
      attrs: { local: '10.9.0.1', address: '10.9.0.2' },
    });
    expect(buildAddress(3, '10.9.0.1/24', { peer: '10.9.0.2' }).header.prefixlen).toBe(24);
    expect(buildAddress(3, '2001:db8::1/64').attrs).toEqual({ local: '2001:db8::1', address: '2001:db8::1' });
    expect(buildAddress(1, '127.0.0.2/8').header.scope).toBe(RT_SCOPE.RT_SCOPE_HOST);
    expect(buildAddress(1, '10.0.0.1/8', { scope: 'link' }).header.scope).toBe(RT_SCOPE.RT_SCOPE_LINK);
  });

  it('computes broadcast + and - as ip does, not for /31 and /32', () => {
    expect(buildAddress(3, '10.1.2.3/20', { broadcast: '+' }).attrs.broadcast).toBe('10.1.15.255');
    expect(buildAddress(3, '10.1.2.3/20', { broadcast: '-' }).attrs.broadcast).toBe('10.1.0.0');
    expect(buildAddress(3, '10.1.2.3/0', { broadcast: '+' }).attrs.broadcast).toBe('255.255.255.255');
    expect(buildAddress(3, '10.1.2.3/31', { broadcast: '+' }).attrs.broadcast).toBeUndefined();
    expect(buildAddress(3, '10.1.2.3/24', { broadcast: '10.1.2.200' }).attrs.broadcast).toBe('10.1.2.200');
  });

  it('puts flags above 8 bits in IFA_FLAGS, lifetimes in IFA_CACHEINFO', () => {
    const a = buildAddress(3, '2001:db8::1/64', { flags: ['nodad'] });
    expect(a.header.flags).toBe(IFA_F.IFA_F_NODAD);
    expect(a.attrs.flags).toBeUndefined();
    const b = buildAddress(3, '2001:db8::1/64', { flags: ['nodad', 'noprefixroute', 'mngtmpaddr'] });
    expect(b.header.flags).toBe(0);
    expect(b.attrs.flags).toBe(IFA_F.IFA_F_NODAD | IFA_F.IFA_F_NOPREFIXROUTE | IFA_F.IFA_F_MANAGETEMPADDR);
    expect(buildAddress(3, '10.0.0.1/24', { validLft: 100 }).attrs.cacheinfo).toEqual({
      preferred: 100,
      valid: 100,
      cstamp: 0,
      tstamp: 0,
    });
    expect(buildAddress(3, '10.0.0.1/24', { preferredLft: 5 }).attrs.cacheinfo).toMatchObject({
      preferred: 5,
      valid: 0xffffffff,
    });
    expect(buildAddress(3, '10.0.0.1/24', { metric: 9, proto: 'kernel_ll' }).attrs).toMatchObject({
      rtPriority: 9,
      proto: 3,
    });
  });

  it('rejects bad input with a ValidationError naming the field', () => {
    const bad: [string, Parameters<typeof buildAddress>[2], string][] = [
      ['10.0.0.1/33', {}, 'address'],
      ['2001:db8::1/129', {}, 'address'],
      ['10.0.0.256/24', {}, 'address'],
      ['bogus', {}, 'address'],
      ['10.0.0.1/24', { peer: '2001:db8::2' }, 'peer'],
      ['2001:db8::1/64', { label: 'x' }, 'label'],
      ['10.0.0.1/24', { label: 'a-label-that-is-too-long' }, 'label'],
      ['2001:db8::1/64', { broadcast: '+' }, 'broadcast'],
      ['10.0.0.1/24', { broadcast: 'x' }, 'broadcast'],
      ['10.0.0.1/24', { flags: ['permanent' as 'nodad'] }, 'flags'],
      ['10.0.0.1/24', { validLft: 10, preferredLft: 20 }, 'preferredLft'],
      ['10.0.0.1/24', { validLft: -1 }, 'validLft'],
      ['10.0.0.1/24', { scope: 'galaxy' as 'link' }, 'scope'],
      ['10.0.0.1/24', { proto: 256 }, 'proto'],
      ['10.0.0.1/24', { metric: 1.5 }, 'metric'],
    ];
    for (const [prefix, opts, field] of bad) {
      const err = (() => {
        try {
          buildAddress(3, prefix, opts);
        } catch (e) {
          return e;
        }
      })();
      expect(err, `${prefix} ${JSON.stringify(opts)}`).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe(field);
    }
  });

  it('reads a dump entry into an Address', () => {
    const buf = encode(
      { family: AF.AF_INET6, prefixlen: 64, flags: 0x80, scope: 0, index: 4 },
      {
        address: '2001:db8::1',
        cacheinfo: { preferred: 10, valid: 0xffffffff, cstamp: 1, tstamp: 2 },
        flags: 0x81,
      },
    );
    const [m] = decode(buf);
    expect(addressFromMessage(m as never)).toMatchObject({
      family: AF.AF_INET6,
      prefixlen: 64,
      index: 4,
      scope: 'global',
      flags: ['temporary', 'permanent'],
      local: '2001:db8::1',
      address: '2001:db8::1',
      validLft: 'forever',
      preferredLft: 10,
    });
  });
});

describe('flag names of decoded addresses', () => {
  it('are one frozen array per value, named as ip names them', () => {
    const mk = (flags: number, family: number) =>
      addressFromMessage({
        nl: { len: 0, type: 0, flags: 0, seq: 0, pid: 0 },
        header: { family, prefixlen: 24, flags: 0, scope: 0, index: 1 },
        attrs: { flags },
      } as never);
    const a = mk(IFA_F.IFA_F_PERMANENT | IFA_F.IFA_F_SECONDARY, AF.AF_INET);
    const b = mk(IFA_F.IFA_F_PERMANENT | IFA_F.IFA_F_SECONDARY, AF.AF_INET);
    expect(a.flags).toEqual(['secondary', 'permanent']);
    expect(b.flags).toBe(a.flags);
    expect(Object.isFrozen(a.flags)).toBe(true);
    expect(mk(IFA_F.IFA_F_SECONDARY, AF.AF_INET6).flags).toEqual(['temporary']);
    expect(mk(0x80000000, AF.AF_INET).flags).toEqual(['0x80000000']);
  });
});
