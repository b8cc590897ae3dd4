/**
 * The performance suite: `npm run bench [-- options]`. Runs each workload (bench/lib/workloads.ts)
 * with nlwire (in a worker process, through the library), iproute2 (`ip -batch`, `ip -j`, timed as
 * whole processes) and pyroute2 (when installed), alternating the tools run after run, each run in a
 * fresh namespace `nlw-bench-*` that is always removed; then prints medians, ratios, peak RSS and
 * which targets hold. See docs/performance.md.
 *
 * Options:
 *   --runs N         runs per tool and workload (default 5)
 *   --only W1,W3     workloads to run (default all)
 *   --tools a,b      tools to run (default nlwire,ip,pyroute2)
 *   --json FILE      also write the report as JSON
 *   --scale F        multiply the sizes by F (for quick checks; targets are then n/a)
 *   --cpu-prof DIR   profile each phase of nlwire's workers into DIR/<workload>-<phase>.cpuprofile
 *                    (summarise with bench/profile.ts; timings of such a run are not representative)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildWorker } from './lib/build.js';
import { createBenchNetns, removeAllBenchNetns, removeAnchor, removeBenchNetns } from './lib/netns.js';
import { paramsFor, WORKLOADS, type WorkerParams, type WorkerResult, type WorkloadId } from './lib/params.js';
import { BENCH_DIR, findPyroute2, hasTool, killChildren, run } from './lib/proc.js';
import {
  formatMachine,
  formatTable,
  formatTargets,
  machine,
  type Report,
  toolColumns,
  workloadReport,
} from './lib/report.js';
import { type Samples, TOOLS, type Tool, WORKLOAD_DEFS, type Workload } from './lib/workloads.js';

interface Options {
  runs: number;
  only: WorkloadId[];
  tools: Set<Tool>;
  json?: string;
  scale: number;
  cpuProf?: string;
}

function usage(msg: string): never {
  console.error(`bench: ${msg}`);
  console.error(
    'usage: npm run bench -- [--runs N] [--only W1,W2] [--tools nlwire,ip,pyroute2] [--json FILE]',
  );
  console.error('                       [--scale F] [--cpu-prof DIR]');
  process.exit(2);
}

function parseOptions(argv: string[]): Options {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        runs: { type: 'string' },
        only: { type: 'string' },
        tools: { type: 'string' },
        json: { type: 'string' },
        scale: { type: 'string' },
        'cpu-prof': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (e) {
    usage((e as Error).message);
  }
  const runs = Number(values.runs ?? 5);
  if (!Number.isInteger(runs) || runs < 1) usage(`--runs ${values.runs}: expected a positive integer`);
  const scale = Number(values.scale ?? 1);
  if (!(scale > 0 && scale <= 1)) usage(`--scale ${values.scale}: expected a number in (0, 1]`);
  const only = (values.only?.split(',') ?? [...WORKLOADS]).map((w) => w.trim().toUpperCase());
  for (const w of only) if (!(WORKLOADS as readonly string[]).includes(w)) usage(`--only: no workload ${w}`);
  const tools = new Set((values.tools?.split(',') ?? [...TOOLS]).map((t) => t.trim()) as Tool[]);
  for (const t of tools) if (!TOOLS.includes(t)) usage(`--tools: no tool ${t}`);
  return {
    runs,
    only: WORKLOADS.filter((w) => only.includes(w)),
    tools,
    json: values.json,
    scale,
    cpuProf: values['cpu-prof'],
  };
}

/** How the tools are reached. */
interface Env {
  worker: string;
  python?: string;
  cpuProf?: string;
  tmp: string;
}

async function runNlwire(env: Env, p: WorkerParams, profile = true): Promise<WorkerResult> {
  // With --cpu-prof, each phase of the worker is profiled into its own file (the last run's wins).
  const input = JSON.stringify(env.cpuProf && profile ? { ...p, profileDir: env.cpuProf } : p);
  const { stdout } = await run(process.execPath, [env.worker], { input });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as WorkerResult;
}

async function runPyroute2(env: Env, p: WorkerParams, _profile = false): Promise<WorkerResult> {
  if (!('ns' in p)) throw new Error(`${p.workload} is not a pyroute2 workload`);
  const script = path.join(BENCH_DIR, 'pyroute2_worker.py');
  const { stdout } = await run('ip', ['netns', 'exec', p.ns, env.python as string, script], {
    input: JSON.stringify(p),
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as WorkerResult;
}

/** Runs one tool on one workload; returns its metrics (peak RSS as `rss`, in MB). */
async function runTool(env: Env, w: Workload, tool: Tool, p: WorkerParams): Promise<Record<string, number>> {
  if (tool === 'ip') {
    if (!w.runIp) throw new Error(`${w.id} has no ip variant`);
    const r = await w.runIp(p, env.tmp);
    return r.peakRssKiB === undefined ? r.metrics : { ...r.metrics, rss: r.peakRssKiB / 1024 };
  }
  const go = tool === 'nlwire' ? runNlwire : runPyroute2;
  const r = await go(env, p);
  const out: Record<string, number> = { ...r.metrics, rss: r.peakRssKiB / 1024 };
  // W2 also wants the peak RSS of a process that does a single dump.
  if (p.workload === 'W2') out.rss1 = (await go(env, { ...p, dumps: 1 }, false)).peakRssKiB / 1024;
  return out;
}

function progress(
  w: Workload,
  p: WorkerParams,
  run: number,
  runs: number,
  tool: Tool,
  m: Record<string, number>,
): void {
  const shown = w
    .metrics(p)
    .map((d) => d.key)
    .filter((k) => m[k] !== undefined)
    .map((k) => `${k} ${m[k] < 10 ? m[k].toFixed(2) : m[k].toFixed(0)}`)
    .join(', ');
  process.stderr.write(`  ${w.id} run ${run + 1}/${runs} ${tool.padEnd(8)} ${shown}\n`);
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  if (process.getuid?.() !== 0) {
    console.error('bench: needs root (network namespaces need CAP_SYS_ADMIN)');
    return 2;
  }
  if (!hasTool('ip')) {
    console.error('bench: needs iproute2 (`ip`) in PATH');
    return 2;
  }
  if (!hasTool('python3')) {
    console.error('bench: needs python3 (bench/tools/timeexec.py times the ip runs)');
    return 2;
  }
  const py = o.tools.has('pyroute2') ? await findPyroute2() : { missing: 'not selected (--tools)' };
  if (py.missing) {
    if (o.tools.has('pyroute2')) console.error(`bench: skipping the pyroute2 column: ${py.missing}`);
    o.tools.delete('pyroute2');
  }
  const tools = toolColumns(o.tools);
  const env: Env = {
    worker: await buildWorker(),
    python: py.python,
    cpuProf: o.cpuProf && path.resolve(o.cpuProf),
    tmp: fs.mkdtempSync(path.join(os.tmpdir(), 'nlw-bench-')),
  };
  if (env.cpuProf) fs.mkdirSync(env.cpuProf, { recursive: true });
  const dataDir = path.join(BENCH_DIR, 'data');
  const m = machine(py.version ?? py.missing ?? '?');
  console.error(formatMachine(m, o.runs, o.scale));
  const report: Report = {
    date: new Date().toISOString(),
    machine: m,
    runs: o.runs,
    scale: o.scale,
    tools,
    workloads: [],
    errors: [],
  };
  try {
    for (const id of o.only) {
      const w = WORKLOAD_DEFS[id];
      const wtools = tools.filter((t) => w.tools.includes(t));
      const samples: Samples = {};
      const example = paramsFor(id, 'nlw-bench-x', o.scale, dataDir);
      process.stderr.write(`${id}: ${w.title(example)}\n`);
      for (let r = 0; r < o.runs; r++) {
        // ABAB...: each run starts with the next tool.
        const order = wtools.map((_, i) => wtools[(i + r) % wtools.length]);
        for (const tool of order) {
          const ns = w.kernel ? await createBenchNetns(id) : undefined;
          try {
            const p = paramsFor(id, ns ?? '', o.scale, dataDir);
            await w.setup?.(p);
            const metrics = await runTool(env, w, tool, p);
            await w.verify?.(p);
            for (const [k, v] of Object.entries(metrics)) {
              const byTool = (samples[k] ??= {});
              (byTool[tool] ??= []).push(v);
            }
            progress(w, p, r, o.runs, tool, metrics);
          } catch (e) {
            const msg = `${id} run ${r + 1} ${tool}: ${(e as Error).message}`;
            report.errors.push(msg);
            process.stderr.write(`  ${msg}\n`);
          } finally {
            if (ns) await removeBenchNetns(ns);
          }
        }
      }
      report.workloads.push(workloadReport(w, example, samples, o.scale));
    }
  } finally {
    await removeAnchor();
    fs.rmSync(env.tmp, { recursive: true, force: true });
  }
  m.loadEnd = os.loadavg();
  console.log(formatMachine(m, o.runs, o.scale));
  console.log(formatTable(report));
  console.log('');
  console.log('Targets:');
  console.log(formatTargets(report));
  if (report.errors.length) {
    console.log('');
    console.log(`Errors (${report.errors.length}):`);
    for (const e of report.errors) console.log(`  ${e}`);
  }
  if (o.json) {
    fs.writeFileSync(o.json, `${JSON.stringify(report, null, 2)}\n`);
    console.error(`bench: wrote ${o.json}`);
  }
  return report.errors.length ? 1 : 0;
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\nbench: ${sig}: stopping, removing the bench namespaces\n`);
    killChildren();
    removeAllBenchNetns().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (e: unknown) => {
    console.error(e);
    killChildren();
    await removeAllBenchNetns();
    process.exit(1);
  },
);
