/**
 * One message of a reply as a reader sees it, straight from the receive buffer: converted while its
 * datagram is current, so only what the reader returns outlives it (see {@link Connection.dumpMap}).
 */
import type { NlMsgHeader } from './header.js';

/** A message of a dump, valid only during the reader's call. */
export interface EntryView {
  /** The datagram the message is in (the socket's reusable buffer: do not keep it). */
  readonly buf: Buffer;
  /** Offset of the message's nlmsghdr in `buf`. */
  readonly off: number;
  /** The message's nlmsghdr. */
  readonly nl: NlMsgHeader;
  /** A copy of the whole datagram, made once per datagram, with the same offsets: safe to keep. */
  stable(): Buffer;
}

/** Converts one entry; undefined leaves it out of the result. */
export type EntryReader<T> = (entry: EntryView) => T | undefined;

/** The view a connection reuses for every entry it hands to a reader. */
export class ReusableEntryView implements EntryView {
  /** The current datagram. */
  buf: Buffer = Buffer.alloc(0);
  /** Offset of the current message. */
  off = 0;
  /** The current message's nlmsghdr. */
  nl: NlMsgHeader = { len: 0, type: 0, flags: 0, seq: 0, pid: 0 };
  private copy: Buffer | undefined;

  /** Points the view at a new datagram. */
  datagram(buf: Buffer): void {
    this.buf = buf;
    this.copy = undefined;
  }

  /** A copy of the current datagram, made at most once per datagram. */
  stable(): Buffer {
    if (this.copy === undefined) {
      const c = Buffer.allocUnsafeSlow(this.buf.length);
      this.buf.copy(c);
      this.copy = c;
    }
    return this.copy;
  }
}
