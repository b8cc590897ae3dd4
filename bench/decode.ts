/**
 * W6: decoding without the kernel. The dumps captured by bench/capture.ts (bench/data/*.pcap.gz) are
 * decoded over and over, message by message, the way a Connection does it (readHeader, decodeBody
 * with the protocol's spec) and then into the API's objects (toLink, routeFromMessage,
 * addressFromMessage), as Links.list, Routes.list and Addresses.list do.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { RTM } from '../src/constants/rtnetlink.js';
import { readPcap } from '../src/debug/io/pcap.js';
import { align } from '../src/netlink/align.js';
import { ReusableEntryView } from '../src/netlink/entry.js';
import { type NlMsgHeader, readHeader } from '../src/netlink/header.js';
import { decodeBody, type Message, type MessageSpec } from '../src/netlink/message.js';
import { addressFromMessage } from '../src/rtnl/addr/api.js';
import type { AddrAttrs } from '../src/rtnl/addr/attrs.js';
import type { IfAddrMsg } from '../src/rtnl/addr/ifaddrmsg.js';
import type { LinkAttrs } from '../src/rtnl/link/attrs.js';
import { readLink, toLink } from '../src/rtnl/link/link.js';
import type { IfInfoMsg } from '../src/rtnl/link/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { routeFromMessage } from '../src/rtnl/route/api.js';
import type { RouteAttrs } from '../src/rtnl/route/attrs.js';
import type { RtMsg } from '../src/rtnl/route/rtmsg.js';
import '../src/rtnl/link/messages.js';
import '../src/rtnl/link/kinds/index.js';
import '../src/rtnl/addr/messages.js';
import '../src/rtnl/route/messages.js';

/** The captures: file name in bench/data and the message type the dump answers with. */
export const CAPTURES = {
  link: { file: 'links.pcap.gz', type: RTM.RTM_NEWLINK },
  route: { file: 'routes.pcap.gz', type: RTM.RTM_NEWROUTE },
  address: { file: 'addresses.pcap.gz', type: RTM.RTM_NEWADDR },
} as const;

/** One object of a dump: its datagram and where its message starts. */
interface Slot {
  buf: Buffer;
  off: number;
}

/** The from-kernel messages of type `type` in a capture. */
export function loadDump(dataDir: string, file: string, type: number): Slot[] {
  const bytes = zlib.gunzipSync(fs.readFileSync(path.join(dataDir, file)));
  const slots: Slot[] = [];
  for (const m of readPcap(bytes).messages) {
    if (m.direction !== 'from-kernel') continue;
    const buf = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
    for (let p = 0; p < buf.length; ) {
      const nl = readHeader(buf, p, buf.length);
      if (nl.type === type) slots.push({ buf, off: p });
      p += align(nl.len);
    }
  }
  if (!slots.length) throw new Error(`${file}: no messages of type ${type}`);
  return slots;
}

type Decoder = (buf: Buffer, off: number) => unknown;

/** A message, decoded as the Connection decodes it. */
function schemaDecode(buf: Buffer, off: number): Message {
  const nl: NlMsgHeader = readHeader(buf, off, buf.length);
  const spec = rtnetlink.spec(nl.type) as MessageSpec;
  return decodeBody(spec, buf, off, nl);
}

const DECODERS: Record<keyof typeof CAPTURES, Decoder> = {
  link: (buf, off) => toLink(schemaDecode(buf, off) as Message<IfInfoMsg, LinkAttrs>),
  route: (buf, off) => routeFromMessage(schemaDecode(buf, off) as Message<RtMsg, RouteAttrs>),
  address: (buf, off) => addressFromMessage(schemaDecode(buf, off) as Message<IfAddrMsg, AddrAttrs>),
};

/**
 * A link as Links.list reads it (readLink through an EntryView): the lifted fields now, the rest on
 * first access, from a copy of the datagram made once per datagram, as a Connection makes it.
 */
function lazyLink(): Decoder {
  const view = new ReusableEntryView();
  return (buf, off) => {
    if (view.buf !== buf) view.datagram(buf);
    view.off = off;
    view.nl = readHeader(buf, off, buf.length);
    return readLink(view);
  };
}

/** Keeps results reachable so the decoding cannot be optimised away. */
let sink: unknown;

/**
 * Microseconds per object: after a warm-up of a quarter of `minMs`, passes over `slots` in ten blocks
 * of about `minMs / 10` each; the fastest block counts (the least disturbed by other work on the
 * machine; each block is long enough to include its share of garbage collection).
 */
export function usPerObject(slots: readonly Slot[], decode: Decoder, minMs: number): number {
  const pass = (): void => {
    for (const s of slots) sink = decode(s.buf, s.off);
  };
  for (let t = performance.now(); performance.now() - t < minMs / 4; ) pass();
  let best = Number.POSITIVE_INFINITY;
  for (let block = 0; block < 10; block++) {
    let objects = 0;
    const t0 = performance.now();
    while (objects === 0 || performance.now() - t0 < minMs / 10) {
      pass();
      objects += slots.length;
    }
    best = Math.min(best, ((performance.now() - t0) * 1000) / objects);
  }
  return best;
}

/** Runs a phase, possibly profiling it (the worker's `timed`). */
export type PhaseRunner = (fn: () => Promise<unknown>, phase?: string) => Promise<number>;

/**
 * W6's metrics: µs per link, route and address, with and without building the API object. `phase`
 * wraps each full decode (named link, route, address) so the worker can profile it.
 */
export async function timeDecode(
  dataDir: string,
  minMs: number,
  phase: PhaseRunner = async (fn) => {
    await fn();
    return 0;
  },
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [kind, c] of Object.entries(CAPTURES) as [keyof typeof CAPTURES, (typeof CAPTURES)['link']][]) {
    const slots = loadDump(dataDir, c.file, c.type);
    out[`${kind}Schema`] = usPerObject(slots, schemaDecode, minMs);
    await phase(async () => {
      out[kind] = usPerObject(slots, DECODERS[kind], minMs);
    }, kind);
    out[`${kind}Count`] = slots.length;
    if (kind === 'link') out.linkLazy = usPerObject(slots, lazyLink(), minMs);
  }
  if (sink === undefined) throw new Error('nothing decoded');
  return out;
}
