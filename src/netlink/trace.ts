/**
 * Tracing: every datagram a connection sends or receives, to a pcap file (Wireshark/tshark open it
 * as netlink) or as decoded text on stderr. `NLWIRE_TRACE=out.pcap` or `NLWIRE_TRACE=stderr` turns it
 * on for every connection of the process.
 */
import { PcapWriter } from '../debug/io/pcap.js';
import { describeMessages, type MessageNode } from './describe.js';
import type { Protocol } from './message.js';

/** Receives each datagram as it is sent or received. The bytes are only valid during the call. */
export type TraceSink = (direction: 'to-kernel' | 'from-kernel', bytes: Buffer) => void;

const writers = new Map<string, PcapWriter>();

/** A sink appending to a pcap file (one writer per path per process, shared by connections). */
export function pcapTrace(path: string, protocol = 0): TraceSink {
  let w = writers.get(path);
  if (!w) {
    w = new PcapWriter(path, { family: protocol });
    writers.set(path, w);
    process.once('exit', () => w?.close());
  }
  const writer = w;
  return (direction, bytes) => writer.write({ bytes: new Uint8Array(bytes), direction });
}

/** One line per message: direction, type, flags, seq and the first attributes. */
export function summarize(n: MessageNode): string {
  const arrow = n.direction === 'to-kernel' ? '>' : '<';
  const err = n.error
    ? ` ${n.error.name ?? 'ack'}${n.error.ext_ack ? ` ${JSON.stringify(n.error.ext_ack.map((a) => a.value))}` : ''}`
    : '';
  const attrs = (n.attributes ?? [])
    .slice(0, 6)
    .map(
      (a) =>
        `${a.name ?? a.type}${a.value !== undefined && typeof a.value !== 'object' ? `=${a.value}` : ''}`,
    )
    .join(' ');
  return `${arrow} ${n.nlmsg_type_name ?? n.nlmsg_type} seq=${n.nlmsg_seq} ${n.nlmsg_flags_names.join('|')}${err}${attrs ? ` ${attrs}` : ''}`;
}

/** A sink printing one decoded line per message to stderr. */
export function textTrace(
  protocol: Protocol,
  out: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): TraceSink {
  return (_direction, bytes) => {
    try {
      for (const n of describeMessages(protocol, bytes)) out(summarize(n));
    } catch (e) {
      out(`! undecodable datagram of ${bytes.length} bytes: ${(e as Error).message}`);
    }
  };
}

/** The sink NLWIRE_TRACE asks for, if any. */
export function traceFromEnv(protocol: Protocol): TraceSink | undefined {
  const v = process.env.NLWIRE_TRACE;
  if (!v) return undefined;
  if (v === 'stderr' || v === '1') return textTrace(protocol);
  return pcapTrace(v, protocol.number);
}
