/**
 * Summarises V8 CPU profiles (`node --cpu-prof`, or `npm run bench -- --cpu-prof DIR`): self time by
 * function and by file, and total (inclusive) time of the heaviest functions.
 *
 * Run: npx tsx bench/profile.ts FILE.cpuprofile... [--top N] [--source-map]
 * Several files are added together. Positions are in the bundled worker; with --source-map (the
 * default when FILE's bundle has a .map next to it) they are mapped back to src/ and bench/ files.
 */
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Self and total time of one function (ms). */
export interface FunctionTime {
  /** `name (file:line)`. */
  name: string;
  /** Time in the function itself. */
  self: number;
  /** Time in it and its callees (counted once per sample even under recursion). */
  total: number;
}

/** Self and total time per function, and self time per file, of profiles added together. */
export interface ProfileSummary {
  /** Sampled time, ms. */
  totalMs: number;
  /** By function, heaviest self time first. */
  functions: FunctionTime[];
  /** Self time by file. */
  files: { file: string; self: number }[];
}

const maps = new Map<string, SourceMap | null>();

function sourceMapFor(url: string): SourceMap | null {
  if (!maps.has(url)) {
    let m: SourceMap | null = null;
    try {
      const file = url.startsWith('file://') ? fileURLToPath(url) : url;
      const payload = JSON.parse(fs.readFileSync(`${file}.map`, 'utf8'));
      m = new SourceMap(payload);
    } catch {
      // no map
    }
    maps.set(url, m);
  }
  return maps.get(url) ?? null;
}

function where(f: CallFrame, useMaps: boolean): { file: string; line: number } {
  let file = f.url.replace(/^file:\/\//, '');
  let line = f.lineNumber + 1;
  if (useMaps && f.url) {
    const m = sourceMapFor(f.url);
    const e = m?.findEntry(f.lineNumber, f.columnNumber);
    if (e && 'originalSource' in e && e.originalSource) {
      file = path.resolve(path.dirname(file), e.originalSource);
      line = e.originalLine + 1;
    }
  }
  const rel = path.relative(process.cwd(), file);
  return { file: rel.startsWith('..') ? file : rel, line };
}

/** Adds the profiles up. */
export function summarizeProfiles(files: readonly string[], useMaps = true): ProfileSummary {
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalMs = 0;
  for (const f of files) {
    const prof = JSON.parse(fs.readFileSync(f, 'utf8')) as CpuProfile;
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const key = new Map<number, { name: string; file: string }>();
    for (const n of prof.nodes) {
      const w = where(n.callFrame, useMaps);
      const fn = n.callFrame.functionName || '(anonymous)';
      const name = n.callFrame.url ? `${fn} (${w.file}:${w.line})` : fn;
      key.set(n.id, { name, file: n.callFrame.url ? w.file : fn });
    }
    prof.samples.forEach((id, i) => {
      const dt = (prof.timeDeltas[i + 1] ?? prof.timeDeltas[i] ?? 0) / 1000;
      totalMs += dt;
      const k = key.get(id) as { name: string; file: string };
      self.set(k.name, (self.get(k.name) ?? 0) + dt);
      byFile.set(k.file, (byFile.get(k.file) ?? 0) + dt);
      const seen = new Set<string>();
      for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
        const name = (key.get(n) as { name: string }).name;
        if (seen.has(name) || !byId.has(n)) continue;
        seen.add(name);
        total.set(name, (total.get(name) ?? 0) + dt);
      }
    });
  }
  const functions = [...total.keys()]
    .map((name) => ({ name, self: self.get(name) ?? 0, total: total.get(name) ?? 0 }))
    .sort((a, b) => b.self - a.self);
  const filesOut = [...byFile.entries()]
    .map(([file, s]) => ({ file, self: s }))
    .sort((a, b) => b.self - a.self);
  return { totalMs, functions, files: filesOut };
}

/** The summary as text. */
export function formatSummary(s: ProfileSummary, top = 25): string {
  const pct = (v: number) => `${((100 * v) / s.totalMs).toFixed(1).padStart(5)}%`;
  const ms = (v: number) => `${v.toFixed(1).padStart(8)} ms`;
  const out = [`sampled ${s.totalMs.toFixed(0)} ms`, '', 'self time by function:'];
  for (const f of s.functions.slice(0, top)) out.push(`${ms(f.self)} ${pct(f.self)}  ${f.name}`);
  out.push('', 'self time by file:');
  for (const f of s.files.slice(0, 15)) out.push(`${ms(f.self)} ${pct(f.self)}  ${f.file}`);
  out.push('', 'total (inclusive) time, heaviest:');
  const byTotal = [...s.functions].sort((a, b) => b.total - a.total);
  for (const f of byTotal.slice(0, top)) out.push(`${ms(f.total)} ${pct(f.total)}  ${f.name}`);
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  const noMaps = args.includes('--no-source-map');
  const files = args.filter((a) => !a.startsWith('--'));
  if (!files.length) {
    console.error('usage: npx tsx bench/profile.ts FILE.cpuprofile... [--top N] [--no-source-map]');
    process.exit(2);
  }
  console.log(formatSummary(summarizeProfiles(files, !noMaps), top));
}
