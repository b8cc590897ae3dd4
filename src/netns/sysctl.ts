/**
 * Per-namespace sysctls under /proc/sys/net.
 *
 * /proc/sys/net is resolved by the network namespace of the thread that opens the file, and the open
 * file keeps pointing at that namespace's values. So the file is opened synchronously inside
 * {@link runInNetns} and read or written afterwards, from anywhere.
 */
import fs from 'node:fs';
import { runInNetns } from './enter.js';
import { errnoInfo, errnoOf, NetnsError } from './errors.js';
import { describeNetnsRef, type NetnsRef } from './ref.js';

/**
 * A sysctl name under `net.`: dotted (`'net.ipv4.ip_forward'`) or as path components
 * (`['net', 'ipv4', 'conf', 'eth0.100', 'forwarding']`, for names that contain dots, such as VLAN
 * interfaces).
 */
export type SysctlKey = string | readonly string[];

const show = (key: SysctlKey): string => (typeof key === 'string' ? key : key.join('/'));

function invalidKey(key: SysctlKey, why: string): NetnsError {
  return new NetnsError({
    code: 'EINVAL',
    message: `invalid sysctl key ${JSON.stringify(show(key).slice(0, 200))}: ${why}`,
  });
}

/**
 * `/proc/sys/...` for a `net.` sysctl key. Only keys under `net.` are accepted (the per-namespace ones),
 * with no empty, `.` or `..` components, no `/` and no NUL. Throws a {@link NetnsError} `EINVAL` otherwise,
 * without touching the filesystem.
 */
export function sysctlPath(key: SysctlKey): string {
  let parts: readonly string[];
  if (typeof key === 'string') {
    if (key.includes('/')) throw invalidKey(key, 'it must not contain "/" (use an array of components)');
    if (key.includes('..')) throw invalidKey(key, 'it must not contain ".."');
    parts = key.split('.');
  } else if (Array.isArray(key)) {
    parts = key;
  } else {
    throw invalidKey(String(key), 'expected a string or an array of strings');
  }
  if (parts[0] !== 'net') throw invalidKey(key, 'only keys under "net." are per network namespace');
  if (parts.length < 2) throw invalidKey(key, 'it names no sysctl under "net."');
  for (const p of parts) {
    if (typeof p !== 'string' || p === '') throw invalidKey(key, 'it has an empty component');
    if (p === '.' || p === '..') throw invalidKey(key, '"." and ".." components are not allowed');
    if (p.includes('/')) throw invalidKey(key, 'a component must not contain "/"');
    if (p.includes('\0')) throw invalidKey(key, 'it must not contain NUL');
  }
  return `/proc/sys/${parts.join('/')}`;
}

function sysctlError(ref: NetnsRef, key: SysctlKey, action: string, err: unknown): unknown {
  const errno = errnoOf(err);
  if (errno === undefined || err instanceof NetnsError) return err;
  const netns = describeNetnsRef(ref);
  const where = `in network namespace ${JSON.stringify(netns)}`;
  const { name, text } = errnoInfo(errno);
  if (name === 'ENOENT' || name === 'ENOTDIR') {
    return new NetnsError({
      code: 'ENOENT',
      message: `sysctl ${show(key)} does not exist ${where}`,
      netns,
      errno,
      path: sysctlPath(key),
      cause: err,
    });
  }
  return new NetnsError({
    code: name,
    message: `cannot ${action} sysctl ${show(key)} ${where}: ${text} (${name})`,
    netns,
    errno,
    path: sysctlPath(key),
    cause: err,
  });
}

function openIn(ref: NetnsRef, key: SysctlKey, flags: number, action: string): number {
  const path = sysctlPath(key);
  try {
    return runInNetns(ref, () => fs.openSync(path, flags));
  } catch (err) {
    throw sysctlError(ref, key, action, err);
  }
}

function readAll(fd: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    const step = (): void => {
      const buf = Buffer.alloc(4096);
      fs.read(fd, buf, 0, buf.length, null, (err, n) => {
        if (err) return reject(err);
        if (n === 0) return resolve(Buffer.concat(chunks));
        chunks.push(buf.subarray(0, n));
        step();
      });
    };
    step();
  });
}

function closeQuietly(fd: number): Promise<void> {
  return new Promise((resolve) => fs.close(fd, () => resolve()));
}

/**
 * Reads the sysctl `key` (e.g. `'net.ipv4.ip_forward'`) of the network namespace `ref`, like
 * `ip netns exec NS sysctl -n KEY`. The trailing newline is removed; multi-value sysctls keep their tabs.
 *
 * @throws {NetnsError} `EINVAL` for an invalid key (before any system call), `ENOENT` when the key does
 * not exist in that namespace, or the namespace errors of {@link runInNetns}.
 */
export async function readSysctl(ref: NetnsRef, key: SysctlKey): Promise<string> {
  const fd = openIn(ref, key, fs.constants.O_RDONLY, 'read');
  try {
    const data = await readAll(fd);
    return data.toString('utf8').replace(/\n$/, '');
  } catch (err) {
    throw sysctlError(ref, key, 'read', err);
  } finally {
    await closeQuietly(fd);
  }
}

/**
 * Writes `value` to the sysctl `key` of the network namespace `ref`, like
 * `ip netns exec NS sysctl -w KEY=VALUE`. Other namespaces are not affected.
 *
 * @throws {NetnsError} `EINVAL` for an invalid key (before any system call) or a value the kernel
 * refuses, `ENOENT` when the key does not exist in that namespace, `EACCES` for a read-only key.
 */
export async function writeSysctl(
  ref: NetnsRef,
  key: SysctlKey,
  value: string | number | bigint | boolean,
): Promise<void> {
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  sysctlPath(key);
  const fd = openIn(ref, key, fs.constants.O_WRONLY, 'write');
  try {
    const data = Buffer.from(text, 'utf8');
    const written = await new Promise<number>((resolve, reject) =>
      fs.write(fd, data, 0, data.length, null, (err, n) => (err ? reject(err) : resolve(n))),
    );
    if (written !== data.length) {
      throw new NetnsError({
        code: 'EIO',
        message: `cannot write sysctl ${show(key)}: only ${written} of ${data.length} bytes accepted`,
        netns: describeNetnsRef(ref),
      });
    }
  } catch (err) {
    const e = sysctlError(ref, key, `write ${JSON.stringify(text)} to`, err);
    throw e;
  } finally {
    await closeQuietly(fd);
  }
}
