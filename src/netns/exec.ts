/**
 * Running a program inside a network namespace, like `ip netns exec` or `nsenter --net`.
 *
 * libuv forks the child from the thread that calls `child_process.spawn`, and a forked child inherits
 * that thread's namespaces; so spawning inside {@link runInNetns} starts the child in the target
 * namespace while the parent's thread goes straight back.
 *
 * Unlike `ip netns exec`, /sys is NOT remounted and `/etc/netns/NAME/*` is not bind-mounted over /etc:
 * both need a private mount namespace for the child. unshare(CLONE_NEWNS) would have to run in the child
 * between fork and exec, which Node cannot do; doing it on a thread of this process would give that
 * thread its own cwd/root (fs_struct) and a setns back would reset its cwd to `/`. So /sys (e.g.
 * /sys/class/net) in the child reflects the caller's namespace; use netlink (`ip link`), or run
 * `['ip', 'netns', 'exec', NAME, ...argv]` when the remount matters.
 */
import { spawn } from 'node:child_process';
import { runInNetns } from './enter.js';
import type { NetnsRef } from './ref.js';

/** Options of {@link execInNetns}. */
export interface ExecInNetnsOptions {
  /**
   * `'pipe'` (default): capture stdout and stderr into the result and feed `input` (or nothing) to stdin;
   * `'inherit'`: share this process's stdin, stdout and stderr (the result's strings are then empty).
   */
  stdio?: 'pipe' | 'inherit';
  /** Data written to the child's stdin in `'pipe'` mode; stdin is closed after it. */
  input?: string | Uint8Array;
  /** Working directory of the child. */
  cwd?: string;
  /** Environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Kill the child with `killSignal` after this many milliseconds. */
  timeout?: number;
  /** Signal for `timeout` and `signal` (default `SIGTERM`). */
  killSignal?: NodeJS.Signals | number;
  /** Aborting it kills the child and rejects with an AbortError. */
  signal?: AbortSignal;
}

/** How the child ended and what it wrote. */
export interface ExecResult {
  /** Exit status, or null when killed by a signal. */
  code: number | null;
  /** The signal that killed it, or null. */
  signal: NodeJS.Signals | null;
  /** Its standard output (UTF-8), empty with `stdio: 'inherit'`. */
  stdout: string;
  /** Its standard error (UTF-8), empty with `stdio: 'inherit'`. */
  stderr: string;
}

function checkArgv(argv: readonly string[]): void {
  if (!Array.isArray(argv) || argv.length === 0) {
    throw new TypeError('execInNetns: argv must be a non-empty array of strings (program first)');
  }
  for (const a of argv) {
    if (typeof a !== 'string') throw new TypeError('execInNetns: every argv element must be a string');
    if (a.includes('\0')) throw new TypeError('execInNetns: argv elements must not contain NUL');
  }
  if (argv[0] === '') throw new TypeError('execInNetns: argv[0] (the program) must not be empty');
}

/**
 * Runs `argv[0]` with arguments `argv.slice(1)` (no shell) inside the network namespace `ref`, like
 * `ip netns exec NAME ...`, and resolves when it has exited and its output is closed. A non-zero exit
 * status is reported in `code`, not as a rejection. /sys is not remounted (see the module notes).
 *
 * @throws {NetnsError} (as a rejection) for an invalid or missing namespace; the spawn error (e.g.
 * `ENOENT` for a missing program) when the program cannot be started.
 */
export async function execInNetns(
  ref: NetnsRef,
  argv: readonly string[],
  opts: ExecInNetnsOptions = {},
): Promise<ExecResult> {
  checkArgv(argv);
  const inherit = opts.stdio === 'inherit';
  const child = runInNetns(ref, () =>
    spawn(argv[0], argv.slice(1), {
      stdio: inherit ? 'inherit' : 'pipe',
      cwd: opts.cwd,
      env: opts.env,
      timeout: opts.timeout,
      killSignal: opts.killSignal,
      signal: opts.signal,
      windowsHide: true,
    }),
  );
  return new Promise<ExecResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let settled = false;
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    if (child.stdin !== null) {
      child.stdin.on('error', () => undefined); // EPIPE when the child does not read its input
      child.stdin.end(opts.input);
    }
    child.once('error', (e) => {
      if (settled) return;
      settled = true;
      reject(e);
    });
    child.once('close', (code, signal) => {
      if (settled) return;
      settled = true;
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}
