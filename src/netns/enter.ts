/**
 * Running synchronous code with the calling thread inside another network namespace.
 *
 * setns(2) and unshare(2) with CLONE_NEWNET change only the calling thread (its nsproxy), not the whole
 * process: libuv's pool threads and other workers stay where they were. Whatever the thread creates while
 * inside (sockets, opened /proc/sys/net files, forked children) keeps that namespace afterwards.
 */
import fs from 'node:fs';
import { sysSetns } from '../netlink/libc.js';
import { CLONE_NEWNET } from './consts.js';
import { NetnsError, syscallError } from './errors.js';
import { describeNetnsRef, type NetnsRef, openNetns } from './ref.js';

/** The calling thread's network namespace file. */
export const THREAD_NETNS_PATH = '/proc/thread-self/ns/net';

/**
 * Inode of the calling thread's network namespace (`stat -L /proc/thread-self/ns/net`). Synchronous on
 * purpose: an asynchronous stat would run on a libuv pool thread and report that thread's namespace.
 */
export function currentNetnsInode(): bigint {
  return fs.statSync(THREAD_NETNS_PATH, { bigint: true }).ino;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (
    (typeof x === 'object' || typeof x === 'function') &&
    x !== null &&
    typeof (x as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` and then puts the calling thread back into the network namespace it was in before, whatever
 * `fn` did with setns/unshare and whether it returned or threw. Both the saved descriptor and the
 * restore use only this thread. If the thread cannot be put back (which needs the kernel to refuse a
 * setns into a namespace we hold open), a {@link NetnsError} says so loudly.
 *
 * @internal Building block of {@link runInNetns} and of `addNetns`; not re-exported.
 */
export function withThreadNetnsRestored<T>(fn: () => T): T {
  let saved: number;
  try {
    saved = fs.openSync(THREAD_NETNS_PATH, fs.constants.O_RDONLY);
  } catch (err) {
    throw new NetnsError({
      code: 'EIO',
      message: `cannot open the current thread's network namespace (${THREAD_NETNS_PATH}): ${String(err)}`,
      path: THREAD_NETNS_PATH,
      cause: err,
    });
  }
  const home = fs.fstatSync(saved, { bigint: true }).ino;
  try {
    return fn();
  } finally {
    // Only a thread that moved goes back (an unprivileged caller's failed setns never moved it).
    const r = currentNetnsInode() === home ? { value: 0, errno: 0 } : sysSetns(saved, CLONE_NEWNET);
    fs.closeSync(saved);
    if (r.value < 0) {
      // biome-ignore lint/correctness/noUnsafeFinally: the thread being stranded must win over fn's error
      throw syscallError({
        what: 'cannot return the thread to its original network namespace; it is still in the other one',
        step: 'setns',
        errno: r.errno,
        syscall: 'setns',
      });
    }
  }
}

/**
 * Runs `fn` synchronously with the calling thread inside the network namespace `ref`, then always puts
 * the thread back (also when `fn` throws) and closes every descriptor it opened (a `{ fd }` reference is
 * borrowed and stays open).
 *
 * Use it to create things that remember their namespace: netlink or other sockets, `/proc/sys/net` file
 * descriptors, child processes (`child_process.spawn` forks from the calling thread). `fn` must be
 * synchronous: if it returns a Promise (or any thenable) a `TypeError` is thrown after the thread is back,
 * since anything awaited would run in the original namespace.
 *
 * @throws {NetnsError} `EINVAL`/`ENOENT`/`ESRCH` for a bad or missing namespace, `EPERM` when setns is not
 * allowed (root or CAP_SYS_ADMIN is needed); errors thrown by `fn` propagate unchanged.
 */
export function runInNetns<T>(ref: NetnsRef, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('runInNetns: fn must be a function');
  const target = openNetns(ref);
  let result: T;
  try {
    result = withThreadNetnsRestored(() => {
      const r = sysSetns(target.fd, CLONE_NEWNET);
      if (r.value < 0) {
        const netns = describeNetnsRef(ref);
        throw syscallError({
          what: `cannot enter network namespace ${JSON.stringify(netns)}`,
          step: 'setns',
          errno: r.errno,
          netns,
          syscall: 'setns',
        });
      }
      return fn();
    });
  } finally {
    target.close();
  }
  if (isThenable(result)) {
    // Keep a rejection of the abandoned promise from surfacing as an unhandled rejection as well.
    result.then(undefined, () => undefined);
    throw new TypeError(
      'runInNetns: fn returned a Promise; it must be synchronous (the thread leaves the namespace as soon as fn returns)',
    );
  }
  return result;
}
