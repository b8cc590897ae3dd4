/**
 * Shared types of the wire debugger's byte sources and sinks (hex, pcap, pcapng, strace, raw).
 *
 * These modules only frame bytes: each {@link CapturedMessage} is one netlink datagram as it
 * crossed the socket. Splitting a datagram into netlink messages is done elsewhere.
 */

/** Which way a datagram went: written by a process to the kernel, or read from the kernel. */
export type Direction = 'to-kernel' | 'from-kernel';

/** One netlink datagram: one or more netlink messages back to back, as one send or receive carried. */
export interface CapturedMessage {
  /** The datagram's bytes, from the first nlmsghdr on (no capture or link-layer header). */
  bytes: Uint8Array;
  /** Which way it went, when the source tells. */
  direction?: Direction;
  /** When it was captured, in seconds (float): Unix time for pcap and `strace -ttt`, time of day for `-tt`. */
  timestamp?: number;
  /** Where it came from, for messages: e.g. `'strace line 12'`, `'pcap packet 3'`. */
  source?: string;
  /** The process that sent or received it, when known (strace). */
  pid?: number;
  /** The system call that carried it (strace): `sendmsg`, `recvfrom`, `write`, ... */
  syscall?: string;
  /** The netlink protocol of the socket (0 = NETLINK_ROUTE, 16 = NETLINK_GENERIC, ...), when the source tells. */
  family?: number;
}

/** Position details attached to an {@link InputError}. */
export interface InputErrorPosition {
  /** Byte offset in the input where the problem was found. */
  offset?: number;
  /** 1-based line number in a text input. */
  line?: number;
}

/**
 * The one error type every parser of this folder throws for bad input. Its message is a single
 * line that says what is wrong and, where it helps, what to do instead.
 */
export class InputError extends Error {
  /** Byte offset in the input where the problem was found, when it applies. */
  readonly offset?: number;
  /** 1-based line number in a text input, when it applies. */
  readonly line?: number;

  /**
   * @param message - one line, no trailing period needed.
   * @param where - the offset and/or line the message refers to.
   */
  constructor(message: string, where: InputErrorPosition = {}) {
    super(message.replace(/\s*\n\s*/g, ' '));
    this.name = 'InputError';
    if (where.offset !== undefined) this.offset = where.offset;
    if (where.line !== undefined) this.line = where.line;
  }
}
