import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RTM } from '../src/constants/rtnetlink.js';
import { encodeMessage } from '../src/netlink/message.js';
import { decodeMonitorDatagram } from '../src/netlink/monitor.js';
import { Writer } from '../src/netlink/writer.js';
import '../src/rtnl/events/index.js';
import { RTM_DELLINK, RTM_NEWLINK } from '../src/rtnl/link/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';

const arbName = fc.string({ minLength: 1, maxLength: 15 }).filter((s) => !s.includes('\0'));
const arbLink = fc.record({
  del: fc.boolean(),
  index: fc.integer({ min: 1, max: 0x7fffffff }),
  flags: fc.nat(0xffffffff),
  ifname: arbName,
  mtu: fc.nat(0xffffffff),
});

describe('decodeMonitorDatagram', () => {
  it('decodes datagrams of several messages with the protocol specs, in order', () => {
    fc.assert(
      fc.property(fc.array(arbLink, { minLength: 1, maxLength: 5 }), fc.nat(12), (links, pad) => {
        const w = new Writer(256);
        for (const l of links)
          encodeMessage(
            w,
            l.del ? RTM_DELLINK : RTM_NEWLINK,
            0,
            0,
            { index: l.index, flags: l.flags },
            {
              ifname: l.ifname,
              mtu: l.mtu,
            },
          );
        const buf = Buffer.concat([w.bytes(), Buffer.alloc(pad)]);
        const evs = decodeMonitorDatagram(rtnetlink, buf, 1);
        expect(evs).toHaveLength(links.length);
        evs.forEach((ev, i) => {
          if (ev.type !== 'message') throw new Error(`not decoded: ${String(ev.error)}`);
          expect(ev.group).toBe(1);
          expect(ev.spec.type).toBe(links[i].del ? RTM.RTM_DELLINK : RTM.RTM_NEWLINK);
          expect(ev.message.header).toMatchObject({ index: links[i].index, flags: links[i].flags });
          expect(ev.message.attrs).toEqual({ ifname: links[i].ifname, mtu: links[i].mtu });
          expect(ev.bytes.length).toBe(ev.message.nl.len);
        });
      }),
    );
  });

  it('never throws on arbitrary bytes; every event is a view of the datagram, in order', () => {
    const header = (type: number) =>
      fc.tuple(fc.integer({ min: 16, max: 96 }), fc.uint8Array({ maxLength: 96 })).map(([len, body]) => {
        const b = Buffer.alloc(16 + body.length);
        b.writeUInt32LE(len, 0);
        b.writeUInt16LE(type, 4);
        Buffer.from(body).copy(b, 16);
        return b;
      });
    const arbType = fc.constantFrom(16, 17, 20, 21, 24, 25, 28, 29, 32, 33, 88, 89, 2, 3, 200);
    const arbDatagram = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.array(arbType.chain(header), { maxLength: 4 }).map((bs) => Buffer.concat(bs)),
    );
    fc.assert(
      fc.property(arbDatagram, (buf) => {
        const evs = decodeMonitorDatagram(rtnetlink, buf);
        let at = 0;
        for (const ev of evs) {
          expect(ev.bytes.buffer).toBe(buf.buffer);
          expect(ev.bytes.byteOffset - buf.byteOffset).toBeGreaterThanOrEqual(at);
          at = ev.bytes.byteOffset - buf.byteOffset + ev.bytes.length;
          expect(at).toBeLessThanOrEqual(buf.length);
          if (ev.type === 'raw' && ev.nl === undefined) expect(ev.error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('stops at zero padding, and reports a bad header as raw with the error', () => {
    expect(decodeMonitorDatagram(rtnetlink, Buffer.alloc(20))).toEqual([]);
    const bad = Buffer.alloc(20);
    bad.writeUInt32LE(64, 0);
    const [ev] = decodeMonitorDatagram(rtnetlink, bad);
    expect(ev.type === 'raw' && ev.error?.name).toBe('DecodeError');
    expect(ev.bytes.length).toBe(20);
  });
});
