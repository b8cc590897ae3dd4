/**
 * Naming a network namespace, validating names, and opening a namespace file.
 */
import fs from 'node:fs';
import { NAME_MAX, NETNS_RUN_DIR } from './consts.js';
import { errnoOf, NetnsError, syscallError } from './errors.js';

/**
 * A network namespace:
 * - a string: a name in `/run/netns` (like `ip netns`), or an absolute path when it starts with `/`;
 * - `{ name }`: a name in `/run/netns`;
 * - `{ path }`: any file of the namespace (`/run/netns/x`, `/proc/PID/ns/net`, a bind mount elsewhere);
 * - `{ fd }`: an open descriptor of such a file; borrowed, never closed by nlwire;
 * - `{ pid }`: the namespace of a process (`/proc/PID/ns/net`).
 */
export type NetnsRef = string | { name: string } | { path: string } | { fd: number } | { pid: number };

/** Identity of a namespace: device and inode of its nsfs file, as `stat` reports them. */
export interface NetnsId {
  /** st_dev of the nsfs file. */
  readonly dev: bigint;
  /** st_ino of the nsfs file: the namespace inode shown by `lsns` and `readlink /proc/PID/ns/net`. */
  readonly ino: bigint;
}

/** An open namespace file. */
export interface NetnsHandle {
  /** The descriptor, for setns(2). */
  readonly fd: number;
  /** Closes the descriptor, unless it was borrowed from a `{ fd }` reference (then it does nothing). */
  close(): void;
}

const show = (s: string): string => JSON.stringify(s.length > 48 ? `${s.slice(0, 48)}...` : s);

function invalidName(name: string, why: string): NetnsError {
  return new NetnsError({
    code: 'EINVAL',
    message: `invalid network namespace name ${show(name)}: ${why}`,
    netns: name,
  });
}

/**
 * Checks a namespace name as iproute2 does: not empty, not `.` or `..`, no `/`, no NUL, at most 255 bytes
 * (NAME_MAX). Throws a {@link NetnsError} with code `EINVAL` otherwise; makes no system call.
 */
export function validateNetnsName(name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw new NetnsError({
      code: 'EINVAL',
      message: `invalid network namespace name: ${typeof name}, not a string`,
    });
  }
  if (name === '') throw invalidName(name, 'it is empty');
  if (name === '.' || name === '..') throw invalidName(name, '"." and ".." are not allowed');
  if (name.includes('/')) throw invalidName(name, 'it must not contain "/"');
  if (name.includes('\0')) throw invalidName(name, 'it must not contain NUL');
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > NAME_MAX) throw invalidName(name, `it is ${bytes} bytes long, at most ${NAME_MAX} are allowed`);
}

/** `/run/netns/NAME` for a valid name (validated with {@link validateNetnsName}). */
export function netnsPath(name: string): string {
  validateNetnsName(name);
  return `${NETNS_RUN_DIR}/${name}`;
}

function invalidRef(message: string): NetnsError {
  return new NetnsError({ code: 'EINVAL', message: `invalid network namespace reference: ${message}` });
}

function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
}

/** How a reference was resolved. */
type Resolved =
  | { kind: 'name'; name: string; path: string }
  | { kind: 'path'; path: string }
  | { kind: 'pid'; pid: number; path: string }
  | { kind: 'fd'; fd: number };

function resolve(ref: NetnsRef): Resolved {
  if (typeof ref === 'string') {
    if (ref.startsWith('/')) return resolve({ path: ref });
    return { kind: 'name', name: ref, path: netnsPath(ref) };
  }
  if (typeof ref !== 'object' || ref === null) throw invalidRef(`${typeof ref}`);
  if ('name' in ref) return { kind: 'name', name: ref.name, path: netnsPath(ref.name) };
  if ('path' in ref) {
    const path: unknown = ref.path;
    if (typeof path !== 'string' || path === '' || path.includes('\0')) throw invalidRef('bad path');
    return { kind: 'path', path };
  }
  if ('pid' in ref) {
    if (!isPositiveInt(ref.pid)) throw invalidRef(`pid ${String(ref.pid)} is not a positive integer`);
    return { kind: 'pid', pid: ref.pid, path: `/proc/${ref.pid}/ns/net` };
  }
  if ('fd' in ref) {
    const fd: unknown = ref.fd;
    if (typeof fd !== 'number' || !Number.isSafeInteger(fd) || fd < 0) {
      throw invalidRef(`fd ${String(fd)} is not a descriptor`);
    }
    return { kind: 'fd', fd };
  }
  throw invalidRef('expected a name, { name }, { path }, { fd } or { pid }');
}

/** Short description of a reference for messages: the name, `path /x`, `pid 12` or `fd 7`. */
export function describeNetnsRef(ref: NetnsRef): string {
  if (typeof ref === 'string') return ref.startsWith('/') ? `path ${ref}` : ref;
  if ('name' in ref) return String(ref.name);
  if ('path' in ref) return `path ${String(ref.path)}`;
  if ('pid' in ref) return `pid ${String(ref.pid)}`;
  if ('fd' in ref) return `fd ${String(ref.fd)}`;
  return String(ref);
}

function label(r: Resolved): string {
  switch (r.kind) {
    case 'name':
      return `network namespace ${show(r.name)}`;
    case 'path':
      return `network namespace file ${r.path}`;
    case 'pid':
      return `network namespace of pid ${r.pid}`;
    case 'fd':
      return `network namespace fd ${r.fd}`;
  }
}

let nsfsDevCache: bigint | undefined;

/** st_dev of nsfs (one superblock holds every namespace inode), from `/proc/self/ns/net`. */
export function nsfsDev(): bigint {
  nsfsDevCache ??= fs.statSync('/proc/self/ns/net', { bigint: true }).dev;
  return nsfsDevCache;
}

function openError(r: Resolved, err: unknown, netns: string): NetnsError {
  const errno = errnoOf(err);
  const path = r.kind === 'fd' ? undefined : r.path;
  if (errno === 2 /* ENOENT */ || errno === 20 /* ENOTDIR */) {
    if (r.kind === 'pid') {
      return new NetnsError({ code: 'ESRCH', message: `no process with pid ${r.pid}`, netns, errno, path });
    }
    const what = r.kind === 'name' ? 'does not exist' : `does not exist (${path})`;
    return new NetnsError({ code: 'ENOENT', message: `${label(r)} ${what}`, netns, errno, path });
  }
  if (errno === undefined) {
    return new NetnsError({ code: 'EIO', message: `cannot open ${label(r)}: ${String(err)}`, netns, path });
  }
  return syscallError({ what: `cannot open ${label(r)}`, step: 'open', errno, netns, path, cause: err });
}

/**
 * Opens a network namespace for setns(2): `/run/netns/NAME`, `/proc/PID/ns/net` or a path, read-only and
 * close-on-exec. A `{ fd }` reference is borrowed: its `close()` does nothing. Throws a {@link NetnsError}
 * (`EINVAL` for a bad name or a file that is not a namespace, `ENOENT` for a missing one, `ESRCH` for a
 * missing process) before any system call when the reference itself is invalid.
 */
export function openNetns(ref: NetnsRef): NetnsHandle {
  const r = resolve(ref);
  const netns = describeNetnsRef(ref);
  let fd: number;
  let owned: boolean;
  if (r.kind === 'fd') {
    fd = r.fd;
    owned = false;
  } else {
    try {
      // libuv opens every file with O_CLOEXEC, so children never inherit this descriptor.
      fd = fs.openSync(r.path, fs.constants.O_RDONLY);
    } catch (err) {
      throw openError(r, err, netns);
    }
    owned = true;
  }
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    if (st.dev !== nsfsDev()) {
      const stale = r.kind === 'name' ? ' (a stale entry in /run/netns?)' : '';
      throw new NetnsError({
        code: 'EINVAL',
        message: `${label(r)} is not a namespace file${stale}`,
        netns,
        path: r.kind === 'fd' ? undefined : r.path,
      });
    }
  } catch (err) {
    if (owned) fs.closeSync(fd);
    if (err instanceof NetnsError) throw err;
    throw openError(r, err, netns);
  }
  let open = owned;
  return {
    fd,
    close(): void {
      if (!open) return;
      open = false;
      fs.closeSync(fd);
    },
  };
}

/** Device and inode of a namespace (see {@link NetnsId}); opens and closes it. */
export function netnsId(ref: NetnsRef): NetnsId {
  const h = openNetns(ref);
  try {
    const st = fs.fstatSync(h.fd, { bigint: true });
    return { dev: st.dev, ino: st.ino };
  } finally {
    h.close();
  }
}
