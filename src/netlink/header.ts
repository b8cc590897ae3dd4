/**
 * struct nlmsghdr and its flags. Flag names depend on the message kind: 0x100 is NLM_F_ROOT on a GET,
 * NLM_F_REPLACE on a NEW, NLM_F_NONREC on a DEL and NLM_F_CAPPED on an ERROR.
 */
import { NLM_F, NLMSG } from '../constants/netlink.js';
import { NLMSG_HDRLEN } from './align.js';
import { DecodeError } from './errors.js';
import type { Writer } from './writer.js';

/** A decoded struct nlmsghdr. */
export interface NlMsgHeader {
  /** nlmsg_len: length of the message including this header. */
  len: number;
  /** nlmsg_type. */
  type: number;
  /** nlmsg_flags. */
  flags: number;
  /** nlmsg_seq. */
  seq: number;
  /** nlmsg_pid: sender port id (0 from the kernel). */
  pid: number;
}

/** What a message does, which decides how its upper flag bits are named. */
export type MessageKind = 'get' | 'new' | 'del' | 'set' | 'ack' | 'other';

/** Reads a nlmsghdr at off; checks the length fits in [off, end). */
export function readHeader(buf: Buffer, off: number, end: number): NlMsgHeader {
  if (off < 0 || off + NLMSG_HDRLEN > end || end > buf.length)
    throw new DecodeError(`nlmsghdr needs 16 bytes, ${end - off} left`, off);
  // Byte arithmetic rather than Buffer#readUInt32LE: this runs for every message received.
  const len = (buf[off] | (buf[off + 1] << 8) | (buf[off + 2] << 16)) + buf[off + 3] * 0x1000000;
  if (len < NLMSG_HDRLEN) throw new DecodeError(`nlmsg_len ${len} is shorter than the header`, off);
  if (off + len > end)
    throw new DecodeError(`nlmsg_len ${len} runs past the datagram (${end - off} left)`, off);
  return {
    len,
    type: buf[off + 4] | (buf[off + 5] << 8),
    flags: buf[off + 6] | (buf[off + 7] << 8),
    seq: (buf[off + 8] | (buf[off + 9] << 8) | (buf[off + 10] << 16)) + buf[off + 11] * 0x1000000,
    pid: (buf[off + 12] | (buf[off + 13] << 8) | (buf[off + 14] << 16)) + buf[off + 15] * 0x1000000,
  };
}

/** Writes a header with nlmsg_len 0; returns its offset for {@link endMessage}. */
export function startMessage(w: Writer, type: number, flags: number, seq: number, pid = 0): number {
  const at = w.length;
  w.ensure(NLMSG_HDRLEN);
  const b = w.buf;
  b[at] = 0;
  b[at + 1] = 0;
  b[at + 2] = 0;
  b[at + 3] = 0;
  b[at + 4] = type & 0xff;
  b[at + 5] = (type >>> 8) & 0xff;
  b[at + 6] = flags & 0xff;
  b[at + 7] = (flags >>> 8) & 0xff;
  putU32(b, at + 8, seq);
  putU32(b, at + 12, pid);
  w.length += NLMSG_HDRLEN;
  return at;
}

/** Stores v as a little-endian u32 (byte stores: no range checks on values past 2^31). */
function putU32(b: Buffer, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

/** Patches nlmsg_len of the message started at `at` and pads to 4 bytes. */
export function endMessage(w: Writer, at: number): void {
  putU32(w.buf, at, w.length - at);
  w.pad();
}

const COMMON: ReadonlyArray<readonly [string, number]> = [
  ['NLM_F_REQUEST', NLM_F.NLM_F_REQUEST],
  ['NLM_F_MULTI', NLM_F.NLM_F_MULTI],
  ['NLM_F_ACK', NLM_F.NLM_F_ACK],
  ['NLM_F_ECHO', NLM_F.NLM_F_ECHO],
  ['NLM_F_DUMP_INTR', NLM_F.NLM_F_DUMP_INTR],
  ['NLM_F_DUMP_FILTERED', NLM_F.NLM_F_DUMP_FILTERED],
];

const BY_KIND: Record<MessageKind, ReadonlyArray<readonly [string, number]>> = {
  get: [
    ['NLM_F_DUMP', NLM_F.NLM_F_DUMP],
    ['NLM_F_ROOT', NLM_F.NLM_F_ROOT],
    ['NLM_F_MATCH', NLM_F.NLM_F_MATCH],
    ['NLM_F_ATOMIC', NLM_F.NLM_F_ATOMIC],
  ],
  new: [
    ['NLM_F_REPLACE', NLM_F.NLM_F_REPLACE],
    ['NLM_F_EXCL', NLM_F.NLM_F_EXCL],
    ['NLM_F_CREATE', NLM_F.NLM_F_CREATE],
    ['NLM_F_APPEND', NLM_F.NLM_F_APPEND],
  ],
  set: [
    ['NLM_F_REPLACE', NLM_F.NLM_F_REPLACE],
    ['NLM_F_EXCL', NLM_F.NLM_F_EXCL],
    ['NLM_F_CREATE', NLM_F.NLM_F_CREATE],
    ['NLM_F_APPEND', NLM_F.NLM_F_APPEND],
  ],
  del: [
    ['NLM_F_NONREC', NLM_F.NLM_F_NONREC],
    ['NLM_F_BULK', NLM_F.NLM_F_BULK],
  ],
  ack: [
    ['NLM_F_CAPPED', NLM_F.NLM_F_CAPPED],
    ['NLM_F_ACK_TLVS', NLM_F.NLM_F_ACK_TLVS],
  ],
  other: [],
};

/** Names the flags set in `flags` for a message of the given kind; unnamed bits as hex. */
export function flagNames(flags: number, kind: MessageKind): string[] {
  const out: string[] = [];
  let rest = flags;
  for (const [n, b] of COMMON) {
    if (rest & b) {
      out.push(n);
      rest &= ~b;
    }
  }
  for (const [n, b] of BY_KIND[kind]) {
    if ((rest & b) === b) {
      out.push(n);
      rest &= ~b;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}

/** Names of the control message types (NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN). */
export const CONTROL_TYPES: ReadonlyMap<number, string> = new Map([
  [NLMSG.NLMSG_NOOP, 'NLMSG_NOOP'],
  [NLMSG.NLMSG_ERROR, 'NLMSG_ERROR'],
  [NLMSG.NLMSG_DONE, 'NLMSG_DONE'],
  [NLMSG.NLMSG_OVERRUN, 'NLMSG_OVERRUN'],
]);
