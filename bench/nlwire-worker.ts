/**
 * The nlwire side of the benchmark: one workload run in its own process, through the library
 * (Links, Routes, Addresses, and Connection.batch for bulk requests). Reads {@link WorkerParams} as
 * JSON on stdin, prints one {@link WorkerResult} JSON line on stdout. The runner bundles this file
 * with esbuild and runs it with plain `node`, so the peak RSS is nlwire's and not tsx's.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { type BatchResult, Connection } from '../src/netlink/connection.js';
import { Addresses, buildAddress } from '../src/rtnl/addr/api.js';
import { rtmDelAddr } from '../src/rtnl/addr/messages.js';
import { Links } from '../src/rtnl/link/api.js';
import { RTM_DELLINK } from '../src/rtnl/link/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { buildRoute, Routes } from '../src/rtnl/route/api.js';
import { rtmDelRoute } from '../src/rtnl/route/messages.js';
import { timeDecode } from './decode.js';
import type {
  W1Params,
  W2Params,
  W3Params,
  W4Params,
  W5Params,
  WorkerParams,
  WorkerResult,
} from './lib/params.js';
import { peakRssKiB } from './lib/rss.js';

/** Where to write a CPU profile of each phase (WorkerParams.profileDir), if anywhere. */
let profileDir: string | undefined;
let session: Session | undefined;
let workload = '';

/** Milliseconds `fn` took; with a profile directory, `fn` is also profiled into `<workload>-<phase>.cpuprofile`. */
async function timed(fn: () => Promise<unknown>, phase?: string): Promise<number> {
  if (profileDir && phase) {
    session ??= new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
  }
  const t = performance.now();
  await fn();
  const ms = performance.now() - t;
  if (session && profileDir && phase) {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(path.join(profileDir, `${workload}-${phase}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
  return ms;
}

/**
 * Times each call of `fn` (`count` calls), profiling the first as `<phase>First` and the others as
 * `phase`; returns the mean
 * (`phase`), the first call alone (`phaseFirst`: cold code) and the median of the others (`phaseLater`).
 */
async function dumps(
  count: number,
  phase: string,
  fn: () => Promise<unknown>,
): Promise<Record<string, number>> {
  const times: number[] = [];
  // Profiled apart (with --cpu-prof): the first call, then the others.
  times.push(await timed(fn, `${phase}First`));
  await timed(async () => {
    for (let i = 1; i < count; i++) {
      const t = performance.now();
      await fn();
      times.push(performance.now() - t);
    }
  }, phase);
  const later = times.slice(1).sort((a, b) => a - b);
  const out: Record<string, number> = {
    [phase]: times.reduce((a, b) => a + b, 0) / times.length,
    [`${phase}First`]: times[0],
  };
  if (later.length) out[`${phase}Later`] = later[Math.floor(later.length / 2)];
  return out;
}

/** Throws the first failure of a batch. */
function check(results: BatchResult[]): void {
  const failed = results.filter((r) => r !== undefined);
  if (failed.length) throw new Error(`${failed.length} of ${results.length} requests failed: ${failed[0]}`);
}

function open(ns: string): Connection {
  return Connection.open(rtnetlink, { netns: ns });
}

async function w1(p: W1Params): Promise<Record<string, number>> {
  const conn = open(p.ns);
  const links = new Links(conn);
  const create = () =>
    links
      .createMany(
        p.names.map((name, i) => ({ kind: 'veth', name, group: p.group, peer: { name: p.peers[i] } })),
      )
      .then(check);
  const m: Record<string, number> = {};
  m.create = await timed(create, 'create');
  m.deleteEach = await timed(
    () =>
      conn
        .batch(
          p.names.map((name) => ({
            spec: RTM_DELLINK,
            header: {},
            attrs: { ifname: name },
            context: `link del ${name}`,
          })),
        )
        .then(check),
    'deleteEach',
  );
  await create();
  m.deleteGroup = await timed(() => links.deleteGroup(p.group), 'deleteGroup');
  const left = await links.list();
  if (left.length !== 1) throw new Error(`W1: ${left.length} links left, expected lo alone`);
  await conn.close();
  return m;
}

async function w2(p: W2Params): Promise<Record<string, number>> {
  const conn = open(p.ns);
  const links = new Links(conn);
  const m = await dumps(p.dumps, 'dump', async () => {
    const all = await links.list();
    if (all.length !== p.expect)
      throw new Error(`W2: dump returned ${all.length} links, expected ${p.expect}`);
  });
  await conn.close();
  return m;
}

async function w3(p: W3Params): Promise<Record<string, number>> {
  const conn = open(p.ns);
  const routes = new Routes(conn);
  const noDev = (): number => {
    throw new Error('W3 routes name no device');
  };
  const m: Record<string, number> = {};
  m.add = await timed(
    () => routes.addMany(p.prefixes.map((dst) => ({ dst, via: p.gateway }))).then(check),
    'add',
  );
  Object.assign(
    m,
    await dumps(p.dumps, 'dump', async () => {
      const all = await routes.list({ family: 'inet' });
      if (all.length !== p.expect)
        throw new Error(`W3: dump returned ${all.length} routes, expected ${p.expect}`);
    }),
  );
  if (p.sequential) {
    await conn
      .batch(
        p.prefixes.map((dst) => {
          const r = buildRoute('delete', { dst, via: p.gateway }, noDev);
          return { spec: rtmDelRoute, header: r.header, attrs: r.attrs };
        }),
      )
      .then(check);
    m.addSequential = await timed(async () => {
      for (const dst of p.prefixes) await routes.add({ dst, via: p.gateway });
    }, 'addSequential');
  }
  await conn.close();
  return m;
}

async function w4(p: W4Params): Promise<Record<string, number>> {
  const conn = open(p.ns);
  const addresses = new Addresses(conn);
  const m: Record<string, number> = {};
  let index = 0;
  m.add = await timed(async () => {
    check(await addresses.addMany(p.dev, p.prefixes));
  }, 'add');
  index = await new Links(conn).index(p.dev);
  Object.assign(
    m,
    await dumps(p.dumps, 'dump', async () => {
      const all = await addresses.list({ family: 'inet' });
      if (all.length !== p.expect)
        throw new Error(`W4: dump returned ${all.length} addresses, expected ${p.expect}`);
    }),
  );
  if (p.sequential) {
    await conn
      .batch(
        p.prefixes.map((prefix) => {
          const r = buildAddress(index, prefix);
          return { spec: rtmDelAddr, header: r.header, attrs: r.attrs };
        }),
      )
      .then(check);
    m.addSequential = await timed(async () => {
      for (const prefix of p.prefixes) await addresses.add({ index }, prefix);
    }, 'addSequential');
  }
  await conn.close();
  return m;
}

async function w5(p: W5Params): Promise<Record<string, number>> {
  const conn = open(p.ns);
  const links = new Links(conn);
  const m: Record<string, number> = {};
  m.create = await timed(async () => {
    const results = await links.createMany([
      { kind: 'bridge', name: p.bridge, up: true },
      { kind: 'vxlan', name: p.vxlan, vxlan: { id: p.vni, dstport: p.dstport, local: p.local }, up: true },
      ...p.ports.map((name, i) => ({
        kind: 'veth' as const,
        name,
        master: p.bridge,
        up: true,
        peer: { name: p.peers[i] },
      })),
    ]);
    check(results);
  }, 'create');
  await conn.close();
  return m;
}

async function main(): Promise<void> {
  const p = JSON.parse(fs.readFileSync(0, 'utf8')) as WorkerParams;
  workload = p.workload;
  profileDir = p.profileDir;
  let metrics: Record<string, number>;
  switch (p.workload) {
    case 'W1':
      metrics = await w1(p);
      break;
    case 'W2':
      metrics = await w2(p);
      break;
    case 'W3':
      metrics = await w3(p);
      break;
    case 'W4':
      metrics = await w4(p);
      break;
    case 'W5':
      metrics = await w5(p);
      break;
    case 'W6':
      metrics = await timeDecode(p.dataDir, p.minMs, timed);
      break;
  }
  const result: WorkerResult = { metrics, peakRssKiB: peakRssKiB() };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`nlwire worker: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
