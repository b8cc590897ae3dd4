import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NETNSA } from '../src/constants/net_namespace.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { describeDatagram } from '../src/netlink/describe.js';
import { DecodeError } from '../src/netlink/errors.js';
import { decodeBody, encodeMessage, type MessageSpec, splitMessages } from '../src/netlink/message.js';
import { Writer } from '../src/netlink/writer.js';
import { nsidAttrs } from '../src/rtnl/nsid/attrs.js';
import { RTM_DELNSID, RTM_GETNSID, RTM_NEWNSID } from '../src/rtnl/nsid/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';

const s32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const u32 = fc.nat(0xffffffff);
const arbNetnsa = fc.record(
  { nsid: s32, pid: u32, fd: u32, targetNsid: s32, currentNsid: s32 },
  { requiredKeys: [] },
);

describe('NETNSA codec and rtgenmsg', () => {
  it('decode(encode(x)) is x for every NETNSA attribute', () => {
    fc.assert(
      fc.property(fc.nat(255), arbNetnsa, (family, a) => {
        const w = new Writer(64);
        encodeMessage(w, RTM_NEWNSID, 0, 1, { family }, a);
        const [m] = splitMessages(w.buf, 0, w.length);
        const got = decodeBody(RTM_NEWNSID, w.buf, 0, m.nl);
        expect(got.header).toEqual({ family });
        expect(got.attrs).toEqual(a);
      }),
      { numRuns: 500 },
    );
  });

  it('declares every NETNSA_*', () => {
    const declared = new Set(nsidAttrs.defs.map((d) => d.name));
    for (const name of Object.keys(NETNSA)) if (name !== 'NETNSA_NONE') expect(declared).toContain(name);
  });

  it('puts attributes after NLMSG_ALIGN(sizeof(struct rtgenmsg)) = 4 bytes, as the kernel parses them', () => {
    const w = new Writer(64);
    encodeMessage(w, RTM_GETNSID, 0, 1, { family: 0 }, { fd: 5 });
    expect(w.bytes().toString('hex').slice(32)).toBe('00000000' + '080003000500' + '0000');
    expect(w.bytes().readUInt32LE(0)).toBe(28);
  });

  it('arbitrary bytes decode or throw DecodeError, never anything else', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.constantFrom(RTM_NEWNSID, RTM_DELNSID, RTM_GETNSID),
        (body, spec) => {
          const buf = Buffer.alloc(16 + body.length);
          buf.writeUInt32LE(buf.length, 0);
          buf.writeUInt16LE(spec.type, 4);
          buf.set(body, 16);
          try {
            const [m] = splitMessages(buf);
            decodeBody(spec, buf, m.offset, m.nl);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('decodes the ids ip asks for in ip -d link show (fixture)', () => {
    const fix = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'fixtures', 'netns-nsid.json'), 'utf8'),
    ) as {
      messages: { direction: string; hex: string }[];
    };
    const got = fix.messages.flatMap((m) => {
      const buf = Buffer.from(m.hex, 'hex');
      const trailing = (describeDatagram(rtnetlink, buf).trailing ?? '').length / 2;
      return splitMessages(buf, 0, buf.length - trailing)
        .filter((s) => s.nl.type === RTM.RTM_NEWNSID || s.nl.type === RTM.RTM_GETNSID)
        .map((s) => ({
          dir: m.direction,
          ...decodeBody(rtnetlink.spec(s.nl.type) as MessageSpec, buf, s.offset, s.nl),
        }));
    });
    const asks = got.filter((m) => m.dir === 'to-kernel');
    const answers = got.filter((m) => m.dir === 'from-kernel');
    expect(asks.length).toBeGreaterThan(0);
    for (const a of asks) expect(a.attrs).toHaveProperty('fd');
    expect(answers.map((m) => (m.attrs as { nsid?: number }).nsid)).toContain(7);
    for (const m of got) expect((m.attrs as { unknownAttrs?: unknown }).unknownAttrs).toBeUndefined();
  });
});
