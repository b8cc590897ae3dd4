/**
 * Errors of the iproute2-style commands, and how each becomes one line on standard error:
 * `nlwire: <object> <command> <target>: <ERRNO>: <the kernel's ext-ack text or strerror>`.
 * No stack trace unless NLWIRE_DEBUG=1.
 */
import { getSystemErrorMap } from 'node:util';
import { ValidationError } from '../../netlink/errors.js';
import { NetlinkError } from '../../netlink/netlink-error.js';

/** A bad command line (unknown object or command, missing or invalid argument): exit status 2. */
export class IpUsageError extends Error {
  override name = 'IpUsageError';
}

/** A failure with an errno-like code, named by what was being done: exit status 1. */
export class IpError extends Error {
  override name = 'IpError';
  /** errno name (ENODEV...), when there is one. */
  readonly code?: string;
  /** Builds `code: message` (the caller's context is added when reported). */
  constructor(message: string, code?: string) {
    super(code ? `${code}: ${message}` : message);
    this.code = code;
  }
}

// glibc's strerror(3) texts, which `ip` prints ("RTNETLINK answers: File exists"): libuv's texts differ.
const STRERROR: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EINTR: 'Interrupted system call',
  EIO: 'Input/output error',
  ENXIO: 'No such device or address',
  E2BIG: 'Argument list too long',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  ENOSPC: 'No space left on device',
  ERANGE: 'Numerical result out of range',
  EDEADLK: 'Resource deadlock avoided',
  ENAMETOOLONG: 'File name too long',
  ENOTSUP: 'Operation not supported',
  EOPNOTSUPP: 'Operation not supported',
  ENOTEMPTY: 'Directory not empty',
  ENODATA: 'No data available',
  ENOBUFS: 'No buffer space available',
  EPROTONOSUPPORT: 'Protocol not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENETDOWN: 'Network is down',
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'No route to host',
  EMSGSIZE: 'Message too long',
  ENOTCONN: 'Transport endpoint is not connected',
  ETIMEDOUT: 'Connection timed out',
  ECONNREFUSED: 'Connection refused',
  ELOOP: 'Too many levels of symbolic links',
  ENOSYS: 'Function not implemented',
  EOVERFLOW: 'Value too large for defined data type',
  EPROTO: 'Protocol error',
  ENOLINK: 'Link has been severed',
  ECANCELED: 'Operation canceled',
};

/** The strerror(3) text of an errno name (libuv's text, capitalised, for the rest). */
export function strerror(code: string, errno?: number): string {
  const t = STRERROR[code];
  if (t) return t;
  if (errno !== undefined) {
    const e = getSystemErrorMap().get(-errno);
    if (e) return e[1].charAt(0).toUpperCase() + e[1].slice(1);
  }
  return code;
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();

/** Errors that mean a bug in nlwire. */
const BUGS = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError']);

/** The one line that reports `e` (without the `nlwire: ` prefix); `what` names what was being done. */
export function describeError(e: unknown, what: string): string {
  const pre = what ? `${what}: ` : '';
  if (e instanceof NetlinkError) {
    const text = e.extAckMessage ?? strerror(e.code, e.errno);
    const where = e.attrPath?.length ? ` (attribute ${e.attrPath.join('/')})` : '';
    const miss = e.missing ? ` (missing ${e.missing.name ?? `attribute ${e.missing.type}`})` : '';
    const ctx = e.context && e.context !== what ? `${e.context}: ` : pre;
    return oneLine(`${ctx}${e.code}: ${text}${where}${miss}`);
  }
  if (!(e instanceof Error)) return `${pre}internal error: ${String(e)}`;
  if (BUGS.has(e.name)) return oneLine(`${pre}internal error: ${e.message} (NLWIRE_DEBUG=1 shows where)`);
  const sys = e as NodeJS.ErrnoException;
  if (typeof sys.code === 'string' && /^E[A-Z0-9]+$/.test(sys.code) && sys.syscall && !('netns' in e)) {
    const path = sys.path ? `${sys.path}: ` : '';
    return oneLine(
      `${pre}${path}${sys.code}: ${strerror(sys.code, sys.errno === undefined ? undefined : -sys.errno)}`,
    );
  }
  // Usage errors name what they are about already.
  const object = what.split(' ')[0];
  if (
    e instanceof IpUsageError &&
    what &&
    (e.message.startsWith(what) || e.message.startsWith(`${object}:`) || e.message.startsWith(`${object} `))
  )
    return oneLine(e.message);
  return oneLine(`${pre}${e.message}`);
}

/** The exit status for an error: 2 for a bad command line or input, 1 otherwise. */
export function exitStatus(e: unknown): number {
  return e instanceof IpUsageError ||
    e instanceof ValidationError ||
    (e instanceof Error && e.name === 'UsageError')
    ? 2
    : 1;
}

/** Writes the error's line (and, with NLWIRE_DEBUG=1, its stack) to standard error; returns the exit status. */
export function reportError(e: unknown, what: string): number {
  process.stderr.write(`nlwire: ${describeError(e, what)}\n`);
  if (process.env.NLWIRE_DEBUG === '1' && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return exitStatus(e);
}
