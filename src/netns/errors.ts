/**
 * The typed error of the namespace modules.
 */
import { getSystemErrorMap } from 'node:util';
import { NlwireError } from '../netlink/errors.js';

/**
 * Error codes a {@link NetnsError} carries: the errno name of the failure (`ENOENT`: no such namespace or
 * key, `EEXIST`: name taken, `EINVAL`: bad name, key or reference, `EPERM`: root/CAP_SYS_ADMIN needed,
 * `ESRCH`: no such process, `EBUSY`, `EACCES`, ...).
 */
export type NetnsErrorCode =
  | 'ENOENT'
  | 'EEXIST'
  | 'EINVAL'
  | 'EPERM'
  | 'ESRCH'
  | 'EBUSY'
  | 'EACCES'
  | (string & Record<never, never>);

/** What a {@link NetnsError} is built from. */
export interface NetnsErrorInit {
  /** errno name, e.g. `'ENOENT'`. */
  readonly code: NetnsErrorCode;
  /** The one-line message. */
  readonly message: string;
  /** The namespace concerned: its name, or a description of the reference (`path /x`, `pid 12`, `fd 7`). */
  readonly netns?: string;
  /** The errno number when the error comes from a system call. */
  readonly errno?: number;
  /** The failing system call or operation, e.g. `'setns'`, `'mount'`. */
  readonly syscall?: string;
  /** The file involved, if any. */
  readonly path?: string;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/** A failed namespace operation, with an errno-style `code` and a one-line message. */
export class NetnsError extends NlwireError {
  /** errno name of the failure. */
  readonly code: NetnsErrorCode;
  /** The namespace concerned (name or reference description), when known. */
  readonly netns: string | undefined;
  /** errno number when a system call failed. */
  readonly errno: number | undefined;
  /** The failing system call or operation. */
  readonly syscall: string | undefined;
  /** The file involved, if any. */
  readonly path: string | undefined;

  /** Builds the error; see {@link NetnsErrorInit}. */
  constructor(init: NetnsErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'NetnsError';
    this.code = init.code;
    this.netns = init.netns;
    this.errno = init.errno;
    this.syscall = init.syscall;
    this.path = init.path;
  }
}

/** errno name and text for an errno number, e.g. `2` -> `['ENOENT', 'no such file or directory']`. */
export function errnoInfo(errno: number): { name: string; text: string } {
  const entry = getSystemErrorMap().get(-Math.abs(errno));
  return entry ? { name: entry[0], text: entry[1] } : { name: `E${errno}`, text: `errno ${errno}` };
}

/** The errno number of a Node system error (`err.errno` is negative there), or undefined. */
export function errnoOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'errno' in err && typeof err.errno === 'number') {
    return Math.abs(err.errno);
  }
  return undefined;
}

const PRIVILEGE_HINT = 'root or CAP_SYS_ADMIN is needed';

/** Options of {@link syscallError}. */
export interface SyscallErrorInit {
  /** What was being done, e.g. `cannot add network namespace "x"`. */
  readonly what: string;
  /** The failing step, e.g. `mount --make-rshared /run/netns`. */
  readonly step: string;
  /** errno of the failure. */
  readonly errno: number;
  /** The namespace concerned. */
  readonly netns?: string;
  /** The system call name. */
  readonly syscall?: string;
  /** The file involved. */
  readonly path?: string;
  /** Report EACCES as EPERM with the privilege hint (for steps that only root can do). */
  readonly privileged?: boolean;
  /** The underlying error. */
  readonly cause?: unknown;
}

/**
 * A {@link NetnsError} for a failed system call: `"<what>: <step> failed: <text> (<CODE>)"`, plus
 * `"; root or CAP_SYS_ADMIN is needed"` when the failure is a missing privilege.
 */
export function syscallError(init: SyscallErrorInit): NetnsError {
  const { name, text } = errnoInfo(init.errno);
  const denied = name === 'EPERM' || (init.privileged === true && name === 'EACCES');
  const code = denied ? 'EPERM' : name;
  const hint = denied ? `; ${PRIVILEGE_HINT}` : '';
  return new NetnsError({
    code,
    message: `${init.what}: ${init.step} failed: ${text} (${name})${hint}`,
    netns: init.netns,
    errno: init.errno,
    syscall: init.syscall,
    path: init.path,
    cause: init.cause,
  });
}
