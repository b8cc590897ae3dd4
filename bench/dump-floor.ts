/**
 * How much of a dump is the kernel's: times the W2/W3/W4 dumps taken raw (request sent, every
 * datagram received until NLMSG_DONE, nothing decoded) against the library's `list()`, alternating,
 * in one namespace holding all three data sets. `npx tsx bench/dump-floor.ts [--dumps N] [--only links,routes,addresses]`.
 */
import { NLM_F, NLMSG } from '../src/constants/netlink.js';
import { RTEXT_FILTER } from '../src/constants/rtnetlink.js';
import { AF } from '../src/constants/socket.js';
import { Connection } from '../src/netlink/connection.js';
import { encodeMessage, type MessageSpec } from '../src/netlink/message.js';
import { NetlinkSocket } from '../src/netlink/socket.js';
import { Writer } from '../src/netlink/writer.js';
import { Addresses } from '../src/rtnl/addr/api.js';
import { rtmGetAddr } from '../src/rtnl/addr/messages.js';
import '../src/rtnl/all.js';
import { Links } from '../src/rtnl/link/api.js';
import { RTM_GETLINK } from '../src/rtnl/link/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { Routes } from '../src/rtnl/route/api.js';
import { rtmGetRoute } from '../src/rtnl/route/messages.js';
import { createBenchNetns, removeAllBenchNetns, removeAnchor, removeBenchNetns } from './lib/netns.js';
import { ipBatch } from './lib/proc.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const dumps = Number(arg('--dumps')) || 20;
const only = arg('--only')?.split(',');

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

async function main(): Promise<void> {
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
      if (only && !only.includes(name)) continue;
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
    await removeAnchor();
    await removeAllBenchNetns();
  }
}

await main();
