/**
 * What the kernel alone needs, measured beside nlwire in one process, for the workloads whose target
 * is near it (`npx tsx bench/kernel-floor.ts [--runs N] [--only dumps,w3,w5]`):
 * - dumps (W2/W3/W4): each dump taken raw (request sent, every datagram received until NLMSG_DONE,
 *   nothing decoded) against the library's `list()`, alternating, in one namespace holding all three
 *   data sets;
 * - W3 add: the 10,000 route adds pre-encoded into 64 KiB datagrams, sent one after the other,
 *   against `Routes.addMany` and `ip -batch`, each in a fresh namespace;
 * - W5: the bridge, the vxlan and the 100 enslaved veths as one datagram of pre-encoded requests
 *   (the bridge given an ifindex so the ports can name it), sent with one sendto(2), against
 *   `Links.createMany` and `ip -batch`, each in a fresh namespace.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NLM_F, NLMSG } from '../src/constants/netlink.js';
import { RTEXT_FILTER } from '../src/constants/rtnetlink.js';
import { AF } from '../src/constants/socket.js';
import { Connection } from '../src/netlink/connection.js';
import { endMessage, startMessage } from '../src/netlink/header.js';
import { encodeMessage, type MessageSpec } from '../src/netlink/message.js';
import { NetlinkSocket } from '../src/netlink/socket.js';
import { Writer } from '../src/netlink/writer.js';
import { Addresses } from '../src/rtnl/addr/api.js';
import { rtmGetAddr } from '../src/rtnl/addr/messages.js';
import '../src/rtnl/all.js';
import { Links } from '../src/rtnl/link/api.js';
import { type CreateLinkOptions, planCreate } from '../src/rtnl/link/create.js';
import { RTM_GETLINK, RTM_NEWLINK } from '../src/rtnl/link/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { buildRoute, Routes } from '../src/rtnl/route/api.js';
import { rtmGetRoute, rtmNewRoute } from '../src/rtnl/route/messages.js';
import { createBenchNetns, removeAllBenchNetns, removeAnchor, removeBenchNetns } from './lib/netns.js';
import { ipBatch } from './lib/proc.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const dumps = Number(arg('--dumps')) || 20;
const runs = Number(arg('--runs')) || 5;
const only = arg('--only')?.split(',') ?? ['dumps', 'w3', 'w5'];

/** Sends one dump request and receives until NLMSG_DONE; returns the entries counted. */
async function rawDump(
  sock: NetlinkSocket,
  spec: MessageSpec,
  header: object,
  attrs: object,
): Promise<number> {
  const w = new Writer(256);
  encodeMessage(
    w,
    spec as MessageSpec<object, object>,
    NLM_F.NLM_F_REQUEST | NLM_F.NLM_F_DUMP,
    1,
    header,
    attrs,
  );
  sock.sendSync(Buffer.from(w.bytes()));
  let n = 0;
  for (;;) {
    const d = await sock.recv();
    const b = d.data;
    for (let p = 0; p < b.length; ) {
      const len = b.readUInt32LE(p);
      const type = b.readUInt16LE(p + 4);
      if (type === NLMSG.NLMSG_DONE) return n;
      if (type === NLMSG.NLMSG_ERROR) throw new Error('dump failed');
      n++;
      p += (len + 3) & ~3;
    }
  }
}

async function dumpFloors(): Promise<void> {
  const ns = await createBenchNetns('floor');
  try {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) lines.push(`link add v${i} type veth peer name p${i}`);
    lines.push('link add r0 type veth peer name r1', 'link set r0 up', 'link set r1 up');
    lines.push('address add 192.168.0.1/24 dev r0', 'link add a0 type veth peer name a1');
    for (let i = 0; i < 10_000; i++) lines.push(`route add 10.${i >> 8}.${i & 255}.0/24 via 192.168.0.2`);
    for (let i = 0; i < 5000; i++) lines.push(`address add 10.20.${i >> 8}.${i & 255}/32 dev a0`);
    await ipBatch(ns, lines);
    const sock = NetlinkSocket.open({ protocol: 0, netns: ns });
    const conn = Connection.open(rtnetlink, { netns: ns });
    const links = new Links(conn);
    const routes = new Routes(conn);
    const addresses = new Addresses(conn);
    const cases: [string, () => Promise<number>, () => Promise<number>][] = [
      [
        'links',
        () => rawDump(sock, RTM_GETLINK, { family: AF.AF_UNSPEC }, { extMask: RTEXT_FILTER.RTEXT_FILTER_VF }),
        async () => (await links.list()).length,
      ],
      [
        'routes',
        () => rawDump(sock, rtmGetRoute, { family: AF.AF_INET, table: 254 }, {}),
        async () => (await routes.list({ family: 'inet' })).length,
      ],
      [
        'addresses',
        () => rawDump(sock, rtmGetAddr, { family: AF.AF_INET }, {}),
        async () => (await addresses.list({ family: 'inet' })).length,
      ],
    ];
    for (const [name, raw, lib] of cases) {
      const t = { raw: 0, lib: 0 };
      let counts = '';
      const first: string[] = [];
      for (let i = 0; i < dumps; i++) {
        for (const [k, f] of (i % 2
          ? [
              ['lib', lib],
              ['raw', raw],
            ]
          : [
              ['raw', raw],
              ['lib', lib],
            ]) as ['raw' | 'lib', () => Promise<number>][]) {
          const s = performance.now();
          const n = await f();
          const ms = performance.now() - s;
          t[k] += ms;
          if (k === 'lib' && i < 5) first.push(ms.toFixed(1));
          if (i === 0) counts += `${k} ${n} `;
        }
      }
      console.log(
        `${name.padEnd(10)} raw ${(t.raw / dumps).toFixed(2)} ms  list() ${(t.lib / dumps).toFixed(2)} ms  (${counts.trim()}; list() ${first.join(', ')}, ...)`,
      );
    }
    await conn.close();
    await sock.close();
  } finally {
    await removeBenchNetns(ns);
  }
}

/** W5's requests, pre-encoded into one datagram; the bridge gets ifindex `bridgeIndex`. */
function w5Datagram(bridgeIndex: number): Buffer {
  const w = new Writer(64 * 1024);
  const flags = NLM_F.NLM_F_REQUEST | NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL;
  const add = (opts: CreateLinkOptions, seq: number, index = 0) => {
    const p = planCreate(opts);
    encodeMessage(w, RTM_NEWLINK, flags, seq, { ...p.header, index }, p.attrs);
  };
  add({ kind: 'bridge', name: 'br0', up: true }, 1, bridgeIndex);
  add({ kind: 'vxlan', name: 'vx0', vxlan: { id: 100, dstport: 4789, local: '10.0.0.1' }, up: true }, 2);
  for (let i = 0; i < 100; i++)
    add({ kind: 'veth', name: `b${i}`, peer: { name: `c${i}` }, master: bridgeIndex, up: true }, 3 + i);
  const at = startMessage(w, NLMSG.NLMSG_NOOP, NLM_F.NLM_F_REQUEST | NLM_F.NLM_F_ACK, 200);
  endMessage(w, at);
  return Buffer.from(w.bytes());
}

/** The three ways one workload is timed: raw pre-encoded bytes, the library, and `ip -batch FILE`. */
interface Contenders {
  /** Sends the pre-encoded requests on `sock` (opened in the namespace); the timed part. */
  raw(sock: NetlinkSocket): void;
  /** The library's name for the way it does the work, and the work (throws if an item failed). */
  lib: [string, (conn: Connection) => Promise<readonly unknown[]>];
  /** The lines of the `ip -batch` file. */
  ipLines: string[];
  /** Prepares a fresh namespace (untimed). */
  setup?(ns: string): Promise<void>;
  /** Checks the namespace after a run (untimed). */
  verify?(ns: string): void;
}

/** Times each contender `runs` times, alternating, each run in a fresh namespace; medians in ms. */
async function compare(tag: string, c: Contenders): Promise<Record<'raw' | 'lib' | 'ip', string>> {
  const file = path.join(os.tmpdir(), `nlw-floor-${tag}-${process.pid}.batch`);
  fs.writeFileSync(file, `${c.ipLines.join('\n')}\n`);
  const t: Record<'raw' | 'lib' | 'ip', number[]> = { raw: [], lib: [], ip: [] };
  try {
    for (let r = 0; r < runs; r++) {
      for (const k of r % 2 ? (['ip', 'lib', 'raw'] as const) : (['raw', 'lib', 'ip'] as const)) {
        const ns = await createBenchNetns(`floor-${tag}`);
        try {
          await c.setup?.(ns);
          let ms: number;
          if (k === 'raw') {
            const sock = NetlinkSocket.open({ protocol: 0, netns: ns });
            const s0 = performance.now();
            c.raw(sock);
            ms = performance.now() - s0;
            // Every request succeeded: the only reply is the barrier's ack (error 0).
            const d = await sock.recv();
            if (d.data.readUInt16LE(4) !== NLMSG.NLMSG_ERROR || d.data.readInt32LE(16) !== 0)
              throw new Error(`${tag} raw: a request failed`);
            await sock.close();
          } else if (k === 'lib') {
            const conn = Connection.open(rtnetlink, { netns: ns });
            const s0 = performance.now();
            const res = await c.lib[1](conn);
            ms = performance.now() - s0;
            if (res.some((x) => x !== undefined)) throw new Error(`${tag} ${c.lib[0]}: a request failed`);
            await conn.close();
          } else {
            const s0 = performance.now();
            const out = spawnSync('ip', ['-n', ns, '-batch', file]);
            ms = performance.now() - s0;
            if (out.status !== 0) throw new Error(`ip -batch: ${out.stderr}`);
          }
          t[k].push(ms);
          c.verify?.(ns);
        } finally {
          await removeBenchNetns(ns);
        }
      }
    }
  } finally {
    fs.rmSync(file, { force: true });
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const raw = med(t.raw);
  const ip = med(t.ip);
  return {
    raw: raw.toFixed(1),
    lib: med(t.lib).toFixed(1),
    ip: `${ip.toFixed(1)} ms  (medians of ${runs}; raw/ip ${(raw / ip).toFixed(2)}x)`,
  };
}

async function w5Floor(): Promise<void> {
  const bytes = w5Datagram(1000);
  const m = await compare('w5', {
    raw: (sock) => sock.sendSync(bytes),
    lib: [
      'createMany',
      (conn) =>
        new Links(conn).createMany([
          { kind: 'bridge', name: 'br0', up: true },
          { kind: 'vxlan', name: 'vx0', vxlan: { id: 100, dstport: 4789, local: '10.0.0.1' }, up: true },
          ...Array.from({ length: 100 }, (_, i) => ({
            kind: 'veth' as const,
            name: `b${i}`,
            peer: { name: `c${i}` },
            master: 'br0',
            up: true,
          })),
        ]),
    ],
    ipLines: [
      'link add br0 up type bridge',
      'link add vx0 up type vxlan id 100 dstport 4789 local 10.0.0.1',
      ...Array.from({ length: 100 }, (_, i) => `link add b${i} master br0 up type veth peer name c${i}`),
    ],
    verify(ns) {
      const ports = JSON.parse(
        spawnSync('ip', ['-n', ns, '-j', 'link', 'show', 'master', 'br0']).stdout.toString(),
      );
      if (ports.length !== 100) throw new Error(`W5: ${ports.length} ports`);
    },
  });
  console.log(
    `W5        one sendto of the 102 requests ${m.raw} ms  createMany ${m.lib} ms  ip -batch ${m.ip}`,
  );
}

/** W3's 10,000 route adds, pre-encoded into datagrams of at most 64 KiB (the last with an acked NOOP). */
function w3Datagrams(): Buffer[] {
  const out: Buffer[] = [];
  let w = new Writer(64 * 1024);
  const flags = NLM_F.NLM_F_REQUEST | NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL;
  for (let i = 0; i < 10_000; i++) {
    const r = buildRoute('add', { dst: `10.${i >> 8}.${i & 255}.0/24`, via: '192.168.0.2' }, () => 0);
    encodeMessage(w, rtmNewRoute, flags, i + 1, r.header, r.attrs);
    if (w.length > 63 * 1024) {
      out.push(Buffer.from(w.bytes()));
      w = new Writer(64 * 1024);
    }
  }
  const at = startMessage(w, NLMSG.NLMSG_NOOP, NLM_F.NLM_F_REQUEST | NLM_F.NLM_F_ACK, 20_000);
  endMessage(w, at);
  out.push(Buffer.from(w.bytes()));
  return out;
}

async function w3Floor(): Promise<void> {
  const datagrams = w3Datagrams();
  const routes = Array.from({ length: 10_000 }, (_, i) => ({
    dst: `10.${i >> 8}.${i & 255}.0/24`,
    via: '192.168.0.2',
  }));
  const m = await compare('w3', {
    setup: (ns) =>
      ipBatch(ns, [
        'link add r0 type veth peer name r1',
        'link set r0 up',
        'link set r1 up',
        'address add 192.168.0.1/24 dev r0',
      ]),
    raw: (sock) => {
      for (const d of datagrams) sock.sendSync(d);
    },
    lib: ['addMany', (conn) => new Routes(conn).addMany(routes)],
    ipLines: routes.map((r) => `route add ${r.dst} via ${r.via}`),
  });
  console.log(
    `W3 add    ${datagrams.length} sendto of the 10,000 requests ${m.raw} ms  addMany ${m.lib} ms  ip -batch ${m.ip}`,
  );
}

try {
  if (only.includes('dumps')) await dumpFloors();
  if (only.includes('w3')) await w3Floor();
  if (only.includes('w5')) await w5Floor();
} finally {
  await removeAnchor();
  await removeAllBenchNetns();
}
