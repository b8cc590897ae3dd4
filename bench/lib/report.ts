/**
 * The results: medians, minima and maxima per metric and tool, the ratio nlwire/ip, the targets, the
 * machine they came from; as a text table and as JSON.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { WorkerParams } from './params.js';
import { type MetricDef, ratioToIp, type Samples, TOOLS, type Tool, type Workload } from './workloads.js';

/** Median, minimum and maximum of a sample. */
export interface Summary {
  /** Median. */
  median: number;
  /** Smallest. */
  min: number;
  /** Largest. */
  max: number;
  /** Every run's value, in run order. */
  samples: number[];
}

/** Summarises a sample (undefined when empty). */
export function summarize(xs: readonly number[] | undefined): Summary | undefined {
  if (!xs?.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return {
    median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2,
    min: s[0],
    max: s[s.length - 1],
    samples: [...xs],
  };
}

/** The machine a table came from. */
export interface Machine {
  /** Logical CPUs. */
  nproc: number;
  /** CPU model (model name in /proc/cpuinfo). */
  cpu: string;
  /** Kernel release. */
  kernel: string;
  /** Node version. */
  node: string;
  /** `ip -V`. */
  iproute2: string;
  /** pyroute2's version, or why it was left out. */
  pyroute2: string;
  /** Load averages (1, 5, 15 min) when the run started: other work on the machine skews results. */
  loadStart: number[];
  /** Load averages when the run ended. */
  loadEnd?: number[];
}

/** Describes this machine. */
export function machine(pyroute2: string): Machine {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  let iproute2 = '?';
  try {
    iproute2 = execFileSync('ip', ['-V']).toString().trim();
  } catch {
    // no ip
  }
  return {
    nproc: os.availableParallelism(),
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? '?',
    kernel: os.release(),
    node: process.version,
    iproute2,
    pyroute2,
    loadStart: os.loadavg(),
  };
}

/** One row of the report. */
export interface Row {
  /** Metric key. */
  metric: string;
  /** What it measures. */
  label: string;
  /** Unit. */
  unit: MetricDef['unit'];
  /** Per tool. */
  tools: Partial<Record<Tool, Summary>>;
  /** nlwire's median over ip's. */
  ratioToIp?: number;
}

/** One target's outcome. */
export interface TargetResult {
  /** The target, e.g. '<= 0.50x ip'. */
  text: string;
  /** The row it is about. */
  metric: string;
  /** The measured value. */
  value?: number;
  /** The value as shown. */
  shown: string;
  /** PASS, MISS, or n/a when it could not be computed (a tool missing, or not at scale 1). */
  result: 'PASS' | 'MISS' | 'n/a';
}

/** One workload's results. */
export interface WorkloadReport {
  /** W1..W6. */
  id: string;
  /** What it does. */
  title: string;
  /** Rows. */
  rows: Row[];
  /** Targets. */
  targets: TargetResult[];
}

/** The whole report (what --json writes). */
export interface Report {
  /** When it ran (ISO 8601). */
  date: string;
  /** Where it ran. */
  machine: Machine;
  /** Runs per tool and workload. */
  runs: number;
  /** Size factor (1 = the task's sizes; targets only apply at 1). */
  scale: number;
  /** Tools that ran. */
  tools: Tool[];
  /** Per workload. */
  workloads: WorkloadReport[];
  /** Runs that failed. */
  errors: string[];
}

/** Builds a workload's report from its samples. */
export function workloadReport(
  w: Workload,
  p: WorkerParams,
  samples: Samples,
  scale: number,
): WorkloadReport {
  const rows: Row[] = w.metrics(p).map((m) => {
    const tools: Partial<Record<Tool, Summary>> = {};
    for (const t of m.tools) {
      const s = summarize(samples[m.key]?.[t]);
      if (s) tools[t] = s;
    }
    const ratio = m.unit === 'MB' ? undefined : ratioToIp(samples, m.key);
    return { metric: m.key, label: m.label, unit: m.unit, tools, ratioToIp: ratio };
  });
  const targets: TargetResult[] = w.targets.map((t) => {
    const value = t.value(samples);
    if (value === undefined || scale !== 1)
      return {
        text: t.text,
        metric: t.metric,
        value,
        shown: value === undefined ? '-' : t.show(value),
        result: 'n/a',
      };
    return {
      text: t.text,
      metric: t.metric,
      value,
      shown: t.show(value),
      result: t.holds(value) ? 'PASS' : 'MISS',
    };
  });
  return { id: w.id, title: w.title(p), rows, targets };
}

/** A number with about three significant digits. */
export function num(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

function cell(s: Summary | undefined): string {
  if (!s) return '-';
  return s.samples.length > 1 ? `${num(s.median)} [${num(s.min)}-${num(s.max)}]` : num(s.median);
}

/** The report as a text table, with the targets under each workload. */
export function formatTable(r: Report): string {
  const head = ['', 'metric', 'unit', ...r.tools.map((t) => `${t} median [min-max]`), 'nlwire/ip', 'target'];
  const lines: string[][] = [head];
  const seps: number[] = [];
  for (const w of r.workloads) {
    seps.push(lines.length);
    lines.push([w.id, w.title, '', ...r.tools.map(() => ''), '', '']);
    for (const row of w.rows) {
      const targets = w.targets.filter((t) => t.metric === row.metric);
      const target = targets.map((t) => `${t.result} ${t.text} (${t.shown})`).join('; ');
      lines.push([
        '',
        row.label,
        row.unit,
        ...r.tools.map((t) => cell(row.tools[t])),
        row.ratioToIp === undefined ? '' : `${row.ratioToIp.toFixed(2)}x`,
        target,
      ]);
    }
  }
  // The title lines span the table; they do not widen the columns.
  const widths = head.map((_, i) =>
    Math.max(...lines.filter((_, j) => !seps.includes(j)).map((l) => l[i].length)),
  );
  const out: string[] = [];
  lines.forEach((l, j) => {
    if (seps.includes(j)) {
      out.push('');
      out.push(`${l[0]}  ${l[1]}`);
      return;
    }
    out.push(
      l
        .map((c, i) => (i >= 3 && i < 3 + r.tools.length + 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    );
  });
  return out.join('\n');
}

/** The targets, one per line: PASS/MISS, workload, target, value. */
export function formatTargets(r: Report): string {
  const out: string[] = [];
  for (const w of r.workloads)
    for (const t of w.targets) {
      const row = w.rows.find((x) => x.metric === t.metric);
      out.push(`${t.result.padEnd(4)}  ${w.id}  ${row?.label ?? t.metric}: ${t.text} (measured ${t.shown})`);
    }
  return out.join('\n');
}

/** The header line naming the machine. */
export function formatMachine(m: Machine, runs: number, scale: number): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  return (
    `${m.nproc} CPUs (${m.cpu}), Linux ${m.kernel}, Node ${m.node}, ${m.iproute2}, pyroute2 ${m.pyroute2}\n` +
    `${runs} run${runs === 1 ? '' : 's'} per tool${scale === 1 ? '' : `, scale ${scale} (targets n/a)`}; ` +
    `load average ${load(m.loadStart)} at the start${m.loadEnd ? `, ${load(m.loadEnd)} at the end` : ''}`
  );
}

/** Which tools are in the report, in column order. */
export function toolColumns(enabled: ReadonlySet<Tool>): Tool[] {
  return TOOLS.filter((t) => enabled.has(t));
}
