/**
 * Named network namespaces in /run/netns, managed the way iproute2's `ip netns add|attach|delete|list`
 * does (ip/ipnetns.c), so that both tools see and can use each other's namespaces.
 *
 * A named namespace is an empty file `/run/netns/NAME` with the namespace's nsfs file bind-mounted on
 * it; the mount keeps the namespace alive without any process in it.
 *
 * Where the new namespace is created: `addNetns` calls unshare(CLONE_NEWNET) on the calling thread (the
 * main thread, usually) and puts that thread back into its original namespace in a `finally`, using an
 * fd of the original opened beforehand. unshare/setns of a network namespace act on the calling thread
 * only, the whole sequence is synchronous (no JavaScript, callback or promise job can run on the thread
 * while it is in the new namespace), and the other threads of the process never move. A worker_thread
 * would cost a thread and isolate start per namespace, could not load `src/netlink/libc.ts` from the
 * TypeScript sources without a loader (vitest, tsx) and would then need its own FFI binding, which the
 * project forbids; ffi-rs also crashes in a worker unless the main thread imported it first. So: the
 * calling thread, with an unconditional restore.
 */
import fs from 'node:fs';
import { sysMount, sysUmount2, sysUnshare } from '../netlink/libc.js';
import { CLONE_NEWNET, MNT_DETACH, MS_BIND, MS_REC, MS_SHARED, NETNS_RUN_DIR } from './consts.js';
import { THREAD_NETNS_PATH, withThreadNetnsRestored } from './enter.js';
import { errnoOf, NetnsError, syscallError } from './errors.js';
import { netnsPath, nsfsDev, validateNetnsName } from './ref.js';

/** A named network namespace, as `ip netns list` shows it. */
export interface NetnsInfo {
  /** Its name in /run/netns. */
  name: string;
  /** `/run/netns/NAME`. */
  path: string;
  /**
   * The namespace inode (as in `lsns`, `readlink /proc/PID/ns/net`); undefined when the file is not a
   * mounted namespace (a stale entry left by a crash, which `ip netns list` shows as well).
   */
  inode: bigint | undefined;
  /** The namespace id seen from the caller's namespace (RTM_GETNSID); not filled in by this module. */
  nsid?: number;
}

const EINVAL = 22;
const EEXIST = 17;
const ENOENT = 2;

const quote = (s: string): string => JSON.stringify(s);

function nodeError(what: string, step: string, err: unknown, name: string, path: string): NetnsError {
  const errno = errnoOf(err);
  if (errno === undefined) {
    return new NetnsError({
      code: 'EIO',
      message: `${what}: ${step} failed: ${String(err)}`,
      netns: name,
      path,
    });
  }
  return syscallError({ what, step, errno, netns: name, path, privileged: true, cause: err });
}

/**
 * `mkdir -p /run/netns` (0755), then make it a shared mount so that namespace mounts propagate to other
 * mount namespaces and an unmount anywhere frees the namespace everywhere. As in iproute2: if
 * `--make-rshared` fails with EINVAL, /run/netns is not a mount point yet, so bind-mount it onto itself
 * and retry once. iproute2 also holds flock(/run/netns) around this against concurrent `ip netns add`s
 * stacking bind mounts; Node has no flock and nlwire adds no native call for it, so two processes
 * running this step at the very same moment could each add a bind mount (harmless but untidy).
 */
function prepareRunDir(what: string, name: string): void {
  try {
    fs.mkdirSync(NETNS_RUN_DIR, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw nodeError(what, `mkdir ${NETNS_RUN_DIR}`, err, name, NETNS_RUN_DIR);
  }
  let madeMount = false;
  for (;;) {
    const r = sysMount('', NETNS_RUN_DIR, 'none', MS_SHARED | MS_REC);
    if (r.value === 0) return;
    if (r.errno !== EINVAL || madeMount) {
      throw syscallError({
        what,
        step: `mount --make-rshared ${NETNS_RUN_DIR}`,
        errno: r.errno,
        netns: name,
        syscall: 'mount',
        path: NETNS_RUN_DIR,
        privileged: true,
      });
    }
    const b = sysMount(NETNS_RUN_DIR, NETNS_RUN_DIR, 'none', MS_BIND | MS_REC);
    if (b.value < 0) {
      throw syscallError({
        what,
        step: `mount --rbind ${NETNS_RUN_DIR} ${NETNS_RUN_DIR}`,
        errno: b.errno,
        netns: name,
        syscall: 'mount',
        path: NETNS_RUN_DIR,
        privileged: true,
      });
    }
    madeMount = true;
  }
}

/** Creates the empty mount point `/run/netns/NAME` (O_CREAT|O_EXCL, mode 0, like iproute2). */
function createNetnsFile(what: string, name: string, path: string): void {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0);
  } catch (err) {
    if (errnoOf(err) === EEXIST) {
      throw new NetnsError({
        code: 'EEXIST',
        message: `${what}: network namespace ${quote(name)} already exists (${path})`,
        netns: name,
        errno: EEXIST,
        path,
      });
    }
    throw nodeError(what, `create ${path}`, err, name, path);
  }
  fs.closeSync(fd);
}

/** Removes a half-made namespace file after a failure; errors here would hide the original one. */
function discardNetnsFile(path: string): void {
  sysUmount2(path, MNT_DETACH);
  try {
    fs.unlinkSync(path);
  } catch {
    // Already gone or not removable: the caller reports the original failure.
  }
}

function bindNetns(what: string, name: string, source: string, path: string): void {
  const r = sysMount(source, path, 'none', MS_BIND);
  if (r.value < 0) {
    throw syscallError({
      what,
      step: `mount --bind ${source} ${path}`,
      errno: r.errno,
      netns: name,
      syscall: 'mount',
      path,
      privileged: true,
    });
  }
}

function infoOf(name: string, path: string): NetnsInfo {
  const st = fs.statSync(path, { bigint: true });
  return { name, path, inode: st.dev === nsfsDev() ? st.ino : undefined };
}

/**
 * Creates the named network namespace NAME, like `ip netns add NAME`: prepares /run/netns, creates
 * `/run/netns/NAME`, unshares a new network namespace on the calling thread, bind-mounts it onto the file
 * and puts the thread back into its original namespace (always, also on failure). On failure the file is
 * removed again.
 *
 * @throws {NetnsError} `EINVAL` for an invalid name (before any system call), `EEXIST` if the name is
 * taken, `EPERM` without root/CAP_SYS_ADMIN.
 */
export async function addNetns(name: string): Promise<NetnsInfo> {
  const path = netnsPath(name);
  const what = `cannot add network namespace ${quote(name)}`;
  prepareRunDir(what, name);
  createNetnsFile(what, name, path);
  try {
    withThreadNetnsRestored(() => {
      const r = sysUnshare(CLONE_NEWNET);
      if (r.value < 0) {
        throw syscallError({
          what,
          step: 'unshare(CLONE_NEWNET)',
          errno: r.errno,
          netns: name,
          syscall: 'unshare',
          privileged: true,
        });
      }
      bindNetns(what, name, THREAD_NETNS_PATH, path);
    });
  } catch (err) {
    discardNetnsFile(path);
    throw err;
  }
  return infoOf(name, path);
}

/**
 * Gives the network namespace of process `pid` the name NAME, like `ip netns attach NAME PID`
 * (bind-mounts `/proc/PID/ns/net` onto `/run/netns/NAME`).
 *
 * @throws {NetnsError} `EINVAL` for an invalid name or pid (before any system call), `ESRCH` if the process
 * does not exist, `EEXIST` if the name is taken, `EPERM` without root/CAP_SYS_ADMIN.
 */
export async function attachNetns(name: string, pid: number): Promise<NetnsInfo> {
  validateNetnsName(name);
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) {
    throw new NetnsError({
      code: 'EINVAL',
      message: `cannot attach network namespace ${quote(name)}: pid ${String(pid)} is not a positive integer`,
      netns: name,
    });
  }
  const path = netnsPath(name);
  const what = `cannot attach network namespace ${quote(name)} to pid ${pid}`;
  const source = `/proc/${pid}/ns/net`;
  try {
    fs.statSync(source);
  } catch (err) {
    if (errnoOf(err) === ENOENT) {
      throw new NetnsError({ code: 'ESRCH', message: `${what}: no such process`, netns: name, path: source });
    }
    throw nodeError(what, `stat ${source}`, err, name, source);
  }
  prepareRunDir(what, name);
  createNetnsFile(what, name, path);
  try {
    bindNetns(what, name, source, path);
  } catch (err) {
    discardNetnsFile(path);
    throw err;
  }
  return infoOf(name, path);
}

/**
 * Deletes the named network namespace NAME, like `ip netns delete NAME`: lazily unmounts
 * `/run/netns/NAME` (MNT_DETACH) and removes the file. The namespace itself lives on while processes,
 * sockets or other mounts still use it.
 *
 * @throws {NetnsError} `EINVAL` for an invalid name (before any system call), `ENOENT` if there is no such
 * namespace, `EPERM` without root/CAP_SYS_ADMIN.
 */
export async function deleteNetns(name: string): Promise<void> {
  const path = netnsPath(name);
  const what = `cannot delete network namespace ${quote(name)}`;
  const u = sysUmount2(path, MNT_DETACH);
  // Like iproute2, a failed unmount is not fatal (e.g. EINVAL: a stale file that is no mount point),
  // except that a missing privilege will also stop the unlink: report it as such.
  if (u.value < 0 && u.errno !== ENOENT && u.errno !== EINVAL) {
    throw syscallError({
      what,
      step: `umount2 ${path}`,
      errno: u.errno,
      netns: name,
      syscall: 'umount2',
      path,
      privileged: true,
    });
  }
  try {
    fs.unlinkSync(path);
  } catch (err) {
    if (errnoOf(err) === ENOENT) {
      throw new NetnsError({
        code: 'ENOENT',
        message: `${what}: no such network namespace (${path} does not exist)`,
        netns: name,
        errno: ENOENT,
        path,
      });
    }
    throw nodeError(what, `unlink ${path}`, err, name, path);
  }
}

/**
 * Whether `/run/netns/NAME` exists and is a mounted namespace. A stale file (no mount behind it) counts as
 * absent here, although it still blocks `addNetns(NAME)` with `EEXIST` until deleted.
 *
 * @throws {NetnsError} `EINVAL` for an invalid name.
 */
export async function netnsExists(name: string): Promise<boolean> {
  const path = netnsPath(name);
  try {
    const st = await fs.promises.stat(path, { bigint: true });
    return st.dev === nsfsDev();
  } catch (err) {
    if (errnoOf(err) === ENOENT) return false;
    throw nodeError(`cannot check network namespace ${quote(name)}`, `stat ${path}`, err, name, path);
  }
}

/**
 * The named network namespaces in /run/netns, like `ip netns list` and in its order (directory order,
 * not sorted). Empty when /run/netns does not exist. `nsid` is left unset.
 */
export async function listNetns(): Promise<NetnsInfo[]> {
  const names: string[] = [];
  let dir: fs.Dir;
  try {
    // opendir/read, not readdir: libuv's scandir sorts names, iproute2 shows them in directory order.
    dir = await fs.promises.opendir(NETNS_RUN_DIR);
  } catch (err) {
    if (errnoOf(err) === ENOENT) return [];
    throw nodeError('cannot list network namespaces', `opendir ${NETNS_RUN_DIR}`, err, '', NETNS_RUN_DIR);
  }
  for await (const entry of dir) names.push(entry.name);
  const dev = nsfsDev();
  return Promise.all(
    names.map(async (name): Promise<NetnsInfo> => {
      const path = `${NETNS_RUN_DIR}/${name}`;
      let inode: bigint | undefined;
      try {
        const st = await fs.promises.stat(path, { bigint: true });
        inode = st.dev === dev ? st.ino : undefined;
      } catch {
        inode = undefined; // removed meanwhile, or unreadable
      }
      return { name, path, inode };
    }),
  );
}
