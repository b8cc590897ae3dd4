/**
 * Guarantee: a connection trusts only the kernel. Any process in the namespace may sendto(2) a
 * datagram to the connection's port id; the kernel stamps it with the sender's port (never 0), so
 * the connection drops it before reading a byte of it, counts it in socket.stats.droppedForeign, and
 * delivers the kernel's real reply, even when the forged datagram carries the right port id and
 * sequence number and arrives first.
 */
import { describe, expect, it } from 'vitest';
import { NLM_F, NLMSG } from '../src/constants/netlink.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { AF } from '../src/constants/socket.js';
import { sysSendto } from '../src/netlink/libc.js';
import { encodeMessage } from '../src/netlink/message.js';
import { NetlinkSocket } from '../src/netlink/socket.js';
import { Writer } from '../src/netlink/writer.js';
import { Rtnl } from '../src/rtnl/client.js';
import type { Link } from '../src/rtnl/link/link.js';
import { RTM_GETLINK, RTM_NEWLINK } from '../src/rtnl/link/messages.js';
import { runIp, useTestNetns } from './helpers/netns.js';

/** sockaddr_nl of a user port. */
function portAddress(port: number): Buffer {
  const a = Buffer.alloc(12);
  a.writeUInt16LE(AF.AF_NETLINK, 0);
  a.writeUInt32LE(port >>> 0, 4);
  return a;
}

/** Sends `bytes` from `from` to the user port `port`, as any process in the namespace can. */
function sendToPort(from: NetlinkSocket, port: number, bytes: Buffer): void {
  const r = sysSendto(from.fd, bytes, bytes.length, 0, portAddress(port));
  if (r.value !== bytes.length) throw new Error(`sendto port ${port}: errno ${r.errno}`);
}

/** NLMSG_ERROR for (seq, pid) with `errno` (0: an ack), echoing a 16-byte request header. */
function forgedError(seq: number, pid: number, errno: number, requestType: number): Buffer {
  const b = Buffer.alloc(36);
  b.writeUInt32LE(36, 0);
  b.writeUInt16LE(NLMSG.NLMSG_ERROR, 4);
  b.writeUInt16LE(0x100 /* NLM_F_CAPPED */, 6);
  b.writeUInt32LE(seq >>> 0, 8);
  b.writeUInt32LE(pid >>> 0, 12);
  b.writeInt32LE(-errno, 16);
  b.writeUInt32LE(16, 20);
  b.writeUInt16LE(requestType, 24);
  b.writeUInt16LE(NLM_F.NLM_F_REQUEST | NLM_F.NLM_F_ACK, 26);
  b.writeUInt32LE(seq >>> 0, 28);
  b.writeUInt32LE(pid >>> 0, 32);
  return b;
}

/** NLMSG_DONE for (seq, pid): would end a dump early. */
function forgedDone(seq: number, pid: number): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt32LE(20, 0);
  b.writeUInt16LE(NLMSG.NLMSG_DONE, 4);
  b.writeUInt16LE(NLM_F.NLM_F_MULTI, 6);
  b.writeUInt32LE(seq >>> 0, 8);
  b.writeUInt32LE(pid >>> 0, 12);
  return b;
}

/** A well-formed RTM_NEWLINK for a link that does not exist, addressed as a reply to (seq, pid). */
function forgedLink(seq: number, pid: number, name: string, flags = 0): Buffer {
  const w = new Writer(256);
  encodeMessage(
    w,
    RTM_NEWLINK,
    flags,
    seq,
    { family: AF.AF_UNSPEC, index: 4242 },
    { ifname: name, mtu: 1234 },
    pid,
  );
  return Buffer.from(w.bytes());
}

/** The sequence number the connection's next request will use (consumes one number). */
function nextRequestSeq(rt: Rtnl): number {
  return (rt.conn.nextSeq() + 1) >>> 0;
}

describe('peer trust: only the kernel is heard', () => {
  const ns = useTestNetns('rel-peer');

  it('drops a forged error ack queued before a real create; the create succeeds', async () => {
    const rt = Rtnl.open({ netns: ns.name });
    const evil = NetlinkSocket.open({ protocol: 0, netns: ns.name });
    try {
      const port = rt.conn.socket.portId;
      expect(evil.portId).not.toBe(0);
      const seq = nextRequestSeq(rt);
      // Both a failure (EPERM) and a success (ack) for the same request, queued ahead of the kernel's.
      sendToPort(evil, port, forgedError(seq, port, 1 /* EPERM */, RTM.RTM_NEWLINK));
      sendToPort(evil, port, forgedError(seq, port, 0, RTM.RTM_NEWLINK));
      const link = await rt.links.create({ name: 'b0', kind: 'bridge', mtu: 1400 });
      expect(link.name).toBe('b0');
      expect(link.mtu).toBe(1400);
      expect(rt.conn.socket.stats.droppedForeign).toBe(2);
      // Dropped on the sender's address alone: never parsed, so never counted as a wrong message.
      expect(rt.conn.stats).toEqual({ droppedWrongPort: 0, droppedUnknownSeq: 0, notifications: 0 });
      expect(await runIp(ns.name, ['-o', 'link', 'show', 'b0'])).toContain('mtu 1400');
    } finally {
      evil.closeSync();
      await rt.close();
    }
  });

  it('drops a forged reply to a get; the kernel answer is delivered', async () => {
    const rt = Rtnl.open({ netns: ns.name });
    const evil = NetlinkSocket.open({ protocol: 0, netns: ns.name });
    try {
      const port = rt.conn.socket.portId;
      const seq = nextRequestSeq(rt);
      sendToPort(
        evil,
        port,
        Buffer.concat([forgedLink(seq, port, 'evil'), forgedError(seq, port, 0, RTM.RTM_GETLINK)]),
      );
      const lo = await rt.links.get('lo');
      expect(lo.name).toBe('lo');
      expect(lo.index).toBe(1);
      expect(rt.conn.socket.stats.droppedForeign).toBe(1);
    } finally {
      evil.closeSync();
      await rt.close();
    }
  });

  it('drops bytes that do not even frame, without failing the requests in flight', async () => {
    const rt = Rtnl.open({ netns: ns.name });
    const evil = NetlinkSocket.open({ protocol: 0, netns: ns.name });
    try {
      const port = rt.conn.socket.portId;
      const garbage = Buffer.alloc(64, 0xff); // nlmsg_len 0xffffffff
      sendToPort(evil, port, garbage);
      sendToPort(evil, port, Buffer.alloc(3));
      const gets = await Promise.all([rt.links.get('lo'), rt.links.list()]);
      expect(gets[0].name).toBe('lo');
      expect(gets[1].map((l: Link) => l.name)).toEqual(['lo']);
      expect(rt.conn.socket.stats.droppedForeign).toBe(2);
    } finally {
      evil.closeSync();
      await rt.close();
    }
  });

  it('drops a forged reply that races a request already handed to the send thread', async () => {
    const rt = Rtnl.open({ netns: ns.name });
    const evil = NetlinkSocket.open({ protocol: 0, netns: ns.name });
    try {
      const port = rt.conn.socket.portId;
      const results: Promise<string>[] = [];
      let forged = 0;
      for (let round = 0; round < 50; round++) {
        const seq = nextRequestSeq(rt);
        const p = rt.links.get('lo').then((l) => l.name);
        // Let the microtask that hands the datagram to the pool thread run, then forge.
        await Promise.resolve();
        sendToPort(
          evil,
          port,
          Buffer.concat([forgedLink(seq, port, 'evil'), forgedError(seq, port, 0, RTM.RTM_GETLINK)]),
        );
        forged++;
        results.push(p);
        await p;
      }
      expect(new Set(await Promise.all(results))).toEqual(new Set(['lo']));
      // Every forged datagram is dropped when read; the last may still be queued when the last reply resolves.
      await rt.links.get('lo');
      expect(rt.conn.socket.stats.droppedForeign).toBe(forged);
    } finally {
      evil.closeSync();
      await rt.close();
    }
  });
  it('drops forged entries and a forged NLMSG_DONE sent while a dump is in flight', async () => {
    // Enough links for the dump to take many datagrams (the kernel fills about 32 KiB per chunk);
    // sliceMs 0 hands each datagram's entries over before the next datagram is read.
    const rt = Rtnl.open({ netns: ns.name, sliceMs: 0 });
    const evil = NetlinkSocket.open({ protocol: 0, netns: ns.name });
    try {
      const items = Array.from({ length: 300 }, (_, i) => ({
        spec: RTM_NEWLINK,
        flags: NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL,
        header: {},
        attrs: { ifname: `b${i}`, linkinfo: { kind: 'bridge' } },
      }));
      expect((await rt.conn.batch(items as never)).filter((r) => r !== undefined)).toEqual([]);
      const port = rt.conn.socket.portId;
      const seq = nextRequestSeq(rt);
      const names: string[] = [];
      let injected = 0;
      let kernelDatagramsAfterInjection = 0;
      const received = () => rt.conn.socket.stats.received - rt.conn.socket.stats.droppedForeign;
      let mark = 0;
      for await (const m of rt.conn.dumpIter(RTM_GETLINK, { family: AF.AF_UNSPEC }, {})) {
        names.push((m.attrs as { ifname: string }).ifname);
        if (names.length === 1) {
          // The dump is in flight: its first datagram is in, the rest is still to come.
          sendToPort(evil, port, forgedDone(seq, port));
          sendToPort(evil, port, forgedLink(seq, port, 'evil', NLM_F.NLM_F_MULTI));
          sendToPort(evil, port, forgedError(seq, port, 16 /* EBUSY */, RTM.RTM_GETLINK));
          injected = 3;
          mark = received();
        }
      }
      kernelDatagramsAfterInjection = received() - mark;
      expect(injected).toBe(3);
      // The kernel kept answering after the forged datagrams were queued: they were in flight together.
      expect(kernelDatagramsAfterInjection).toBeGreaterThan(1);
      expect(names).not.toContain('evil');
      expect(names.length).toBe(301);
      expect(new Set(names).size).toBe(301);
      expect(rt.conn.socket.stats.droppedForeign).toBe(3);
      expect(rt.conn.stats).toEqual({ droppedWrongPort: 0, droppedUnknownSeq: 0, notifications: 0 });
    } finally {
      evil.closeSync();
      await rt.close();
    }
  });
});
