import { align, NLA_HDRLEN } from './align.js';
import { ValidationError } from './errors.js';

/**
 * A growable little-endian byte writer for netlink messages. Nested attributes and messages are
 * written by remembering where they start and patching their length when they end.
 */
export class Writer {
  /** The underlying buffer; bytes [0, length) are written. */
  buf: Buffer;
  /** Number of bytes written. */
  length = 0;

  constructor(initial = 4096) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Makes room for n more bytes. */
  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** Discards everything written. */
  reset(): void {
    this.length = 0;
  }

  /** The written bytes (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
  }
  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(v & 0xffff, this.length);
    this.length += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.length);
    this.length += 4;
  }
  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  /** Pads with zeros to a 4-byte boundary. */
  pad(): void {
    let n = align(this.length) - this.length;
    if (n === 0) return;
    this.ensure(n);
    // At most 3 bytes: stores, not Buffer#fill (whose argument checks cost more than the work).
    const b = this.buf;
    while (n--) b[this.length++] = 0;
  }

  /** Starts an attribute header; returns its offset for {@link endAttr}. */
  startAttr(type: number): number {
    const at = this.length;
    this.ensure(NLA_HDRLEN);
    const b = this.buf;
    b[at] = 0;
    b[at + 1] = 0;
    b[at + 2] = type & 0xff;
    b[at + 3] = (type >>> 8) & 0xff;
    this.length = at + NLA_HDRLEN;
    return at;
  }
  /** Patches nla_len (unpadded, as the kernel does) and pads to 4 bytes. */
  endAttr(at: number): void {
    const len = this.length - at;
    if (len > 0xffff)
      throw new ValidationError('attribute length', len, 'nla_len is 16 bits (at most 65535)');
    const b = this.buf;
    b[at] = len & 0xff;
    b[at + 1] = len >>> 8;
    this.pad();
  }
}
