/**
 * Helpers the examples share: throw-away namespace names, cleanup that runs on Ctrl-C too, and ping.
 */
import { randomBytes } from 'node:crypto';
import { deleteNetns, execInNetns, listNetns } from '../src/index.js';

/** A unique namespace name for an example: nlw-ex-<what>-<random>. */
export const nsName = (what: string): string => `nlw-ex-${what}-${randomBytes(2).toString('hex')}`;

/**
 * Runs `fn` with a cleanup list; everything registered is undone in reverse order when `fn` ends,
 * throws, or the process gets SIGINT/SIGTERM.
 */
export async function scenario(
  fn: (cleanup: (name: string, undo: () => Promise<void>) => void) => Promise<void>,
): Promise<void> {
  const undo: [string, () => Promise<void>][] = [];
  let cleaning: Promise<void> | undefined;
  // One cleanup, however many times it is asked for (a signal and the failing flow both ask).
  const cleanupAll = (): Promise<void> =>
    (cleaning ??= (async () => {
      for (const [name, u] of undo.reverse()) {
        try {
          await u();
        } catch (e) {
          console.error(`cleanup of ${name} failed: ${(e as Error).message}`);
        }
      }
    })());
  const onSignal = (sig: NodeJS.Signals) => {
    console.error(`\n${sig}: cleaning up`);
    void cleanupAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await fn((name, u) => undo.push([name, u]));
  } finally {
    await cleanupAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Registers a namespace for deletion. */
export function netnsCleanup(cleanup: (name: string, undo: () => Promise<void>) => void, name: string): void {
  cleanup(`netns ${name}`, async () => {
    if ((await listNetns()).some((n) => n.name === name)) await deleteNetns(name);
  });
}

/** Pings `to` once from inside namespace `from`; throws with ping's output when it gets no reply. */
export async function ping(from: string, to: string): Promise<void> {
  const r = await execInNetns(from, ['ping', '-c', '1', '-W', '2', to]).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new Error('ping is not installed: apt-get install iputils-ping');
    throw e;
  });
  if (r.code !== 0) throw new Error(`ping ${to} from ${from} failed:\n${r.stdout}${r.stderr}`);
  const rtt = /time=([\d.]+) ms/.exec(r.stdout)?.[1];
  console.log(`  ping ${from} -> ${to}: ok${rtt ? ` (${rtt} ms)` : ''}`);
}

/**
 * Tries `create`; when the kernel answers that it lacks the link kind (EOPNOTSUPP, "Unknown device
 * type"), prints why the example skips and returns false.
 */
export async function kindAvailable(kind: string, create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (e) {
    const err = e as { code?: string; extAckMessage?: string; message: string };
    if (err.code === 'EOPNOTSUPP') {
      console.log(
        `skipped: this kernel lacks the ${kind} link kind (${err.code}: ${err.extAckMessage ?? err.message})`,
      );
      return false;
    }
    throw e;
  }
}
