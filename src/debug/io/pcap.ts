/**
 * pcap and pcapng captures of netlink traffic (LINKTYPE_NETLINK, 253), read and written.
 *
 * Every packet of such a capture starts with a 16-byte "cooked" header in the layout of
 * LINKTYPE_LINUX_SLL, as libpcap writes it for nlmon devices and as Wireshark's netlink dissector
 * (packet-netlink.c) reads it. All its fields are big-endian:
 *
 * ```text
 * offset size field
 *      0    2 pkttype   PACKET_HOST (0) = from the kernel, PACKET_OUTGOING (4) = to the kernel
 *      2    2 hatype    ARPHRD_NETLINK (824); Wireshark ignores packets with anything else
 *      4    2 halen     0
 *      6    8 addr      zero
 *     14    2 protocol  the netlink family of the socket (0 = NETLINK_ROUTE, 16 = NETLINK_GENERIC, ...)
 *     16    . the datagram: netlink messages in host byte order (little-endian here)
 * ```
 *
 * The writer uses 0 and 4 as above, and 3 (PACKET_OTHERHOST) when the direction is unknown. The
 * reader also maps the kernel's nlmon marks PACKET_USER (6, to user space) to from-kernel and
 * PACKET_KERNEL (7, to kernel space) to to-kernel. Captures taken on a real nlmon device may mark
 * every packet PACKET_OUTGOING, since that is what packet taps see on transmit; their direction is
 * then a guess at best.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { type CapturedMessage, type Direction, InputError } from './types.js';

/** The pcap link type of netlink captures. */
export const LINKTYPE_NETLINK = 253;
/** The ARP hardware type of netlink devices, in the cooked header's hatype field. */
export const ARPHRD_NETLINK = 824;
/** Length of the cooked header in front of each netlink datagram. */
export const COOKED_HEADER_LEN = 16;

const PACKET_HOST = 0;
const PACKET_OTHERHOST = 3;
const PACKET_OUTGOING = 4;
const PACKET_USER = 6;
const PACKET_KERNEL = 7;

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;
const PCAP_HEADER_LEN = 24;
const PCAP_RECORD_LEN = 16;
const DEFAULT_SNAPLEN = 262144;

/** Which capture file format a buffer is in, judged by its first bytes. */
export type CaptureFormat = 'pcap' | 'pcapng';

/** What {@link readPcap} found. */
export interface PcapCapture {
  /** The file format. */
  format: CaptureFormat;
  /** The netlink family of the first packet (0 = NETLINK_ROUTE), when there is a packet. */
  family?: number;
  /** One entry per packet, in file order, with `family`, `direction` (when marked) and `timestamp`. */
  messages: CapturedMessage[];
}

/** Options of {@link writePcap} and {@link PcapWriter}. */
export interface PcapWriteOptions {
  /** Netlink family for messages that carry none (default 0, NETLINK_ROUTE). */
  family?: number;
  /** Timestamp resolution: microseconds (magic a1b2c3d4, the default) or nanoseconds (a1b23c4d). */
  resolution?: 'us' | 'ns';
  /** Byte order of the file's own fields (default little-endian); the datagrams are never changed. */
  endian?: 'little' | 'big';
  /** The snaplen written in the file header (default 262144). Packets are never cut. */
  snaplen?: number;
}

/**
 * Tells pcap from pcapng by the magic number, in either byte order.
 *
 * @returns the format, or undefined when the buffer starts with neither magic.
 */
export function captureFormat(bytes: Uint8Array): CaptureFormat | undefined {
  if (bytes.length < 4) return undefined;
  const dv = view(bytes);
  const be = dv.getUint32(0, false);
  const le = dv.getUint32(0, true);
  if (be === PCAPNG_SHB) return 'pcapng';
  for (const m of [PCAP_MAGIC_US, PCAP_MAGIC_NS]) if (be === m || le === m) return 'pcap';
  return undefined;
}

/**
 * Reads a classic pcap or a pcapng capture of netlink traffic.
 *
 * Classic pcap: both byte orders, microsecond and nanosecond magic; the link type must be
 * LINKTYPE_NETLINK. pcapng: sections in either byte order, interface descriptions (link type,
 * `if_tsresol`, `if_tsoffset`), enhanced, simple and (obsolete) packet blocks; other blocks are skipped,
 * and so are packets of interfaces that are not netlink.
 *
 * @throws {@link InputError} for anything malformed: bad magic, truncated blocks or records, a
 *   non-netlink link type, a packet shorter than the cooked header or with a hatype other than 824.
 */
export function readPcap(bytes: Uint8Array): PcapCapture {
  const format = captureFormat(bytes);
  if (format === undefined) {
    throw new InputError('not a pcap or pcapng file (unknown magic number)', { offset: 0 });
  }
  const messages = format === 'pcap' ? readClassic(bytes) : readNg(bytes);
  const capture: PcapCapture = { format, messages };
  if (messages.length > 0) capture.family = messages[0].family;
  return capture;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function directionOf(pkttype: number): Direction | undefined {
  if (pkttype === PACKET_OUTGOING || pkttype === PACKET_KERNEL) return 'to-kernel';
  if (pkttype === PACKET_HOST || pkttype === PACKET_USER) return 'from-kernel';
  return undefined;
}

/** Strips the cooked header of one packet and turns it into a message. */
function cookedPacket(
  packet: Uint8Array,
  origLen: number,
  timestamp: number | undefined,
  source: string,
  offset: number,
): CapturedMessage {
  if (packet.length < COOKED_HEADER_LEN) {
    throw new InputError(`${source}: ${packet.length} bytes, shorter than the 16-byte cooked header`, {
      offset,
    });
  }
  const dv = view(packet);
  const hatype = dv.getUint16(2, false);
  if (hatype !== ARPHRD_NETLINK) {
    throw new InputError(`${source}: cooked header hatype ${hatype} is not ARPHRD_NETLINK (824)`, {
      offset: offset + 2,
    });
  }
  const msg: CapturedMessage = {
    bytes: packet.slice(COOKED_HEADER_LEN),
    family: dv.getUint16(14, false),
    source: origLen > packet.length ? `${source} (cut to ${packet.length} of ${origLen} bytes)` : source,
  };
  const direction = directionOf(dv.getUint16(0, false));
  if (direction) msg.direction = direction;
  if (timestamp !== undefined) msg.timestamp = timestamp;
  return msg;
}

function readClassic(bytes: Uint8Array): CapturedMessage[] {
  if (bytes.length < PCAP_HEADER_LEN) {
    throw new InputError(`pcap file header is truncated (${bytes.length} of 24 bytes)`, { offset: 0 });
  }
  const dv = view(bytes);
  const raw = dv.getUint32(0, false);
  const le = raw !== PCAP_MAGIC_US && raw !== PCAP_MAGIC_NS;
  const magic = dv.getUint32(0, le);
  const fracPerSecond = magic === PCAP_MAGIC_NS ? 1e9 : 1e6;
  const linktype = dv.getUint32(20, le) & 0x0fffffff;
  if (linktype !== LINKTYPE_NETLINK) {
    throw new InputError(
      `pcap link type ${linktype} is not LINKTYPE_NETLINK (253); capture netlink on an nlmon device`,
      { offset: 20 },
    );
  }
  const out: CapturedMessage[] = [];
  let off = PCAP_HEADER_LEN;
  while (off < bytes.length) {
    const n = out.length + 1;
    if (bytes.length - off < PCAP_RECORD_LEN) {
      throw new InputError(`pcap packet ${n}: record header is truncated`, { offset: off });
    }
    const sec = dv.getUint32(off, le);
    const frac = dv.getUint32(off + 4, le);
    const inclLen = dv.getUint32(off + 8, le);
    const origLen = dv.getUint32(off + 12, le);
    const start = off + PCAP_RECORD_LEN;
    if (inclLen > bytes.length - start) {
      throw new InputError(
        `pcap packet ${n}: record says ${inclLen} bytes but only ${bytes.length - start} remain`,
        { offset: off + 8 },
      );
    }
    out.push(
      cookedPacket(
        bytes.subarray(start, start + inclLen),
        origLen,
        sec + frac / fracPerSecond,
        `pcap packet ${n}`,
        start,
      ),
    );
    off = start + inclLen;
  }
  return out;
}

/** What an IDB tells about its interface. */
interface NgInterface {
  linktype: number;
  snaplen: number;
  /** Timestamp units per second. */
  units: bigint;
  /** Seconds added to every timestamp (if_tsoffset). */
  tsOffset: number;
}

const BLOCK_IDB = 1;
const BLOCK_PB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

function readNg(bytes: Uint8Array): CapturedMessage[] {
  const dv = view(bytes);
  const out: CapturedMessage[] = [];
  let interfaces: NgInterface[] = [];
  let le = true;
  let packets = 0;
  let skipped = 0;
  let off = 0;
  while (off < bytes.length) {
    if (bytes.length - off < 12) throw new InputError('pcapng block header is truncated', { offset: off });
    if (dv.getUint32(off, false) === PCAPNG_SHB) {
      if (bytes.length - off < 28)
        throw new InputError('pcapng section header is truncated', { offset: off });
      const bom = dv.getUint32(off + 8, false);
      if (bom === PCAPNG_BOM) le = false;
      else if (dv.getUint32(off + 8, true) === PCAPNG_BOM) le = true;
      else throw new InputError('pcapng section header has a bad byte-order magic', { offset: off + 8 });
      const major = dv.getUint16(off + 12, le);
      if (major !== 1) throw new InputError(`pcapng major version ${major} is not 1`, { offset: off + 12 });
      interfaces = [];
    }
    const type = dv.getUint32(off, le);
    const total = dv.getUint32(off + 4, le);
    if (total < 12 || total % 4 !== 0 || total > bytes.length - off) {
      throw new InputError(`pcapng block of type 0x${type.toString(16)} has a bad length ${total}`, {
        offset: off + 4,
      });
    }
    if (dv.getUint32(off + total - 4, le) !== total) {
      throw new InputError(`pcapng block of type 0x${type.toString(16)}: trailing length does not match`, {
        offset: off + total - 4,
      });
    }
    const body = off + 8;
    const bodyEnd = off + total - 4;
    const need = (n: number, what: string): void => {
      if (bodyEnd - body < n) throw new InputError(`pcapng ${what} block is too short`, { offset: off });
    };
    if (type === BLOCK_IDB) {
      need(8, 'interface description');
      interfaces.push(readIdb(dv, body, bodyEnd, le));
    } else if (type === BLOCK_EPB || type === BLOCK_PB || type === BLOCK_SPB) {
      packets++;
      const source = `pcapng packet ${packets}`;
      let ifIndex = 0;
      let capLen: number;
      let origLen: number;
      let data: number;
      let ts: [number, number] | undefined;
      if (type === BLOCK_SPB) {
        need(4, 'simple packet');
        origLen = dv.getUint32(body, le);
        data = body + 4;
        const snap = interfaces[0]?.snaplen ?? 0;
        capLen = Math.min(origLen, bodyEnd - data, snap > 0 ? snap : origLen);
      } else {
        need(20, 'packet');
        if (type === BLOCK_EPB) ifIndex = dv.getUint32(body, le);
        else ifIndex = dv.getUint16(body, le);
        ts = [dv.getUint32(body + 4, le), dv.getUint32(body + 8, le)];
        capLen = dv.getUint32(body + 12, le);
        origLen = dv.getUint32(body + 16, le);
        data = body + 20;
        if (capLen > bodyEnd - data) {
          throw new InputError(`${source}: captured length ${capLen} overruns its block`, {
            offset: body + 12,
          });
        }
      }
      const iface = interfaces[ifIndex];
      if (!iface) {
        throw new InputError(`${source}: refers to interface ${ifIndex}, which was not described`, {
          offset: body,
        });
      }
      if (iface.linktype !== LINKTYPE_NETLINK) {
        skipped++;
      } else {
        const timestamp = ts ? ngTime(ts[0], ts[1], iface) : undefined;
        out.push(cookedPacket(bytes.subarray(data, data + capLen), origLen, timestamp, source, data));
      }
    }
    off += total;
  }
  if (out.length === 0 && skipped > 0) {
    throw new InputError(
      `pcapng has ${skipped} packets but none on a LINKTYPE_NETLINK (253) interface; capture on an nlmon device`,
    );
  }
  return out;
}

function readIdb(dv: DataView, body: number, bodyEnd: number, le: boolean): NgInterface {
  const iface: NgInterface = {
    linktype: dv.getUint16(body, le),
    snaplen: dv.getUint32(body + 4, le),
    units: 1_000_000n,
    tsOffset: 0,
  };
  let o = body + 8;
  while (bodyEnd - o >= 4) {
    const code = dv.getUint16(o, le);
    const len = dv.getUint16(o + 2, le);
    const value = o + 4;
    if (code === 0) break;
    if (len > bodyEnd - value) {
      throw new InputError(`pcapng interface option ${code} overruns its block`, { offset: o + 2 });
    }
    if (code === OPT_IF_TSRESOL && len >= 1) {
      const r = dv.getUint8(value);
      iface.units = r & 0x80 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r);
    } else if (code === OPT_IF_TSOFFSET && len >= 8) {
      iface.tsOffset = Number(dv.getBigInt64(value, le));
    }
    o = value + ((len + 3) & ~3);
  }
  return iface;
}

function ngTime(high: number, low: number, iface: NgInterface): number {
  const t = (BigInt(high) << 32n) | BigInt(low);
  return Number(t / iface.units) + Number(t % iface.units) / Number(iface.units) + iface.tsOffset;
}

function pkttypeOf(direction: Direction | undefined): number {
  if (direction === 'to-kernel') return PACKET_OUTGOING;
  if (direction === 'from-kernel') return PACKET_HOST;
  return PACKET_OTHERHOST;
}

/** The 24-byte classic pcap file header for netlink. */
function fileHeader(opts: PcapWriteOptions): Uint8Array {
  const out = new Uint8Array(PCAP_HEADER_LEN);
  const dv = view(out);
  const le = opts.endian !== 'big';
  dv.setUint32(0, opts.resolution === 'ns' ? PCAP_MAGIC_NS : PCAP_MAGIC_US, le);
  dv.setUint16(4, 2, le);
  dv.setUint16(6, 4, le);
  dv.setUint32(16, opts.snaplen ?? DEFAULT_SNAPLEN, le);
  dv.setUint32(20, LINKTYPE_NETLINK, le);
  return out;
}

/** One pcap record: record header, cooked header, datagram. */
function record(msg: CapturedMessage, opts: PcapWriteOptions, now: number): Uint8Array {
  const t = msg.timestamp ?? now;
  if (!Number.isFinite(t) || t < 0 || t >= 2 ** 32) {
    throw new RangeError(`timestamp ${t} does not fit a pcap record`);
  }
  const perSecond = opts.resolution === 'ns' ? 1e9 : 1e6;
  let sec = Math.floor(t);
  let frac = Math.round((t - sec) * perSecond);
  if (frac >= perSecond) {
    sec += 1;
    frac -= perSecond;
  }
  const len = COOKED_HEADER_LEN + msg.bytes.length;
  const out = new Uint8Array(PCAP_RECORD_LEN + len);
  const dv = view(out);
  const le = opts.endian !== 'big';
  dv.setUint32(0, sec, le);
  dv.setUint32(4, frac, le);
  dv.setUint32(8, len, le);
  dv.setUint32(12, len, le);
  dv.setUint16(16, pkttypeOf(msg.direction), false);
  dv.setUint16(18, ARPHRD_NETLINK, false);
  dv.setUint16(30, msg.family ?? opts.family ?? 0, false);
  out.set(msg.bytes, PCAP_RECORD_LEN + COOKED_HEADER_LEN);
  return out;
}

/**
 * Writes messages as a classic pcap file with LINKTYPE_NETLINK and the cooked header, readable by
 * {@link readPcap}, tcpdump and Wireshark.
 *
 * @param messages - datagrams in order; a missing timestamp is written as 0.
 * @returns the whole file.
 */
export function writePcap(messages: readonly CapturedMessage[], opts: PcapWriteOptions = {}): Uint8Array {
  const parts = [fileHeader(opts), ...messages.map((m) => record(m, opts, 0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Appends netlink datagrams to a pcap file as they happen (for `NLWIRE_TRACE=out.pcap`).
 *
 * The file header is written when the writer is created and each record with synchronous writes,
 * so whatever was written survives a crash of the process.
 */
export class PcapWriter {
  /** The file being written. */
  readonly path: string;
  private fd: number | undefined;
  private readonly opts: PcapWriteOptions;
  private written = 0;

  /**
   * Creates (or truncates) `path` and writes the pcap file header.
   *
   * @throws the file system's error when the file cannot be opened.
   */
  constructor(path: string, opts: PcapWriteOptions = {}) {
    this.path = path;
    this.opts = { ...opts };
    this.fd = openSync(path, 'w');
    this.writeAll(fileHeader(this.opts));
  }

  /** Number of messages written so far. */
  get count(): number {
    return this.written;
  }

  /** True until {@link PcapWriter.close} is called. */
  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  /**
   * Appends one datagram; a missing timestamp means now.
   *
   * @throws Error after {@link PcapWriter.close}.
   */
  write(msg: CapturedMessage): void {
    if (this.fd === undefined) throw new Error(`PcapWriter for ${this.path} is closed`);
    this.writeAll(record(msg, this.opts, Date.now() / 1000));
    this.written++;
  }

  /** Closes the file. Calling it again does nothing. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  private writeAll(buf: Uint8Array): void {
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd as number, buf, off, buf.length - off);
  }
}
