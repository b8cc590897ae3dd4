/**
 * The workloads: how each namespace is prepared (untimed, with `ip -batch`), what iproute2 runs
 * (timed from outside, whole processes), how the outcome is checked, which metrics the table shows
 * and which targets they are held to. nlwire and pyroute2 run the same parameters in their workers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createBenchNetns, removeBenchNetns } from './netns.js';
import type { W1Params, W2Params, W3Params, W4Params, W5Params, WorkerParams, WorkloadId } from './params.js';
import { ip, ipBatch, timeCommand } from './proc.js';

/** The tools compared. */
export type Tool = 'nlwire' | 'ip' | 'pyroute2';
/** All tools, in column order. */
export const TOOLS: readonly Tool[] = ['nlwire', 'ip', 'pyroute2'];

/** One row of the table. */
export interface MetricDef {
  /** Key in the workers' `metrics`. */
  key: string;
  /** What it measures. */
  label: string;
  /** Unit of the values. */
  unit: 'ms' | 'us' | 'MB';
  /** Tools that report it. */
  tools: readonly Tool[];
}

/** The values of every run, by metric and tool. */
export type Samples = Record<string, Partial<Record<Tool, number[]>>>;

/** A target from the task, checked against the medians. */
export interface TargetDef {
  /** What it says, e.g. 'create <= 1.0x ip -batch'. */
  text: string;
  /** The metric the row belongs to. */
  metric: string;
  /** The value compared (a ratio or a median), or undefined when it cannot be computed. */
  value(s: Samples): number | undefined;
  /** Whether the value meets the target. */
  holds(v: number): boolean;
  /** How the value is shown. */
  show(v: number): string;
}

/** A workload. */
export interface Workload {
  /** W1..W6. */
  id: WorkloadId;
  /** One line: what it does. */
  title(p: WorkerParams): string;
  /** Whether it needs a namespace (W6 does not touch the kernel). */
  kernel: boolean;
  /** Tools that run it. */
  tools: readonly Tool[];
  /** Rows of the table. */
  metrics(p: WorkerParams): MetricDef[];
  /** Targets. */
  targets: TargetDef[];
  /** Prepares the namespace (untimed). */
  setup?(p: WorkerParams): Promise<void>;
  /** Runs iproute2 (timed from outside) and returns its metrics and peak RSS. */
  runIp?(p: WorkerParams, tmp: string): Promise<{ metrics: Record<string, number>; peakRssKiB?: number }>;
  /** Checks what a tool left behind; throws when it is wrong. */
  verify?(p: WorkerParams): Promise<void>;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const median = (xs: readonly number[] | undefined): number | undefined => {
  if (!xs?.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Median of a tool's samples of a metric. */
export function medianOf(s: Samples, metric: string, tool: Tool): number | undefined {
  return median(s[metric]?.[tool]);
}

/** nlwire's median over ip's median. */
export function ratioToIp(s: Samples, metric: string): number | undefined {
  const a = medianOf(s, metric, 'nlwire');
  const b = medianOf(s, metric, 'ip');
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

function ratioTarget(metric: string, max: number): TargetDef {
  return {
    text: `<= ${max.toFixed(2)}x ip`,
    metric,
    value: (s) => ratioToIp(s, metric),
    holds: (v) => v <= max,
    show: (v) => `${v.toFixed(2)}x`,
  };
}

function absTarget(metric: string, max: number, unit: string): TargetDef {
  return {
    text: `<= ${max} ${unit}`,
    metric,
    value: (s) => medianOf(s, metric, 'nlwire'),
    holds: (v) => v <= max,
    show: (v) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ${unit}`,
  };
}

const RSS: MetricDef = {
  key: 'rss',
  label: 'peak RSS of the process doing the work',
  unit: 'MB',
  tools: ['nlwire', 'ip', 'pyroute2'],
};

async function writeBatch(tmp: string, name: string, lines: readonly string[]): Promise<string> {
  const file = path.join(tmp, name);
  await fs.promises.writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

async function ipJson<T>(ns: string, args: readonly string[]): Promise<T[]> {
  const { stdout } = await ip(ns, ['-j', ...args]);
  return stdout.trim() === '' ? [] : (JSON.parse(stdout) as T[]);
}

/** Times `ip -n NS -batch FILE` once (a batch changes state, so it is not repeated). */
async function timeBatch(ns: string, file: string): Promise<number> {
  const t = await timeCommand(['ip', '-n', ns, '-batch', file], { rss: false });
  return t.ms[0];
}

/** Beneath a dump's mean, nlwire's first dump (cold code) and the median of the later ones. */
const DUMP_PARTS: MetricDef[] = [
  {
    key: 'dumpFirst',
    label: '  the first dump alone (code not yet optimised)',
    unit: 'ms',
    tools: ['nlwire'],
  },
  { key: 'dumpLater', label: '  the later dumps (median)', unit: 'ms', tools: ['nlwire'] },
];

const w1: Workload = {
  id: 'W1',
  title: (p) =>
    `${fmt((p as W1Params).names.length)} veth pairs: create, delete one by one, delete as a group`,
  kernel: true,
  tools: ['nlwire', 'ip', 'pyroute2'],
  metrics: (p) => {
    const n = fmt((p as W1Params).names.length);
    return [
      { key: 'create', label: `create ${n} veth pairs`, unit: 'ms', tools: TOOLS },
      { key: 'deleteEach', label: `delete them one by one (${n} requests)`, unit: 'ms', tools: TOOLS },
      { key: 'deleteGroup', label: 'delete them as a group (1 request)', unit: 'ms', tools: TOOLS },
      { ...RSS, tools: ['nlwire', 'pyroute2'] },
    ];
  },
  targets: [
    ratioTarget('create', 1.0),
    {
      text: 'group delete >= 20x faster than one by one',
      metric: 'deleteGroup',
      value: (s) => {
        const each = medianOf(s, 'deleteEach', 'nlwire');
        const group = medianOf(s, 'deleteGroup', 'nlwire');
        return each === undefined || group === undefined || group === 0 ? undefined : each / group;
      },
      holds: (v) => v >= 20,
      show: (v) => `${v.toFixed(0)}x faster`,
    },
  ],
  async runIp(p, tmp) {
    const q = p as W1Params;
    const create = q.names.map((n, i) => `link add ${n} group ${q.group} type veth peer name ${q.peers[i]}`);
    const createFile = await writeBatch(tmp, 'w1-create.batch', create);
    const delFile = await writeBatch(
      tmp,
      'w1-delete.batch',
      q.names.map((n) => `link del ${n}`),
    );
    const metrics: Record<string, number> = {};
    metrics.create = await timeBatch(q.ns, createFile);
    metrics.deleteEach = await timeBatch(q.ns, delFile);
    await ipBatch(q.ns, create);
    metrics.deleteGroup = (
      await timeCommand(['ip', '-n', q.ns, 'link', 'del', 'group', String(q.group)], { rss: false })
    ).ms[0];
    return { metrics };
  },
  async verify(p) {
    const links = await ipJson((p as W1Params).ns, ['link', 'show']);
    if (links.length !== 1) throw new Error(`W1: ${links.length} links left, expected lo alone`);
  },
};

const w2: Workload = {
  id: 'W2',
  title: (p) => `dump ${fmt((p as W2Params).expect)} links, ${(p as W2Params).dumps} times in one process`,
  kernel: true,
  tools: ['nlwire', 'ip', 'pyroute2'],
  metrics: (p) => [
    {
      key: 'dump',
      label: `dump ${fmt((p as W2Params).expect)} links (per dump; ip: per process)`,
      unit: 'ms',
      tools: TOOLS,
    },
    ...DUMP_PARTS,
    { key: 'rss1', label: 'peak RSS of a process doing one dump', unit: 'MB', tools: TOOLS },
  ],
  targets: [absTarget('dump', 25, 'ms'), absTarget('rss1', 80, 'MB')],
  async setup(p) {
    const q = p as W2Params;
    const pairs = (q.expect - 1) / 2;
    await ipBatch(
      q.ns,
      Array.from({ length: pairs }, (_, i) => `link add v${i} type veth peer name p${i}`),
    );
  },
  async runIp(p) {
    const q = p as W2Params;
    const t = await timeCommand(['ip', '-n', q.ns, '-j', 'link', 'show'], { repeat: q.dumps });
    const out: Record<string, number> = { dump: mean(t.ms) };
    if (t.maxRssKiB !== null) out.rss1 = t.maxRssKiB / 1024;
    return { metrics: out, peakRssKiB: t.maxRssKiB ?? undefined };
  },
};

const w3: Workload = {
  id: 'W3',
  title: (p) =>
    `${fmt((p as W3Params).prefixes.length)} IPv4 routes via a gateway on a veth; dump the main table`,
  kernel: true,
  tools: ['nlwire', 'ip', 'pyroute2'],
  metrics: (p) => {
    const q = p as W3Params;
    return [
      {
        key: 'add',
        label: `add ${fmt(q.prefixes.length)} routes (nlwire: pipelined batch)`,
        unit: 'ms',
        tools: TOOLS,
      },
      {
        key: 'addSequential',
        label: 'add them one request at a time (Routes.add, awaited)',
        unit: 'ms',
        tools: ['nlwire'],
      },
      {
        key: 'dump',
        label: `dump ${fmt(q.expect)} routes (per dump; ip: per process)`,
        unit: 'ms',
        tools: TOOLS,
      },
      ...DUMP_PARTS,
      RSS,
    ];
  },
  targets: [ratioTarget('add', 0.5), absTarget('dump', 15, 'ms')],
  async setup(p) {
    await ipBatch((p as W3Params).ns, [
      'link add r0 type veth peer name r1',
      'link set r0 up',
      'link set r1 up',
      'address add 192.168.0.1/24 dev r0',
    ]);
  },
  async runIp(p, tmp) {
    const q = p as W3Params;
    const file = await writeBatch(
      tmp,
      'w3-routes.batch',
      q.prefixes.map((d) => `route add ${d} via ${q.gateway}`),
    );
    const add = await timeBatch(q.ns, file);
    const dump = await timeCommand(['ip', '-n', q.ns, '-j', '-4', 'route', 'show'], { repeat: q.dumps });
    return { metrics: { add, dump: mean(dump.ms) }, peakRssKiB: dump.maxRssKiB ?? undefined };
  },
  async verify(p) {
    const q = p as W3Params;
    const routes = await ipJson(q.ns, ['-4', 'route', 'show']);
    if (routes.length !== q.expect) throw new Error(`W3: ${routes.length} routes, expected ${q.expect}`);
  },
};

const w4: Workload = {
  id: 'W4',
  title: (p) => `${fmt((p as W4Params).prefixes.length)} IPv4 addresses on one veth; dump them`,
  kernel: true,
  tools: ['nlwire', 'ip', 'pyroute2'],
  metrics: (p) => {
    const q = p as W4Params;
    return [
      {
        key: 'add',
        label: `add ${fmt(q.prefixes.length)} addresses (nlwire: pipelined batch)`,
        unit: 'ms',
        tools: TOOLS,
      },
      {
        key: 'addSequential',
        label: 'add them one request at a time (Addresses.add, awaited)',
        unit: 'ms',
        tools: ['nlwire'],
      },
      {
        key: 'dump',
        label: `dump ${fmt(q.expect)} addresses (per dump; ip: per process)`,
        unit: 'ms',
        tools: TOOLS,
      },
      ...DUMP_PARTS,
      RSS,
    ];
  },
  targets: [ratioTarget('add', 0.85), absTarget('dump', 8, 'ms')],
  async setup(p) {
    const q = p as W4Params;
    await ipBatch(q.ns, [`link add ${q.dev} type veth peer name ${q.dev.replace(/0$/, '1')}`]);
  },
  async runIp(p, tmp) {
    const q = p as W4Params;
    const file = await writeBatch(
      tmp,
      'w4-addresses.batch',
      q.prefixes.map((a) => `address add ${a} dev ${q.dev}`),
    );
    const add = await timeBatch(q.ns, file);
    const dump = await timeCommand(['ip', '-n', q.ns, '-j', '-4', 'address', 'show'], { repeat: q.dumps });
    return { metrics: { add, dump: mean(dump.ms) }, peakRssKiB: dump.maxRssKiB ?? undefined };
  },
  async verify(p) {
    const q = p as W4Params;
    const [link] = await ipJson<{ addr_info: unknown[] }>(q.ns, ['-4', 'address', 'show', 'dev', q.dev]);
    const n = link?.addr_info.length ?? 0;
    if (n !== q.prefixes.length)
      throw new Error(`W4: ${n} addresses on ${q.dev}, expected ${q.prefixes.length}`);
  },
};

const w5: Workload = {
  id: 'W5',
  title: (p) =>
    `a bridge, a vxlan and ${fmt((p as W5Params).ports.length)} veth ends enslaved to the bridge, all up`,
  kernel: true,
  tools: ['nlwire', 'ip', 'pyroute2'],
  metrics: (p) => [
    {
      key: 'create',
      label: `bridge + vxlan + ${fmt((p as W5Params).ports.length)} enslaved veths, up`,
      unit: 'ms',
      tools: TOOLS,
    },
    {
      key: 'createSeparate',
      label: 'the same, ip with separate add / set master / set up lines',
      unit: 'ms',
      tools: ['ip'],
    },
    { ...RSS, tools: ['nlwire', 'pyroute2'] },
  ],
  targets: [ratioTarget('create', 0.6)],
  async runIp(p, tmp) {
    const q = p as W5Params;
    // ip's shortest form: one request per device (master and up given at creation).
    const file = await writeBatch(tmp, 'w5.batch', [
      `link add ${q.bridge} up type bridge`,
      `link add ${q.vxlan} up type vxlan id ${q.vni} dstport ${q.dstport} local ${q.local}`,
      ...q.ports.map((n, i) => `link add ${n} master ${q.bridge} up type veth peer name ${q.peers[i]}`),
    ]);
    const create = await timeBatch(q.ns, file);
    // The way such scripts are often written: three requests per port. Informative only (own namespace).
    const separate = await writeBatch(tmp, 'w5-separate.batch', [
      `link add ${q.bridge} type bridge`,
      `link set ${q.bridge} up`,
      `link add ${q.vxlan} type vxlan id ${q.vni} dstport ${q.dstport} local ${q.local}`,
      `link set ${q.vxlan} up`,
      ...q.ports.flatMap((n, i) => [
        `link add ${n} type veth peer name ${q.peers[i]}`,
        `link set ${n} master ${q.bridge}`,
        `link set ${n} up`,
      ]),
    ]);
    const ns2 = await createBenchNetns('w5');
    let createSeparate: number;
    try {
      createSeparate = await timeBatch(ns2, separate);
    } finally {
      await removeBenchNetns(ns2);
    }
    return { metrics: { create, createSeparate } };
  },
  async verify(p) {
    const q = p as W5Params;
    type L = { ifname: string; flags: string[] };
    const ports = await ipJson<L>(q.ns, ['link', 'show', 'master', q.bridge]);
    const up = ports.filter((l) => l.flags.includes('UP')).length;
    if (ports.length !== q.ports.length || up !== q.ports.length)
      throw new Error(`W5: ${ports.length} ports (${up} up), expected ${q.ports.length}`);
    for (const dev of [q.bridge, q.vxlan]) {
      const [l] = await ipJson<L>(q.ns, ['link', 'show', 'dev', dev]);
      if (!l?.flags.includes('UP')) throw new Error(`W5: ${dev} is not up`);
    }
  },
};

const w6: Workload = {
  id: 'W6',
  title: () => 'decode captured dumps (bench/data), no kernel',
  kernel: false,
  tools: ['nlwire'],
  metrics: () => [
    { key: 'link', label: 'per link: decode + Link object', unit: 'us', tools: ['nlwire'] },
    {
      key: 'linkLazy',
      label: 'per link: as Links.list reads it (the rest on access)',
      unit: 'us',
      tools: ['nlwire'],
    },
    { key: 'linkSchema', label: 'per link: schema decode only', unit: 'us', tools: ['nlwire'] },
    { key: 'route', label: 'per route: decode + Route object', unit: 'us', tools: ['nlwire'] },
    { key: 'routeSchema', label: 'per route: schema decode only', unit: 'us', tools: ['nlwire'] },
    { key: 'address', label: 'per address: decode + Address object', unit: 'us', tools: ['nlwire'] },
    { key: 'addressSchema', label: 'per address: schema decode only', unit: 'us', tools: ['nlwire'] },
  ],
  targets: [absTarget('link', 8, 'us'), absTarget('route', 1, 'us'), absTarget('address', 1.5, 'us')],
};

/** Every workload, by id. */
export const WORKLOAD_DEFS: Record<WorkloadId, Workload> = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5, W6: w6 };
