/**
 * Test helpers for anything that talks to the kernel: throw-away network namespaces named
 * `nlw-<prefix>-<random>` that are always removed, `ip -j` as JSON, and root/tool checks that skip
 * locally but fail when `CI=true`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, TestRunner } from 'vitest';
import { NetnsError } from '../../src/netns/errors.js';
import { addNetns, deleteNetns } from '../../src/netns/manage.js';

const execFileP = promisify(execFile);

/** Whether missing prerequisites must fail the run instead of skipping (`CI=true`). */
export const isCI = (): boolean => process.env.CI === 'true';

/** Why kernel tests cannot run here (not root), or undefined when they can. */
export function rootMissing(): string | undefined {
  const uid = process.getuid?.();
  return uid === 0 ? undefined : `needs root (running as uid ${String(uid)}): namespaces need CAP_SYS_ADMIN`;
}

/** Why `tool` cannot be used (not found as an executable in PATH), or undefined when it can. */
export function toolMissing(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (dir === '') continue;
    try {
      fs.accessSync(path.join(dir, tool), fs.constants.X_OK);
      return undefined;
    } catch {
      // not in this directory
    }
  }
  return `needs the "${tool}" tool in PATH`;
}

/** Something with vitest's `skip(note)`: the test context. */
export interface SkipContext {
  /** Skips the rest of the test. */
  skip(note?: string): never;
}

function skipOrFail(reason: string, ctx?: SkipContext): void {
  if (isCI()) throw new Error(`${reason} (CI=true: failing instead of skipping)`);
  const c = ctx ?? TestRunner.getCurrentTest()?.context;
  if (c === undefined) {
    throw new Error(
      `${reason} (call requireRoot/requireTool inside a test or beforeEach, or use kernelSkipReason)`,
    );
  }
  c.skip(reason);
}

/**
 * Skips the current test (from inside a test or `beforeEach`) with a clear message when not root;
 * fails instead when `CI=true`.
 */
export function requireRoot(ctx?: SkipContext): void {
  const reason = rootMissing();
  if (reason !== undefined) skipOrFail(reason, ctx);
}

/**
 * Skips the current test when `tool` (e.g. `'ip'`) is not in PATH; fails instead when `CI=true`.
 */
export function requireTool(tool: string, ctx?: SkipContext): void {
  const reason = toolMissing(tool);
  if (reason !== undefined) skipOrFail(reason, ctx);
}

/**
 * For `describe.skipIf(...)` at collection time: the reason kernel tests cannot run (not root, or a
 * missing tool), or undefined. Throws instead of returning a reason when `CI=true`.
 */
export function kernelSkipReason(...tools: string[]): string | undefined {
  const reason = [rootMissing(), ...tools.map(toolMissing)].filter((r) => r !== undefined).join('; ');
  if (reason === '') return undefined;
  if (isCI()) throw new Error(`${reason} (CI=true: failing instead of skipping)`);
  console.warn(`skipping kernel tests: ${reason}`);
  return reason;
}

/** A fresh name `nlw-<prefix>-<8 hex digits>`; `prefix` is letters, digits and dashes. */
export function testNetnsName(prefix: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(prefix))
    throw new Error(`bad test namespace prefix ${JSON.stringify(prefix)}`);
  return `nlw-${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * Removes a test namespace, whoever created it: nlwire's `deleteNetns`, then `ip netns delete` if that
 * failed. A namespace that is already gone is fine.
 */
export async function removeTestNetns(name: string): Promise<void> {
  if (!name.startsWith('nlw-'))
    throw new Error(`refusing to remove ${JSON.stringify(name)}: not a test namespace`);
  try {
    await deleteNetns(name);
    return;
  } catch (err) {
    if (err instanceof NetnsError && err.code === 'ENOENT') return;
    try {
      await execFileP('ip', ['netns', 'delete', name]);
    } catch (err2) {
      throw new Error(`could not remove test namespace ${name}: ${String(err)}; ip: ${String(err2)}`);
    }
  }
}

/** Creates a test namespace `nlw-<prefix>-<random>` with `addNetns`, returns its name. */
export async function createTestNetns(prefix: string): Promise<string> {
  const name = testNetnsName(prefix);
  await addNetns(name);
  return name;
}

/**
 * Runs `fn` with a fresh namespace `nlw-<prefix>-<random>` and removes it afterwards, also when `fn`
 * throws.
 */
export async function withTestNetns<T>(prefix: string, fn: (name: string) => T | Promise<T>): Promise<T> {
  const name = await createTestNetns(prefix);
  try {
    return await fn(name);
  } finally {
    await removeTestNetns(name);
  }
}

/** The per-test namespaces of {@link useTestNetns}. */
export interface TestNetns {
  /** This test's namespace (created in `beforeEach`). */
  readonly name: string;
  /** Creates one more namespace for this test; removed after the test like the first. */
  create(prefix?: string): Promise<string>;
  /** Makes sure a namespace made by other means (e.g. `ip netns add`) is removed after the test. */
  track(name: string): string;
}

/**
 * Registers `beforeEach`/`afterEach` hooks (call it inside `describe`): each test gets a fresh
 * namespace `nlw-<prefix>-<random>` (skipped when not root, failing when `CI=true`), and every namespace
 * it created or tracked is removed after it, pass or fail.
 */
export function useTestNetns(prefix: string): TestNetns {
  let current: string | undefined;
  const owned: string[] = [];
  beforeEach(async () => {
    requireRoot();
    current = testNetnsName(prefix);
    owned.push(current);
    await addNetns(current);
  });
  afterEach(async () => {
    const names = owned.splice(0);
    current = undefined;
    const errors: string[] = [];
    for (const n of names.reverse()) {
      try {
        await removeTestNetns(n);
      } catch (err) {
        errors.push(String(err));
      }
    }
    if (errors.length > 0) throw new Error(errors.join('\n'));
  });
  return {
    get name(): string {
      if (current === undefined) throw new Error('useTestNetns: no namespace outside a test');
      return current;
    },
    async create(p = prefix): Promise<string> {
      const name = testNetnsName(p);
      owned.push(name);
      await addNetns(name);
      return name;
    },
    track(name: string): string {
      if (!owned.includes(name)) owned.push(name);
      return name;
    },
  };
}

/** Runs `ip [-n ns] ...args` and returns its standard output; rejects on a non-zero exit. */
export async function runIp(ns: string | undefined, args: readonly string[]): Promise<string> {
  const argv = ns === undefined ? [...args] : ['-n', ns, ...args];
  const { stdout } = await execFileP('ip', argv, { maxBuffer: 64 << 20 });
  return stdout;
}

/** Runs `ip [-n ns] -j ...args` and parses its JSON (`[]` when ip prints nothing). */
export async function ipJson<T = unknown>(ns: string | undefined, args: readonly string[]): Promise<T> {
  const out = await runIp(ns, ['-j', ...args]);
  return (out.trim() === '' ? [] : JSON.parse(out)) as T;
}
