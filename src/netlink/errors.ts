/**
 * nlwire's typed errors. Everything the library throws on purpose is an NlwireError.
 */

/** Base class of every error nlwire throws on purpose. */
export class NlwireError extends Error {
  override name = 'NlwireError';
}

/** Bytes that do not decode: carries the offset (from the start of the input) where decoding stopped. */
export class DecodeError extends NlwireError {
  override name = 'DecodeError';
  /** Byte offset in the decoded input where the problem was found. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.offset = offset;
  }
}

/** A value that cannot be encoded, or input rejected before anything is sent. */
export class ValidationError extends NlwireError {
  override name = 'ValidationError';
  /** The field (or attribute path) that was rejected. */
  readonly field: string;
  /** The rejected value, as given. */
  readonly value: unknown;
  /** Why it was rejected. */
  readonly reason: string;
  constructor(field: string, value: unknown, reason: string) {
    super(`invalid ${field} ${formatValue(value)}: ${reason}`);
    this.field = field;
    this.value = value;
    this.reason = reason;
  }

  /** The same error for an item of a list: field `dst` of item 3 of `routes` becomes `routes[3].dst`. */
  within(list: string, index: number): ValidationError {
    return this.under(`${list}[${index}]`);
  }

  /** The same error for a field of `prefix`: `dst` under `routes[3]` becomes `routes[3].dst`. */
  under(prefix: string): ValidationError {
    return new ValidationError(`${prefix}.${this.field}`, this.value, this.reason);
  }
}

function formatValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A system call failed (socket, bind, sendto...), outside of a kernel netlink error reply. */
export class SystemError extends NlwireError {
  override name = 'SystemError';
  /** errno number. */
  readonly errno: number;
  /** errno name, e.g. EPERM. */
  readonly code: string;
  /** The call that failed. */
  readonly syscall: string;
  constructor(syscall: string, errno: number, code: string, hint?: string) {
    super(`${syscall}: ${code}${hint ? ` (${hint})` : ''}`);
    this.errno = errno;
    this.code = code;
    this.syscall = syscall;
  }
}

/** The socket or connection was closed while the operation was pending or before it started. */
export class ClosedError extends NlwireError {
  override name = 'ClosedError';
}

/** A datagram was larger than the receive buffer (MSG_TRUNC): its tail was lost. */
export class TruncatedError extends NlwireError {
  override name = 'TruncatedError';
  /** The datagram's real length. */
  readonly datagramLength: number;
  /** The receive buffer's length. */
  readonly bufferLength: number;
  constructor(datagramLength: number, bufferLength: number) {
    super(`datagram of ${datagramLength} bytes truncated to a ${bufferLength}-byte buffer`);
    this.datagramLength = datagramLength;
    this.bufferLength = bufferLength;
  }
}
