/**
 * Captures the dumps W6 decodes, once, into bench/data/ (committed): each file is a pcap of one
 * dump's datagrams (request and replies, as nlwire's trace sees them), gzipped. `nlwire decode` and
 * Wireshark read them after gunzip.
 *
 * - links.pcap.gz: Links.list() in a namespace holding W2's 1,000 veth pairs (2,001 links);
 * - routes.pcap.gz: Routes.list({ family: 'inet' }) after W3's 10,000 routes (10,001 routes);
 * - addresses.pcap.gz: Addresses.list({ family: 'inet' }) after W4's 5,000 addresses.
 *
 * Run as root: npx tsx bench/capture.ts [DIR]   (default bench/data)
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { writePcap } from '../src/debug/io/pcap.js';
import type { CapturedMessage } from '../src/debug/io/types.js';
import { Connection } from '../src/netlink/connection.js';
import { Addresses } from '../src/rtnl/addr/api.js';
import { Links } from '../src/rtnl/link/api.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { Routes } from '../src/rtnl/route/api.js';
import { CAPTURES } from './decode.js';
import { createBenchNetns, removeAllBenchNetns, removeAnchor, removeBenchNetns } from './lib/netns.js';
import { paramsFor, type WorkloadId } from './lib/params.js';
import { BENCH_DIR, ipBatch } from './lib/proc.js';
import { WORKLOAD_DEFS } from './lib/workloads.js';

const dir = process.argv[2] ?? path.join(BENCH_DIR, 'data');

/** Sets up workload `id`'s namespace (plus `extra` ip lines), runs `dump` on a traced connection, saves it. */
async function capture(
  id: WorkloadId,
  file: string,
  extra: (p: ReturnType<typeof paramsFor>) => string[],
  dump: (conn: Connection) => Promise<unknown[]>,
): Promise<void> {
  const ns = await createBenchNetns('capture');
  try {
    const p = paramsFor(id, ns, 1, dir);
    await WORKLOAD_DEFS[id].setup?.(p);
    const lines = extra(p);
    if (lines.length) await ipBatch(ns, lines);
    const messages: CapturedMessage[] = [];
    const conn = Connection.open(rtnetlink, {
      netns: ns,
      trace: (direction, bytes) =>
        messages.push({ bytes: new Uint8Array(bytes), direction, family: 0, timestamp: Date.now() / 1000 }),
    });
    let n: number;
    try {
      n = (await dump(conn)).length;
    } finally {
      await conn.close();
    }
    const gz = zlib.gzipSync(writePcap(messages), { level: 9 });
    fs.writeFileSync(path.join(dir, file), gz);
    console.log(`${file}: ${n} objects, ${messages.length} datagrams, ${gz.length} bytes gzipped`);
  } finally {
    await removeBenchNetns(ns);
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await capture(
    'W2',
    CAPTURES.link.file,
    () => [],
    (conn) => new Links(conn).list(),
  );
  await capture(
    'W3',
    CAPTURES.route.file,
    (p) => (p.workload === 'W3' ? p.prefixes.map((d) => `route add ${d} via ${p.gateway}`) : []),
    (conn) => new Routes(conn).list({ family: 'inet' }),
  );
  await capture(
    'W4',
    CAPTURES.address.file,
    (p) => (p.workload === 'W4' ? p.prefixes.map((a) => `address add ${a} dev ${p.dev}`) : []),
    (conn) => new Addresses(conn).list({ family: 'inet' }),
  );
  await removeAnchor();
}

main().catch(async (e: unknown) => {
  console.error(e);
  await removeAllBenchNetns();
  process.exit(1);
});
