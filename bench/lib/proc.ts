/**
 * Child processes of the benchmark: every one is tracked so Ctrl-C can end them (by pid), commands
 * are timed from outside with bench/tools/timeexec.py, and the Python that has pyroute2 is found.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ */
export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const children = new Set<ChildProcess>();

/** Ends every child still running (SIGTERM, by pid). */
export function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGTERM');
}

/** What a finished command printed. */
export interface RunResult {
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Options of {@link run}. */
export interface RunOptions {
  /** Written to the child's stdin. */
  input?: string;
  /** Extra environment. */
  env?: Record<string, string>;
}

/** Runs a command to completion; rejects with its stderr when it exits non-zero. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
    });
    children.add(c);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    c.stdout?.on('data', (d: Buffer) => out.push(d));
    c.stderr?.on('data', (d: Buffer) => err.push(d));
    c.on('error', (e) => {
      children.delete(c);
      reject(e);
    });
    c.on('close', (code, signal) => {
      children.delete(c);
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(
          new Error(
            `${cmd} ${args.join(' ').slice(0, 200)}: ${signal ? `killed by ${signal}` : `exit ${code}`}\n${stderr.trim()}`,
          ),
        );
    });
    c.stdin?.on('error', () => undefined);
    c.stdin?.end(opts.input ?? '');
  });
}

/** Runs `ip [-n ns] args...`. */
export function ip(ns: string | undefined, args: readonly string[]): Promise<RunResult> {
  return run('ip', ns === undefined ? args : ['-n', ns, ...args]);
}

/** Runs `ip -n ns -batch -` with these lines (untimed: for setting a namespace up). */
export async function ipBatch(ns: string, lines: readonly string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const c = spawn('ip', ['-n', ns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    children.add(c);
    const err: Buffer[] = [];
    c.stderr.on('data', (d: Buffer) => err.push(d));
    c.on('error', reject);
    c.on('close', (code) => {
      children.delete(c);
      if (code === 0) resolve();
      else reject(new Error(`ip -n ${ns} -batch: exit ${code}\n${Buffer.concat(err).toString().trim()}`));
    });
    c.stdin.end(`${lines.join('\n')}\n`);
  });
}

/** Wall times of each run of a command, and its peak RSS. */
export interface Timing {
  /** Milliseconds per run. */
  ms: number[];
  /** Peak RSS in KiB (from one more run under GNU time), when measurable. */
  maxRssKiB: number | null;
}

/** Where bench/tools/timeexec.py is. */
const TIMEEXEC = path.join(BENCH_DIR, 'tools', 'timeexec.py');

/**
 * Times `argv` run `repeat` times, from outside (fork to reaped), with its peak RSS. The command must
 * give the same result every time (`repeat` > 1 only for read-only commands such as dumps); the RSS is
 * taken from one more run, so it must also be repeatable: pass `rss: false` for commands that change
 * state.
 */
export async function timeCommand(
  argv: readonly string[],
  opts: { repeat?: number; rss?: boolean; python?: string } = {},
): Promise<Timing> {
  const python = opts.python ?? 'python3';
  const env = opts.rss === false ? { NLW_BENCH_NO_RSS: '1' } : undefined;
  const { stdout } = await run(python, [TIMEEXEC, String(opts.repeat ?? 1), ...argv], { env });
  const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Timing & { error?: string };
  if (r.error) throw new Error(r.error);
  return { ms: r.ms, maxRssKiB: r.maxRssKiB ?? null };
}

/** A Python interpreter that can import pyroute2, and pyroute2's version; or why there is none. */
export interface PyrouteInfo {
  /** The interpreter's path. */
  python?: string;
  /** pyroute2's version (from the package metadata). */
  version?: string;
  /** Why pyroute2 cannot be used. */
  missing?: string;
}

/**
 * Finds a python3 that imports pyroute2: $NLW_BENCH_PYTHON if set, else the one in PATH, then
 * Debian's /usr/bin/python3 (a python3 from pyenv or a venv in PATH may lack the system packages).
 */
export async function findPyroute2(): Promise<PyrouteInfo> {
  const forced = process.env.NLW_BENCH_PYTHON;
  const candidates = forced ? [forced] : ['python3', '/usr/bin/python3'];
  const probe =
    'import importlib.metadata as m, pyroute2\n' +
    'try:\n print(m.version("pyroute2"))\nexcept Exception:\n print(getattr(pyroute2, "__version__", "?"))';
  for (const py of candidates) {
    try {
      const { stdout } = await run(py, ['-c', probe]);
      return { python: py, version: stdout.trim() };
    } catch {
      // not this one
    }
  }
  return {
    missing:
      'pyroute2 is not installed (no python3 can import it): install it with ' +
      '`apt-get install -y python3-pyroute2` (Debian/Ubuntu) or `pip install pyroute2`',
  };
}

/** Whether an executable is in PATH. */
export function hasTool(tool: string): boolean {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, tool), fs.constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}
