import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { IFLA } from '../src/constants/if_link.js';
import { RTM, RTNLGRP } from '../src/constants/rtnetlink.js';
import { AF } from '../src/constants/socket.js';
import { string, u32 } from '../src/netlink/codec.js';
import { SystemError, TruncatedError, ValidationError } from '../src/netlink/errors.js';
import { readHeader } from '../src/netlink/header.js';
import { sysSendto } from '../src/netlink/libc.js';
import { decodeBody, type Message, Protocol } from '../src/netlink/message.js';
import { Monitor, type MonitorEvent } from '../src/netlink/monitor.js';
import { type ReceivedItem, Receiver } from '../src/netlink/monitor-worker.js';
import { attrSet } from '../src/netlink/schema.js';
import { type Datagram, NetlinkSocket } from '../src/netlink/socket.js';
import { struct } from '../src/netlink/struct.js';
import { runIp, useTestNetns } from './helpers/netns.js';

const execFileP = promisify(execFile);

// A deliberately tiny rtnetlink subset: this file tests the monitor, not the rtnl schemas.
const ifi = struct('ifinfomsg', [
  ['ifi_family', 'family', 'u8'],
  ['__ifi_pad', null, 'u8'],
  ['ifi_type', 'type', 'u16'],
  ['ifi_index', 'index', 's32'],
  ['ifi_flags', 'flags', 'u32'],
  ['ifi_change', 'change', 'u32'],
]);
const ifla = attrSet('IFLA', IFLA, { ifname: ['IFLA_IFNAME', string], mtu: ['IFLA_MTU', u32] });
const proto = new Protocol('NETLINK_ROUTE', 0);
const NEWLINK = {
  name: 'RTM_NEWLINK',
  type: RTM.RTM_NEWLINK,
  kind: 'new',
  header: ifi,
  attrs: ifla,
} as const;
const DELLINK = {
  name: 'RTM_DELLINK',
  type: RTM.RTM_DELLINK,
  kind: 'del',
  header: ifi,
  attrs: ifla,
} as const;
proto.register(NEWLINK, DELLINK);

type LinkMsg = Message<{ index: number; flags: number }, { ifname?: string; mtu?: number }>;
const linkName = (ev: MonitorEvent): string | undefined =>
  ev.type === 'message' ? (ev.message as LinkMsg).attrs.ifname : undefined;

/** Reads events with a deadline, without losing the one a timed-out read was waiting for. */
function reader(m: AsyncIterator<MonitorEvent>) {
  let pending: Promise<IteratorResult<MonitorEvent>> | undefined;
  const next = async (ms: number): Promise<MonitorEvent | 'timeout' | 'done'> => {
    pending ??= m.next();
    const r = await Promise.race([pending, sleep(ms).then(() => 'timeout' as const)]);
    if (r === 'timeout') return r;
    pending = undefined;
    return r.done ? 'done' : r.value;
  };
  /** Collects events until `stop` matches one (included); throws on timeout or end. */
  const until = async (stop: (ev: MonitorEvent) => boolean, ms = 5000): Promise<MonitorEvent[]> => {
    const out: MonitorEvent[] = [];
    const end = Date.now() + ms;
    for (;;) {
      const ev = await next(Math.max(1, end - Date.now()));
      if (ev === 'timeout' || ev === 'done') throw new Error(`${ev} after ${out.length} events`);
      out.push(ev);
      if (stop(ev)) return out;
    }
  };
  return { next, until };
}

/** Runs `ip -n ns -batch` with `n` lines. */
async function ipBatch(netns: string, n: number, line: (i: number) => string): Promise<void> {
  const file = path.join(os.tmpdir(), `nlw-mon-batch-${process.pid}-${Date.now()}.txt`);
  fs.writeFileSync(file, Array.from({ length: n }, (_, i) => `${line(i)}\n`).join(''));
  try {
    await execFileP('ip', ['-n', netns, '-batch', file]);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** The IFLA_IFNAME of an RTM_NEWLINK/RTM_DELLINK datagram, decoded with the tiny spec above. */
function ifnameIn(data: Buffer): string | undefined {
  const nl = readHeader(data, 0, data.length);
  return (decodeBody(NEWLINK, data, 0, nl) as LinkMsg).attrs.ifname;
}

const openFds = () => fs.readdirSync('/proc/self/fd').length;
const threads = () => fs.readdirSync('/proc/self/task').length;

describe('Monitor against the kernel', () => {
  const ns = useTestNetns('mon');

  it('yields link events decoded with the protocol specs, other types raw, with their group', async () => {
    const m = Monitor.open(proto, {
      groups: [RTNLGRP.RTNLGRP_LINK, RTNLGRP.RTNLGRP_IPV4_IFADDR],
      netns: ns.name,
    });
    try {
      const r = reader(m);
      await runIp(ns.name, ['link', 'add', 'br0', 'mtu', '1400', 'type', 'bridge']);
      await runIp(ns.name, ['addr', 'add', '10.1.2.3/24', 'dev', 'br0']);
      await runIp(ns.name, ['link', 'del', 'br0']);
      const evs = await r.until((ev) => ev.type === 'message' && ev.spec.name === 'RTM_DELLINK');
      const first = evs[0];
      expect(first.type).toBe('message');
      if (first.type !== 'message') return;
      expect(first.spec.name).toBe('RTM_NEWLINK');
      expect(first.group).toBe(RTNLGRP.RTNLGRP_LINK);
      expect((first.message as LinkMsg).attrs).toMatchObject({ ifname: 'br0', mtu: 1400 });
      expect((first.message as LinkMsg).header.index).toBeGreaterThan(1);
      // RTM_NEWADDR has no spec in this protocol: raw, with its header and group.
      const addr = evs.find((ev) => ev.type === 'raw');
      expect(addr?.type === 'raw' && addr.nl?.type).toBe(RTM.RTM_NEWADDR);
      expect(addr?.group).toBe(RTNLGRP.RTNLGRP_IPV4_IFADDR);
      expect(addr?.type === 'raw' && addr.bytes.length).toBe(addr?.type === 'raw' && addr.nl?.len);
      expect(evs.filter((ev) => ev.type === 'overrun')).toEqual([]);
      expect(m.stats.droppedForeign).toBe(0);
    } finally {
      await m.close();
    }
  });

  it('kernel: after ENOBUFS a netlink socket drops everything, silently, until its queue is empty', async () => {
    // Why the monitor drains the socket before it reports an overrun (NETLINK_S_CONGESTED).
    const s = NetlinkSocket.open({
      protocol: 0,
      groups: [RTNLGRP.RTNLGRP_LINK],
      netns: ns.name,
      rcvbuf: 16384,
    });
    try {
      await ipBatch(ns.name, 100, (i) => `link add b${i} type ifb`);
      const err = (() => {
        try {
          s.tryRecv();
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(SystemError);
      expect((err as SystemError).code).toBe('ENOBUFS');
      const names = (d: Datagram | undefined) => (d ? ifnameIn(d.data) : undefined);
      const first = names(s.tryRecv());
      expect(first).toBe('b0');
      // The queue still holds events: a change now is dropped, and no second ENOBUFS says so.
      await runIp(ns.name, ['link', 'add', 'lost0', 'type', 'ifb']);
      const rest: (string | undefined)[] = [];
      for (let d = s.tryRecv(); d; d = s.tryRecv()) rest.push(names(d));
      expect(rest.length).toBeGreaterThanOrEqual(1);
      expect(rest).not.toContain('lost0');
      // Once a receive has emptied the queue, events flow again.
      await runIp(ns.name, ['link', 'add', 'after0', 'type', 'ifb']);
      expect(names(s.tryRecv())).toBe('after0');
    } finally {
      s.closeSync();
    }
  });

  it('reports ENOBUFS as an overrun when it does not read during a burst, then loses nothing more', async () => {
    // queueLimit 1: once one event waits untaken, the receiving thread stops reading, so the tiny
    // socket buffer overflows for real during the burst while nobody iterates.
    const m = Monitor.open(proto, {
      groups: [RTNLGRP.RTNLGRP_LINK],
      netns: ns.name,
      rcvbuf: 4096,
      queueLimit: 1,
    });
    try {
      await runIp(ns.name, ['link', 'add', 'pre0', 'type', 'ifb']);
      for (let i = 0; i < 100 && m.stats.datagrams < 1; i++) await sleep(10);
      expect(m.stats.datagrams).toBe(1);
      await ipBatch(ns.name, 200, (i) => `link add b${i} type ifb`);
      const r = reader(m);
      const evs = await r.until((ev) => ev.type === 'overrun');
      expect(evs.at(-1)).toEqual({ type: 'overrun', reason: 'enobufs' });
      // The events that were queued come first, in order; the rest of the burst is lost.
      const names = evs.slice(0, -1).map(linkName);
      expect(names[0]).toBe('pre0');
      expect(names.slice(1)).toEqual(names.slice(1).map((_, i) => `b${i}`));
      expect(names.length).toBeGreaterThanOrEqual(2);
      expect(names.length).toBeLessThan(20);
      // The overrun comes once the socket is drained, so the kernel delivers again: the very next
      // change is the next event (the kernel test above shows it would be dropped otherwise).
      await runIp(ns.name, ['link', 'add', 'after0', 'type', 'ifb']);
      const rest = await r.until((ev) => linkName(ev) === 'after0');
      expect(rest.map(linkName)).toEqual(['after0']);
      expect(m.stats.overruns).toBe(1);
    } finally {
      await m.close();
    }
  });

  it('with the default queue, the same burst is read without loss while the loop is free', async () => {
    const m = Monitor.open(proto, { groups: [RTNLGRP.RTNLGRP_LINK], netns: ns.name });
    try {
      await ipBatch(ns.name, 200, (i) => `link add b${i} type ifb`);
      const evs = await reader(m).until((ev) => linkName(ev) === 'b199');
      expect(evs.filter((ev) => ev.type === 'overrun')).toEqual([]);
      expect(evs.map(linkName)).toEqual(Array.from({ length: 200 }, (_, i) => `b${i}`));
    } finally {
      await m.close();
    }
  });

  it('reports a datagram larger than its buffer as a truncated overrun and goes on', async () => {
    const m = Monitor.open(proto, {
      groups: [RTNLGRP.RTNLGRP_LINK, RTNLGRP.RTNLGRP_IPV4_IFADDR],
      netns: ns.name,
      recvBufferSize: 256,
    });
    try {
      const r = reader(m);
      await runIp(ns.name, ['link', 'add', 'br0', 'type', 'bridge']);
      await runIp(ns.name, ['addr', 'add', '10.1.2.3/24', 'dev', 'br0']);
      const evs = await r.until((ev) => ev.type === 'raw' && ev.nl?.type === RTM.RTM_NEWADDR);
      const over = evs[0];
      expect(over.type).toBe('overrun');
      if (over.type !== 'overrun') return;
      expect(over.reason).toBe('truncated');
      expect(over.error).toBeInstanceOf(TruncatedError);
      expect(over.error?.bufferLength).toBe(256);
      expect(over.error?.datagramLength).toBeGreaterThan(256);
    } finally {
      await m.close();
    }
  });

  it('drops and counts datagrams that do not come from the kernel', async () => {
    const m = Monitor.open(proto, { groups: [RTNLGRP.RTNLGRP_LINK], netns: ns.name });
    const s = NetlinkSocket.open({ protocol: 0, netns: ns.name });
    try {
      const r = reader(m);
      // A forged RTM_NEWLINK, unicast to the monitor's port and multicast to RTNLGRP_LINK (root may).
      const fake = Buffer.alloc(32);
      fake.writeUInt32LE(32, 0);
      fake.writeUInt16LE(RTM.RTM_NEWLINK, 4);
      for (const [pid, groups] of [
        [m.portId, 0],
        [0, 1 << (RTNLGRP.RTNLGRP_LINK - 1)],
      ]) {
        const to = Buffer.alloc(12);
        to.writeUInt16LE(AF.AF_NETLINK, 0);
        to.writeUInt32LE(pid, 4);
        to.writeUInt32LE(groups, 8);
        expect(sysSendto(s.fd, fake, fake.length, 0, to).value).toBe(32);
      }
      await runIp(ns.name, ['link', 'add', 'br0', 'type', 'bridge']);
      const evs = await r.until((ev) => linkName(ev) === 'br0');
      expect(evs).toHaveLength(1);
      expect(m.stats.droppedForeign).toBe(2);
    } finally {
      s.closeSync();
      await m.close();
    }
  });

  it('hears other namespaces with an nsid when listenAllNsid is set', async () => {
    const other = await ns.create('mon-peer');
    await runIp(ns.name, ['netns', 'set', other, '7']);
    const all = Monitor.open(proto, { groups: [RTNLGRP.RTNLGRP_LINK], netns: ns.name, listenAllNsid: true });
    const own = Monitor.open(proto, { groups: [RTNLGRP.RTNLGRP_LINK], netns: ns.name });
    try {
      await runIp(other, ['link', 'add', 'far0', 'type', 'bridge']);
      await runIp(ns.name, ['link', 'add', 'near0', 'type', 'bridge']);
      const a = await reader(all).until((ev) => linkName(ev) === 'near0');
      expect(a.map(linkName)).toEqual(['far0', 'near0']);
      const o = await reader(own).until((ev) => linkName(ev) === 'near0');
      expect(o.map(linkName)).toEqual(['near0']);
    } finally {
      await all.close();
      await own.close();
    }
  });

  it('ends pending reads on close; leaving a for-await loop closes the monitor', async () => {
    const m = Monitor.open(proto, { groups: [RTNLGRP.RTNLGRP_LINK], netns: ns.name });
    const pending = m.next();
    await m.close();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(await m.next()).toEqual({ value: undefined, done: true });

    const m2 = Monitor.open(proto, { groups: [RTNLGRP.RTNLGRP_LINK], netns: ns.name });
    await runIp(ns.name, ['link', 'add', 'br0', 'type', 'bridge']);
    for await (const ev of m2) {
      expect(linkName(ev)).toBe('br0');
      break;
    }
    expect(m2.closed).toBe(true);
    expect(m2.threadId).toBe(-1);
  });

  it('stops its thread on close and leaks no fd over 20 open/close cycles', async () => {
    const fds = openFds();
    const tasks = threads();
    for (let i = 0; i < 20; i++) {
      const m = Monitor.open(proto, { groups: [RTNLGRP.RTNLGRP_LINK], netns: ns.name });
      expect(m.threadId).toBeGreaterThan(0);
      const t0 = performance.now();
      await m.close();
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(m.threadId).toBe(-1);
    }
    expect(openFds()).toBe(fds);
    // Thread exit is observed by the 'exit' event; the OS task may linger a moment.
    for (let i = 0; i < 50 && threads() > tasks; i++) await sleep(20);
    expect(threads()).toBe(tasks);
  });

  it('holds no libuv pool thread: file reads complete while more monitors than pool threads run', async () => {
    const pool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const files = Array.from({ length: 8 }, (_, i) => {
      const f = path.join(os.tmpdir(), `nlw-mon-read-${process.pid}-${i}`);
      fs.writeFileSync(f, `file ${i}`);
      return f;
    });
    const readAll = async () => {
      const t0 = performance.now();
      const got = await Promise.all(files.map((f) => fs.promises.readFile(f, 'utf8')));
      expect(got).toEqual(files.map((_, i) => `file ${i}`));
      return performance.now() - t0;
    };
    const monitors = Array.from({ length: pool + 1 }, () =>
      Monitor.open(proto, { groups: [RTNLGRP.RTNLGRP_LINK], netns: ns.name }),
    );
    const sockets: NetlinkSocket[] = [];
    try {
      await sleep(50);
      expect(await readAll()).toBeLessThan(250);
      // Control: the same reads wait when every pool thread is held by a blocking wait of 1.5 s.
      for (let i = 0; i < pool; i++) {
        const s = NetlinkSocket.open({ protocol: 0, netns: ns.name, waitSliceMs: 1500 });
        sockets.push(s);
        void s.waitReadable();
      }
      await sleep(50);
      expect(await readAll()).toBeGreaterThan(1000);
    } finally {
      await Promise.all(monitors.map((m) => m.close()));
      await Promise.all(sockets.map((s) => s.close()));
      for (const f of files) fs.rmSync(f, { force: true });
    }
  });

  it('lets a process exit within 2 s once its monitor is closed (and keeps it alive while open)', async () => {
    const script = (close: boolean) => `
      import { Monitor } from './src/netlink/monitor.ts';
      import { Protocol } from './src/netlink/message.ts';
      const m = Monitor.open(new Protocol('NETLINK_ROUTE', 0), { groups: [1], netns: ${JSON.stringify(ns.name)} });
      setTimeout(async () => {
        ${close ? 'await m.close();' : ''}
        console.log('done');
      }, 200);
    `;
    const run = (close: boolean) =>
      new Promise<{ afterDone: number; exited: boolean }>((resolve, reject) => {
        const file = path.join(process.cwd(), 'tmp', `nlw-mon-child-${process.pid}-${close}.ts`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, script(close).replaceAll('./src/', '../src/'));
        const child = spawn(process.execPath, ['--import', 'tsx', file], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let doneAt = 0;
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('done')) doneAt = performance.now();
        });
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
        }, 15_000);
        child.on('error', reject);
        child.on('exit', (code, signal) => {
          clearTimeout(timer);
          fs.rmSync(file, { force: true });
          const afterDone = doneAt ? performance.now() - doneAt : Number.POSITIVE_INFINITY;
          resolve({ afterDone, exited: code === 0 && signal === null });
        });
        if (!close) {
          // Give it 2 s after 'done' to (wrongly) exit, then stop it.
          const poll = setInterval(() => {
            if (doneAt && performance.now() - doneAt > 2000) {
              clearInterval(poll);
              child.kill('SIGTERM');
            }
          }, 50);
          child.on('exit', () => clearInterval(poll));
        }
      });
    const closed = await run(true);
    expect(closed.exited).toBe(true);
    expect(closed.afterDone).toBeLessThan(2000);
    const open = await run(false);
    expect(open.exited).toBe(false);
  });

  it('reports a failing receive (not a socket) and stops its thread', async () => {
    const fd = fs.openSync('/dev/null', 'r');
    try {
      const got: ReceivedItem[] = [];
      const rx = Receiver.start({
        fd,
        bufferSize: 64,
        queueLimit: 4,
        onItems: (items) => got.push(...items),
        onError: (e) => {
          throw e;
        },
      });
      for (let i = 0; i < 100 && rx.isRunning; i++) await sleep(20);
      expect(rx.isRunning).toBe(false);
      expect(got).toEqual([{ kind: 'failed', errno: 88 }]); // ENOTSOCK
    } finally {
      fs.closeSync(fd);
    }
  });

  it('yields events within a few ms of the change (latency printed)', async () => {
    const m = Monitor.open(proto, { groups: [RTNLGRP.RTNLGRP_LINK], netns: ns.name });
    const s = NetlinkSocket.open({ protocol: 0, netns: ns.name });
    try {
      const r = reader(m);
      await runIp(ns.name, ['link', 'add', 'br0', 'type', 'bridge']);
      await r.until((ev) => linkName(ev) === 'br0');
      const index = Number((await runIp(ns.name, ['-o', 'link', 'show', 'br0'])).split(':')[0]);
      // RTM_SETLINK changing the MTU, sent from this thread: the event follows inside sendto.
      const lat: number[] = [];
      for (let i = 0; i < 50; i++) {
        const msg = Buffer.alloc(40);
        msg.writeUInt32LE(40, 0);
        msg.writeUInt16LE(RTM.RTM_SETLINK, 4);
        msg.writeUInt16LE(1, 6); // NLM_F_REQUEST, no ack
        msg.writeInt32LE(index, 20);
        msg.writeUInt16LE(8, 32);
        msg.writeUInt16LE(IFLA.IFLA_MTU, 34);
        msg.writeUInt32LE(1000 + i, 36);
        const t0 = performance.now();
        s.sendSync(msg);
        await r.until((ev) => (ev.type === 'message' && (ev.message as LinkMsg).attrs.mtu) === 1000 + i);
        lat.push(performance.now() - t0);
      }
      lat.sort((a, b) => a - b);
      const p50 = lat[25];
      const p99 = lat[49];
      console.log(`monitor latency over 50 changes: p50 ${p50.toFixed(3)} ms, max ${p99.toFixed(3)} ms`);
      expect(p50).toBeLessThan(20);
    } finally {
      s.closeSync();
      await m.close();
    }
  });
});

describe('Monitor options', () => {
  it('rejects bad sizes and groups before opening anything', () => {
    const fds = openFds();
    expect(() => Monitor.open(proto, { groups: [1], queueLimit: 0 })).toThrow(/invalid queueLimit 0/);
    expect(() => Monitor.open(proto, { groups: [1], recvBufferSize: 1.5 })).toThrow(ValidationError);
    expect(() => Monitor.open(proto, { groups: [-1] })).toThrow(/invalid groups -1/);
    expect(openFds()).toBe(fds);
  });
});
