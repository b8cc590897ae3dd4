/**
 * `nlwire decode`: any captured input (raw bytes, hex text, pcap, pcapng, strace) to the debugger's
 * tree, one entry per datagram with what the capture says about it.
 */
import { describeDatagram, type MessageNode } from '../netlink/describe.js';
import { NlwireError } from '../netlink/errors.js';
import type { Protocol } from '../netlink/message.js';
import { type InputKind, readCaptured } from './io/detect.js';
import { type Direction, InputError } from './io/types.js';
import { protocolFor } from './protocols.js';

/** One datagram of the input, decoded. */
export interface DecodedDatagram {
  /** Where it came from (`pcap packet 3`, `strace line 12`, `hex input`). */
  source: string;
  /** Which way it went, when the capture tells. */
  direction?: Direction;
  /** When it was captured, in seconds, when the capture tells. */
  timestamp?: number;
  /** The process that sent or received it (strace). */
  pid?: number;
  /** The system call that carried it (strace). */
  syscall?: string;
  /** The netlink protocol (0 = NETLINK_ROUTE), when the capture tells. */
  family?: number;
  /** The datagram's bytes. */
  bytes: Uint8Array;
  /** Its messages: offsets count from the start of the datagram. */
  messages: MessageNode[];
  /** Zero bytes after the last message (the kernel ignores them), as hex. */
  trailing?: string;
}

/** Options of {@link decode}. */
export interface DecodeOptions {
  /** What the input is; detected when left out (see `detectInput`). */
  format?: InputKind;
  /** The catalog to decode with; by default chosen from the capture's netlink family (rtnetlink). */
  protocol?: Protocol;
}

/**
 * Decodes every datagram of an input.
 *
 * @param input - the input's bytes: netlink messages as they are, hex text, a pcap/pcapng capture of
 *   netlink traffic, or strace output.
 * @returns one entry per datagram, in order.
 * @throws {@link InputError} (one line, naming the datagram and offset) when the input is not valid for
 *   its format or a datagram does not split into netlink messages; payloads that do not decode are shown
 *   as hex in the tree instead.
 */
export function decode(input: Uint8Array, opts: DecodeOptions = {}): DecodedDatagram[] {
  const captured = readCaptured(input, opts.format);
  return captured.messages.map((m, i) => {
    const source = m.source ?? `datagram ${i + 1}`;
    const protocol = opts.protocol ?? protocolFor(m.family ?? captured.family);
    const buf = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
    let described: ReturnType<typeof describeDatagram>;
    try {
      described = describeDatagram(protocol, buf);
    } catch (e) {
      if (!(e instanceof NlwireError)) throw e;
      const offset = (e as { offset?: number }).offset;
      throw new InputError(`${source}: ${e.message}`, offset === undefined ? {} : { offset });
    }
    if (described.messages.length === 0)
      throw new InputError(
        buf.length === 0
          ? `${source}: empty datagram (no netlink message)`
          : `${source}: no netlink message, only ${buf.length} zero bytes`,
      );
    const d: DecodedDatagram = { source, bytes: m.bytes, messages: described.messages };
    if (m.direction) d.direction = m.direction;
    if (m.timestamp !== undefined) d.timestamp = m.timestamp;
    if (m.pid !== undefined) d.pid = m.pid;
    if (m.syscall !== undefined) d.syscall = m.syscall;
    const family = m.family ?? captured.family;
    if (family !== undefined) d.family = family;
    if (described.trailing) d.trailing = described.trailing;
    return d;
  });
}
