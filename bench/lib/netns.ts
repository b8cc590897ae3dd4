/**
 * Namespaces of the benchmark, named `nlw-bench-*` and always removed (also on Ctrl-C, see
 * {@link removeAllBenchNetns}).
 *
 * Removing a namespace only unmounts it: the kernel dismantles it later, in a work queue, unregistering
 * every device under the rtnl lock. A run that started meanwhile would be timed against that. So
 * {@link removeBenchNetns} waits for the dismantling: before the namespace goes, a "canary" veth is
 * created with one end in it and the other in a long-lived anchor namespace; the kernel deletes the
 * anchor's end in the same batch that unregisters the namespace's devices, so once it is gone, so are
 * they.
 */
import { randomBytes } from 'node:crypto';
import { addNetns, deleteNetns } from '../../src/netns/manage.js';
import { ip } from './proc.js';

const live = new Set<string>();
let anchor: string | undefined;
let canaries = 0;

/** A fresh name `nlw-bench-<tag>-<8 hex digits>`. */
export function benchNetnsName(tag: string): string {
  return `nlw-bench-${tag.toLowerCase()}-${randomBytes(4).toString('hex')}`;
}

/** Creates a namespace `nlw-bench-<tag>-<random>` and returns its name. */
export async function createBenchNetns(tag: string): Promise<string> {
  const name = benchNetnsName(tag);
  live.add(name);
  await addNetns(name);
  return name;
}

async function ensureAnchor(): Promise<string> {
  if (anchor === undefined) anchor = await createBenchNetns('anchor');
  return anchor;
}

/** Whether link `name` exists in namespace `ns`. */
async function linkExists(ns: string, name: string): Promise<boolean> {
  const { stdout } = await ip(ns, ['-o', 'link', 'show']);
  return stdout.split('\n').some((l) => l.split(':')[1]?.trim().split('@')[0] === name);
}

/**
 * Removes a bench namespace and waits (up to `timeoutMs`) until the kernel has unregistered its
 * devices. Returns how long the wait took, in ms.
 */
export async function removeBenchNetns(name: string, timeoutMs = 60_000): Promise<number> {
  if (!name.startsWith('nlw-bench-')) throw new Error(`refusing to remove ${name}: not a bench namespace`);
  const a = await ensureAnchor();
  const canary = `nlwc${++canaries}`;
  let watched = false;
  try {
    await ip(a, ['link', 'add', canary, 'type', 'veth', 'peer', 'name', canary, 'netns', name]);
    watched = true;
  } catch {
    // Cannot watch (the namespace may be half made): remove it all the same.
  }
  await deleteNetns(name);
  live.delete(name);
  const t = performance.now();
  if (!watched) return 0;
  while (await linkExists(a, canary)) {
    if (performance.now() - t > timeoutMs)
      throw new Error(`${name}: devices still there after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t;
}

/** Removes every namespace this process created and has not removed yet (the anchor last), without waiting. */
export async function removeAllBenchNetns(): Promise<void> {
  for (const name of [...live].reverse()) {
    try {
      await deleteNetns(name);
    } catch {
      // already gone
    }
    live.delete(name);
  }
  anchor = undefined;
}

/** Removes the anchor namespace (at the end of a run). */
export async function removeAnchor(): Promise<void> {
  if (anchor === undefined) return;
  const a = anchor;
  anchor = undefined;
  await deleteNetns(a);
  live.delete(a);
}
