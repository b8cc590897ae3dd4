import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FRA } from '../src/constants/fib_rules.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { ipv6 } from '../src/netlink/address.js';
import { describeDatagram } from '../src/netlink/describe.js';
import { DecodeError } from '../src/netlink/errors.js';
import { decodeBody, encodeMessage, type MessageSpec, splitMessages } from '../src/netlink/message.js';
import { Writer } from '../src/netlink/writer.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { encodeRule, toRule } from '../src/rtnl/rule/api.js';
import { ruleAttrs } from '../src/rtnl/rule/attrs.js';
import { RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE } from '../src/rtnl/rule/messages.js';

const u8 = fc.nat(0xff);
const u16 = fc.nat(0xffff);
const u32 = fc.nat(0xffffffff);
const arbIPv4 = fc.tuple(u8, u8, u8, u8).map((a) => a.join('.'));
const arbIPv6 = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => ipv6.decode(Buffer.from(b), 0, 16, {}));
const arbName = fc.string({ minLength: 1, maxLength: 15 }).filter((s) => !s.includes('\0'));
const range = (n: fc.Arbitrary<number>) => fc.record({ start: n, end: n });

const arbFra = fc.record(
  {
    dst: fc.oneof(arbIPv4, arbIPv6),
    src: fc.oneof(arbIPv4, arbIPv6),
    iifname: arbName,
    goto: u32,
    priority: u32,
    fwmark: u32,
    flow: u32,
    tunId: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    suppressIfgroup: u32,
    suppressPrefixlen: u32,
    table: u32,
    fwmask: u32,
    oifname: arbName,
    pad: fc.uint8Array({ maxLength: 8 }),
    l3mdev: u8,
    uidRange: range(u32),
    protocol: u8,
    ipProto: u8,
    sportRange: range(u16),
    dportRange: range(u16),
    dscp: u8,
    flowlabel: u32,
    flowlabelMask: u32,
    sportMask: u16,
    dportMask: u16,
    dscpMask: u8,
    unknownAttrs: fc.array(
      fc.record({
        type: fc.integer({ min: 64, max: 0x3fff }),
        flags: fc.constant(0),
        data: fc.uint8Array({ maxLength: 9 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);
const arbHdr = fc.record({ family: u8, dstLen: u8, srcLen: u8, tos: u8, table: u8, action: u8, flags: u32 });

describe('FRA codec', () => {
  it('decode(encode(x)) is x for fib_rule_hdr + every FRA attribute', () => {
    fc.assert(
      fc.property(arbHdr, arbFra, (h, a) => {
        const w = new Writer(256);
        encodeMessage(w, RTM_NEWRULE, 0, 1, h, a);
        const [m] = splitMessages(w.buf, 0, w.length);
        const got = decodeBody(RTM_NEWRULE, w.buf, 0, m.nl);
        expect(got.header).toEqual(h);
        expect(got.attrs).toEqual(a);
      }),
      { numRuns: 500 },
    );
  });

  it('declares every FRA_* except the unused numbers', () => {
    const declared = new Set(ruleAttrs.defs.map((d) => d.name));
    for (const name of Object.keys(FRA))
      if (!/^FRA_(UNSPEC|UNUSED\d)$/.test(name)) expect(declared, name).toContain(name);
  });

  it('FRA_TUN_ID is big-endian, port ranges host order', () => {
    const w = new Writer(64);
    encodeMessage(
      w,
      RTM_NEWRULE,
      0,
      1,
      { family: 2 },
      { tunId: 0x0102n, sportRange: { start: 1, end: 0x0203 } },
    );
    expect(w.bytes().subarray(28).toString('hex')).toBe('0c000c000000000000000102' + '080017000100' + '0302');
  });

  it('arbitrary bytes decode or throw DecodeError, never anything else', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom(RTM_NEWRULE, RTM_DELRULE, RTM_GETRULE),
        (body, spec) => {
          const buf = Buffer.alloc(16 + body.length);
          buf.writeUInt32LE(buf.length, 0);
          buf.writeUInt16LE(spec.type, 4);
          buf.set(body, 16);
          try {
            const [m] = splitMessages(buf);
            toRule(decodeBody(spec, buf, m.offset, m.nl));
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('encodeRule and toRule agree on what a rule is', () => {
    const spec = {
      priority: 7,
      from: '10.0.0.0/8',
      to: '10.9.0.0/16',
      not: true,
      uidrange: { start: 1, end: 9 },
      sport: 22,
      table: 1234,
    } as const;
    const { header, attrs } = encodeRule(spec, true);
    expect(header).toMatchObject({ family: 2, srcLen: 8, dstLen: 16, action: 1, flags: 2 });
    expect(header.table).toBeUndefined(); // above 255: only in FRA_TABLE
    const rule = toRule({ nl: { len: 0, type: 32, flags: 0, seq: 0, pid: 0 }, header, attrs });
    expect(rule).toMatchObject({
      priority: 7,
      from: '10.0.0.0/8',
      to: '10.9.0.0/16',
      not: true,
      uidrange: { start: 1, end: 9 },
      sport: { start: 22, end: 22 },
      table: 1234,
      action: 'table',
    });
    expect(encodeRule({ priority: 5, table: 'local' }, true).header.table).toBe(255);
    expect(encodeRule({ priority: 5 }, false).header.action).toBe(0);
  });
});

describe('captured ip rule traffic (fixtures)', () => {
  const fixture = (name: string): Buffer[] =>
    (
      JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', `${name}.json`), 'utf8')) as {
        messages: { hex: string }[];
      }
    ).messages.map((m) => Buffer.from(m.hex, 'hex'));
  const rulesOf = (name: string) =>
    fixture(name).flatMap((buf) => {
      const trailing = (describeDatagram(rtnetlink, buf).trailing ?? '').length / 2;
      return splitMessages(buf, 0, buf.length - trailing)
        .filter((s) => s.nl.type >= RTM.RTM_NEWRULE && s.nl.type <= RTM.RTM_GETRULE)
        .map((s) => decodeBody(rtnetlink.spec(s.nl.type) as MessageSpec, buf, s.offset, s.nl));
    });

  it('ip rule add from 10.0.0.0/24 table 100 pref 1000', () => {
    const [add] = rulesOf('rule-add');
    expect(add.header).toEqual({ family: 2, dstLen: 0, srcLen: 24, tos: 0, table: 100, action: 1, flags: 0 });
    expect(add.attrs).toEqual({ src: '10.0.0.0', priority: 1000 });
  });

  it('ip rule show', () => {
    const msgs = rulesOf('rule-dump');
    const rules = msgs.filter((m) => m.nl.type === RTM.RTM_NEWRULE).map((m) => toRule(m as never));
    expect(rules.map((r) => r.priority)).toEqual(expect.arrayContaining([0, 1000, 32766, 32767]));
    expect(rules.find((r) => r.priority === 1000)).toMatchObject({
      from: '10.0.0.0/24',
      table: 100,
      action: 'table',
    });
    for (const m of msgs) expect((m.attrs as { unknownAttrs?: unknown }).unknownAttrs).toBeUndefined();
  });
});
