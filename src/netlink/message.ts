/**
 * Messages: a netlink family's catalog of message types (header struct + attribute set per type),
 * splitting datagrams into messages, and the control messages every family shares (NLMSG_ERROR with
 * its extended ack, NLMSG_DONE).
 */
import { NLM_F, NLMSG, NLMSGERR_ATTR } from '../constants/netlink.js';
import { align, NLMSG_HDRLEN } from './align.js';
import { binary, type DecodeContext, string, u32 } from './codec.js';
import type { EntryReader, EntryView } from './entry.js';
import { DecodeError } from './errors.js';
import { endMessage, type MessageKind, type NlMsgHeader, readHeader, startMessage } from './header.js';
import { type AttrSet, attrSet } from './schema.js';
import type { StructCodec } from './struct.js';
import type { Writer } from './writer.js';

/** One message type of a family: its name, kind, fixed header and attributes. */
export interface MessageSpec<H = unknown, A extends object = Record<string, unknown>> {
  /** The kernel's name, e.g. RTM_NEWLINK. */
  readonly name: string;
  /** nlmsg_type. */
  readonly type: number;
  /** Decides how flags are named. */
  readonly kind: MessageKind;
  /** The family header (ifinfomsg, rtmsg...). */
  readonly header: StructCodec<H>;
  /** The attributes after it. */
  readonly attrs: AttrSet<A>;
  /** API key of the header field that holds the address family, if any (sets DecodeContext.family). */
  readonly familyKey?: string;
}

/**
 * Makes the specs of one family's message types, which share a header and an attribute set:
 * `const spec = specsOf(ifaddrmsg, addrAttrs, 'family'); spec('RTM_NEWADDR', RTM.RTM_NEWADDR, 'new')`.
 */
export function specsOf<H, A extends object>(
  header: StructCodec<H>,
  attrs: AttrSet<A>,
  familyKey?: string,
): (name: string, type: number, kind: MessageKind) => MessageSpec<H, A> {
  return (name, type, kind) => ({ name, type, kind, header, attrs, familyKey });
}

/** A netlink family's messages (NETLINK_ROUTE: RTM_*), by type. */
export class Protocol {
  /** The family's name, e.g. NETLINK_ROUTE. */
  readonly name: string;
  /** The netlink protocol number passed to socket(2). */
  readonly number: number;
  private readonly specs = new Map<number, MessageSpec>();

  constructor(name: string, number: number) {
    this.name = name;
    this.number = number;
  }

  /** Adds message specs. */
  register(...specs: MessageSpec<unknown, object>[]): void {
    for (const s of specs) this.specs.set(s.type, s as unknown as MessageSpec);
  }

  /** The spec of a message type, if known. */
  spec(type: number): MessageSpec | undefined {
    return this.specs.get(type);
  }

  /** All registered specs. */
  all(): IterableIterator<MessageSpec> {
    return this.specs.values();
  }
}

/** A decoded message: its nlmsghdr, family header and attributes. */
export interface Message<H = unknown, A = unknown> {
  /** The nlmsghdr. */
  nl: NlMsgHeader;
  /** The family header. */
  header: H;
  /** The attributes. */
  attrs: A;
}

/** Offsets of one message inside a datagram. */
export interface MessageSlice {
  /** The decoded nlmsghdr. */
  nl: NlMsgHeader;
  /** Offset of the nlmsghdr in the buffer. */
  offset: number;
}

/** Splits buf[off, end) into messages; throws DecodeError on a bad length. */
export function splitMessages(buf: Buffer, off = 0, end = buf.length): MessageSlice[] {
  const out: MessageSlice[] = [];
  let p = off;
  while (p < end) {
    const nl = readHeader(buf, p, end);
    out.push({ nl, offset: p });
    p += align(nl.len);
  }
  return out;
}

/** A message's family header, decoded, and where its attributes lie. */
export interface BodyHead<H> {
  /** The family header. */
  header: H;
  /** Offset of the first attribute. */
  attrsAt: number;
  /** Bytes of attributes (0 when there are none). */
  attrsLen: number;
}

/** Decodes a message's family header and finds its attributes; throws DecodeError when the header does not fit. */
export function decodeHead<H, A extends object>(
  spec: MessageSpec<H, A>,
  buf: Buffer,
  off: number,
  nl: NlMsgHeader,
): BodyHead<H> {
  const start = off + NLMSG_HDRLEN;
  const end = off + nl.len;
  const hsize = spec.header.size;
  if (start + hsize > end)
    throw new DecodeError(
      `${spec.name}: ${spec.header.typeName} needs ${hsize} bytes, has ${end - start}`,
      start,
    );
  const header = spec.header.decode(buf, start, hsize, {});
  const attrsAt = start + align(hsize);
  return { header, attrsAt, attrsLen: attrsAt < end ? end - attrsAt : 0 };
}

/** The decode context of a message with this header (its family, when the spec names the field). */
export function contextOf<H>(spec: MessageSpec<H, object>, header: H): DecodeContext {
  return spec.familyKey ? { family: (header as Record<string, number>)[spec.familyKey] } : {};
}

/** Decodes a message body with its spec (header struct, then attributes). */
export function decodeBody<H, A extends object>(
  spec: MessageSpec<H, A>,
  buf: Buffer,
  off: number,
  nl: NlMsgHeader,
): Message<H, A> {
  const { header, attrsAt, attrsLen } = decodeHead(spec, buf, off, nl);
  const attrs = attrsLen ? spec.attrs.decode(buf, attrsAt, attrsLen, contextOf(spec, header)) : ({} as A);
  return { nl, header, attrs };
}

/** Throws DecodeError unless the entry is a message of type `spec` (a dump answers with one type). */
export function expectEntry(spec: MessageSpec<unknown, object>, e: EntryView): void {
  if (e.nl.type !== spec.type)
    throw new DecodeError(`expected ${spec.name} in the dump, got message type ${e.nl.type}`, e.off);
}

/** Encodes a message of `spec` into w; returns the message's offset. */
export function encodeMessage<H, A extends object>(
  w: Writer,
  spec: MessageSpec<H, A>,
  flags: number,
  seq: number,
  header: H,
  attrs: A,
  pid = 0,
): number {
  const at = startMessage(w, spec.type, flags, seq, pid);
  spec.header.encode(w, header, spec.header.typeName);
  w.pad();
  const ctx: DecodeContext = spec.familyKey
    ? { family: (header as Record<string, number | undefined>)[spec.familyKey] ?? 0 }
    : {};
  spec.attrs.encode(w, attrs, spec.name, ctx);
  endMessage(w, at);
  return at;
}

/** The extended-ack attributes of NLMSG_ERROR and NLMSG_DONE (NLMSGERR_ATTR_*). */
export const extAckSet = attrSet('NLMSGERR_ATTR', NLMSGERR_ATTR, {
  msg: ['NLMSGERR_ATTR_MSG', string],
  offs: ['NLMSGERR_ATTR_OFFS', u32],
  cookie: ['NLMSGERR_ATTR_COOKIE', binary],
  policy: ['NLMSGERR_ATTR_POLICY', binary],
  missType: ['NLMSGERR_ATTR_MISS_TYPE', u32],
  missNest: ['NLMSGERR_ATTR_MISS_NEST', u32],
});

/** A decoded NLMSG_ERROR: error 0 is an ack. */
export interface ErrorPayload {
  /** Negative errno, or 0 for an ack. */
  error: number;
  /** The header of the request it answers. */
  request: NlMsgHeader;
  /** Offset of the echoed request's payload (after its header) in the datagram, when not capped. */
  requestPayloadOffset?: number;
  /** Extended ack attributes, when NLM_F_ACK_TLVS is set. */
  extAck: ExtAckValue;
}

/** Decoded extended ack. */
export interface ExtAckValue {
  /** NLMSGERR_ATTR_MSG: the kernel's text. */
  msg?: string;
  /** NLMSGERR_ATTR_OFFS: offset of the offending attribute in the request. */
  offs?: number;
  /** NLMSGERR_ATTR_COOKIE. */
  cookie?: Uint8Array;
  /** NLMSGERR_ATTR_POLICY (nested policy description, raw). */
  policy?: Uint8Array;
  /** NLMSGERR_ATTR_MISS_TYPE: a required attribute that was missing. */
  missType?: number;
  /** NLMSGERR_ATTR_MISS_NEST: offset of the nest the missing attribute belongs in. */
  missNest?: number;
}

/** Decodes the payload of an NLMSG_ERROR message at `off` (the nlmsghdr's offset). */
export function decodeError(buf: Buffer, off: number, nl: NlMsgHeader): ErrorPayload {
  const p = off + NLMSG_HDRLEN;
  const end = off + nl.len;
  if (p + 4 > end) throw new DecodeError('NLMSG_ERROR without an error code', p);
  const error = buf.readInt32LE(p);
  if (p + 4 + NLMSG_HDRLEN > end) throw new DecodeError('NLMSG_ERROR without the echoed header', p + 4);
  const rq = p + 4;
  const request: NlMsgHeader = {
    len: buf.readUInt32LE(rq),
    type: buf.readUInt16LE(rq + 4),
    flags: buf.readUInt16LE(rq + 6),
    seq: buf.readUInt32LE(rq + 8),
    pid: buf.readUInt32LE(rq + 12),
  };
  const capped = (nl.flags & NLM_F.NLM_F_CAPPED) !== 0;
  let tlv = rq + NLMSG_HDRLEN;
  let requestPayloadOffset: number | undefined;
  if (!capped) {
    if (request.len < NLMSG_HDRLEN || rq + request.len > end)
      throw new DecodeError(`echoed request length ${request.len} does not fit`, rq);
    requestPayloadOffset = rq + NLMSG_HDRLEN;
    tlv = rq + align(request.len);
  }
  const extAck: ExtAckValue =
    nl.flags & NLM_F.NLM_F_ACK_TLVS && tlv < end ? extAckSet.decode(buf, tlv, end - tlv, {}) : {};
  return { error, request, requestPayloadOffset, extAck };
}

/** Decodes the payload of an NLMSG_DONE: its error (0, or negative errno after a failed dump) and ext ack. */
export function decodeDone(
  buf: Buffer,
  off: number,
  nl: NlMsgHeader,
): { error: number; extAck: ExtAckValue } {
  const p = off + NLMSG_HDRLEN;
  const end = off + nl.len;
  if (p + 4 > end) return { error: 0, extAck: {} };
  const error = buf.readInt32LE(p);
  const extAck: ExtAckValue =
    nl.flags & NLM_F.NLM_F_ACK_TLVS && p + 4 < end ? extAckSet.decode(buf, p + 4, end - p - 4, {}) : {};
  return { error, extAck };
}

/** True for NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE and NLMSG_OVERRUN. */
export function isControl(type: number): boolean {
  return type < NLMSG.NLMSG_MIN_TYPE;
}

/**
 * A dump reader (see Connection.dumpMap) that decodes each entry of type `spec` and converts it at
 * once, so the decoded message dies young and only the converted object is kept.
 */
export function convertEntries<H, A extends object, T>(
  spec: MessageSpec<H, A>,
  convert: (m: Message<H, A>) => T | undefined,
): EntryReader<T> {
  return (e) => {
    expectEntry(spec as MessageSpec<unknown, object>, e);
    return convert(decodeBody(spec, e.buf, e.off, e.nl));
  };
}
