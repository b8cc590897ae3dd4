/**
 * The debugger's view of messages: every field named as the kernel names it, with offsets, so the
 * teacher can annotate bytes and `encode` can rebuild them exactly. Built from the same declarations
 * as the typed decoder.
 */

import { ERRNO_NAMES } from '../constants/errno.js';
import { NLM_F, NLMSG } from '../constants/netlink.js';
import { align, NLA_HDRLEN, NLA_TYPE_MASK, NLMSG_HDRLEN } from './align.js';
import { bitList, type Codec, type DecodeContext, type Json } from './codec.js';
import { encodeAttrNodes, encodePayload } from './encode-tree.js';
import { NlwireError } from './errors.js';
import { CONTROL_TYPES, flagNames, type MessageKind, type NlMsgHeader, readHeader } from './header.js';
import { extAckSet, type MessageSpec, type Protocol } from './message.js';
import {
  type ArrayCodec,
  AttrSet,
  type HeaderedCodec,
  NLA_F_NESTED,
  NLA_F_NET_BYTEORDER,
  type RecordsCodec,
  type SelectorCodec,
} from './schema.js';
import type { StructCodec } from './struct.js';
import { Writer } from './writer.js';

/** A struct shown with its C field names. */
export interface StructNode {
  /** The C struct name. */
  struct: string;
  /** C field name -> value. */
  fields: Record<string, Json>;
  /** C field name -> the name of its value or of its bits set, for fields declared with names. */
  names?: Record<string, string | string[]>;
}

/** One attribute in the debugger's tree. */
export interface AttrNode {
  /** Offset of the nlattr header in the input. */
  offset: number;
  /** nla_len as received (header + payload, without padding). */
  nla_len: number;
  /** Attribute type without flag bits. */
  type: number;
  /** The kernel's name, or null when unknown. */
  name: string | null;
  /** NLA_F_NESTED / NLA_F_NET_BYTEORDER when set. */
  flags?: string[];
  /** The codec's type name (u32, string, IFLA_VXLAN, ifinfomsg...). */
  kind?: string;
  /** A decoded scalar, string, address, array or struct (C field names). */
  value?: Json;
  /** The name of an enumerated value, or the names of the bits set. */
  value_names?: string | string[];
  /** The struct ahead of nested attributes (VETH_INFO_PEER's ifinfomsg). */
  header?: StructNode;
  /** Nested attributes. */
  attributes?: AttrNode[];
  /** Records of a record array (RTA_MULTIPATH's rtnexthop entries). */
  entries?: RecordNode[];
  /** The payload as hex: unknown attributes, or bytes a decoded value would not rebuild exactly. */
  hex?: string;
  /** Non-zero padding bytes after the payload, as hex. */
  pad?: string;
  /** Why the payload did not decode, when it did not. */
  error?: string;
  /**
   * Set when these bytes do not frame as an attribute (bad nla_len, or fewer than 4 bytes left):
   * then `hex` holds them all, header included, and they are written back as they are.
   */
  framing_error?: string;
}

/** One record of a record array. */
export interface RecordNode {
  /** Offset of the record. */
  offset: number;
  /** Its struct. */
  header: StructNode;
  /** Its attributes. */
  attributes: AttrNode[];
}

/** A decoded NLMSG_ERROR. */
export interface ErrorNode {
  /** Positive errno (0: an ack). */
  errno: number;
  /** errno name, or null for an ack. */
  name: string | null;
  /** The echoed request: its header, and its payload when not capped. */
  request: MessageNode;
  /** Extended-ack attributes. */
  ext_ack?: AttrNode[];
}

/** One message in the debugger's tree (the JSON `nlwire decode --json` prints). */
export interface MessageNode {
  /** Offset of the nlmsghdr in the input. */
  offset: number;
  nlmsg_len: number;
  nlmsg_type: number;
  nlmsg_type_name: string | null;
  nlmsg_flags: number;
  nlmsg_flags_names: string[];
  nlmsg_seq: number;
  nlmsg_pid: number;
  /** to-kernel for requests (NLM_F_REQUEST), from-kernel otherwise. */
  direction: 'to-kernel' | 'from-kernel';
  /** The family header (ifinfomsg, rtmsg...). */
  family_header?: StructNode;
  /** The attributes. */
  attributes?: AttrNode[];
  /** NLMSG_ERROR contents. */
  error?: ErrorNode;
  /** NLMSG_DONE contents. */
  done?: { error: number; name: string | null; ext_ack?: AttrNode[] };
  /** A payload shown as hex (unknown type, or bytes the decoded form would not rebuild). */
  hex?: string;
  /** Why the payload did not decode. */
  decode_error?: string;
  /** Non-zero padding bytes after the message, as hex. */
  pad?: string;
}

const hex = (buf: Buffer, a: number, b: number): string => buf.toString('hex', a, b);

function structNode(s: StructCodec<unknown>, buf: Buffer, off: number, len: number): StructNode {
  const fields = s.describe(buf, off, Math.min(len, s.size));
  const names = s.valueNames(fields);
  return Object.keys(names).length ? { struct: s.typeName, fields, names } : { struct: s.typeName, fields };
}

function flagsOf(raw: number): string[] | undefined {
  const f: string[] = [];
  if (raw & NLA_F_NESTED) f.push('NLA_F_NESTED');
  if (raw & NLA_F_NET_BYTEORDER) f.push('NLA_F_NET_BYTEORDER');
  return f.length ? f : undefined;
}

function siblingsOf(
  set: AttrSet<object>,
  buf: Buffer,
  off: number,
  len: number,
  ctx: DecodeContext,
): Record<string, unknown> {
  // Selectors look at scalar siblings only; decode those one by one so a bad neighbour does not hide them.
  const out: Record<string, unknown> = {};
  let p = off;
  const end = off + len;
  while (p + NLA_HDRLEN <= end) {
    const alen = buf.readUInt16LE(p);
    if (alen < NLA_HDRLEN || p + alen > end) break;
    const d = set.def(buf.readUInt16LE(p + 2));
    if (d && (d.codec.kind === 'string' || d.codec.kind === 'scalar')) {
      try {
        out[d.key] = d.codec.decode(buf, p + NLA_HDRLEN, alen - NLA_HDRLEN, ctx);
      } catch {
        /* left out */
      }
    }
    p += align(alen);
  }
  return out;
}

/** Describes the attributes in buf[off, off+len) with `set`. Never throws on bad attribute bytes. */
export function describeAttrs(
  set: AttrSet<object>,
  buf: Buffer,
  off: number,
  len: number,
  ctx: DecodeContext,
): AttrNode[] {
  const nodes: AttrNode[] = [];
  const end = off + len;
  let siblings: Record<string, unknown> | undefined;
  let p = off;
  while (p + NLA_HDRLEN <= end) {
    const alen = buf.readUInt16LE(p);
    const raw = buf.readUInt16LE(p + 2);
    const type = raw & NLA_TYPE_MASK;
    if (alen < NLA_HDRLEN || p + alen > end) {
      nodes.push({
        offset: p,
        nla_len: alen,
        type,
        name: null,
        hex: hex(buf, p, end),
        framing_error: `bad nla_len ${alen}`,
      });
      return nodes;
    }
    const d = set.def(type);
    const node: AttrNode = { offset: p, nla_len: alen, type, name: d?.name ?? null };
    const fl = flagsOf(raw);
    if (fl) node.flags = fl;
    if (!d) node.hex = hex(buf, p + NLA_HDRLEN, p + alen);
    else {
      let codec = d.codec;
      if (codec.kind === 'selector') {
        siblings ??= siblingsOf(set, buf, off, len, ctx);
        codec = (codec as SelectorCodec).pick(siblings, ctx);
      }
      describeValue(node, codec, buf, p + NLA_HDRLEN, alen - NLA_HDRLEN, ctx);
    }
    const padEnd = Math.min(p + align(alen), end);
    for (let i = p + alen; i < padEnd; i++)
      if (buf[i] !== 0) {
        node.pad = hex(buf, p + alen, padEnd);
        break;
      }
    nodes.push(node);
    p += align(alen);
  }
  if (p < end)
    nodes.push({
      offset: p,
      nla_len: end - p,
      type: -1,
      name: null,
      hex: hex(buf, p, end),
      framing_error: 'trailing bytes',
    });
  return nodes;
}

/** Fills node with the decoded payload of `codec`; falls back to hex when it does not rebuild exactly. */
export function describeValue(
  node: AttrNode,
  codec: Codec<unknown>,
  buf: Buffer,
  off: number,
  len: number,
  ctx: DecodeContext,
): void {
  node.kind = codec.typeName;
  try {
    switch (codec.kind) {
      case 'nested':
        if (codec instanceof AttrSet) node.attributes = describeAttrs(codec, buf, off, len, ctx);
        else {
          const h = codec as HeaderedCodec<unknown, object>;
          node.header = structNode(h.header, buf, off, len);
          const hl = align(h.header.size);
          node.attributes = len > hl ? describeAttrs(h.set, buf, off + hl, len - hl, ctx) : [];
        }
        break;
      case 'records': {
        const r = codec as RecordsCodec<unknown, object>;
        r.decode(buf, off, len, ctx);
        node.entries = [];
        let p = off;
        while (p + r.header.size <= off + len) {
          const rlen = buf.readUInt16LE(p + r.header.fields.find((f) => f.cName === r.lengthField)!.offset);
          const hl = align(r.header.size);
          node.entries.push({
            offset: p,
            header: structNode(r.header, buf, p, r.header.size),
            attributes: rlen > hl ? describeAttrs(r.set, buf, p + hl, rlen - hl, ctx) : [],
          });
          p += align(rlen);
        }
        break;
      }
      case 'array': {
        const a = codec as ArrayCodec<unknown>;
        if (a.indexed) {
          const items = a.decode(buf, off, len, ctx);
          node.value = items.map((x) => a.element.toJSON(x));
        } else {
          const items = a.decode(buf, off, len, ctx);
          if (a.names) {
            const o: Record<string, Json> = {};
            items.forEach((x, i) => {
              o[a.names?.get(i) ?? String(i)] = a.element.toJSON(x);
            });
            node.value = o;
          } else node.value = items.map((x) => a.element.toJSON(x));
        }
        break;
      }
      case 'struct': {
        const s = codec as StructCodec<unknown>;
        node.value = s.describe(buf, off, len);
        break;
      }
      default: {
        const v = codec.decode(buf, off, len, ctx);
        node.value = codec.toJSON(v);
        if (typeof v === 'number') {
          if (codec.enumNames?.has(v)) node.value_names = codec.enumNames.get(v);
          else if (codec.bitNames) node.value_names = bitList(v, codec.bitNames);
        }
      }
    }
  } catch (e) {
    if (!(e instanceof NlwireError)) throw e;
    delete node.attributes;
    delete node.entries;
    delete node.header;
    delete node.value;
    node.hex = hex(buf, off, off + len);
    node.error = e.message;
    return;
  }
  // Keep the exact bytes whenever the decoded form would not rebuild them.
  const w = new Writer(len + 16);
  let same = false;
  try {
    encodePayload(node, codec, w, ctx);
    same = w.length === len && w.buf.compare(buf, off, off + len, 0, len) === 0;
  } catch {
    same = false;
  }
  if (!same) node.hex = hex(buf, off, off + len);
}

function kindOf(spec: MessageSpec | undefined, type: number): MessageKind {
  if (type === NLMSG.NLMSG_ERROR || type === NLMSG.NLMSG_DONE) return 'ack';
  return spec?.kind ?? 'other';
}

function headerNode(nl: NlMsgHeader, off: number, name: string | null, kind: MessageKind): MessageNode {
  return {
    offset: off,
    nlmsg_len: nl.len,
    nlmsg_type: nl.type,
    nlmsg_type_name: name,
    nlmsg_flags: nl.flags,
    nlmsg_flags_names: flagNames(nl.flags, kind),
    nlmsg_seq: nl.seq,
    nlmsg_pid: nl.pid,
    direction: nl.flags & NLM_F.NLM_F_REQUEST ? 'to-kernel' : 'from-kernel',
  };
}

/** Describes the body (after nlmsghdr) of a message with a known spec. */
function describeBody(node: MessageNode, spec: MessageSpec, buf: Buffer, start: number, end: number): void {
  const hsize = spec.header.size;
  node.family_header = structNode(spec.header, buf, start, end - start);
  let family: number | undefined;
  if (spec.familyKey) {
    const h = spec.header.decode(buf, start, Math.min(hsize, end - start), {}) as Record<string, number>;
    family = h[spec.familyKey];
  }
  const astart = start + align(hsize);
  if (end - start < hsize) {
    const w = new Writer(64);
    spec.header.encodeC(w, node.family_header.fields, 'header');
    if (w.length !== end - start || w.buf.compare(buf, start, end, 0, w.length) !== 0)
      node.hex = hex(buf, start, end);
    return;
  }
  // Attributes start after the header's padding; a message that ends inside that padding has none.
  if (astart <= end)
    node.attributes = astart < end ? describeAttrs(spec.attrs, buf, astart, end - astart, { family }) : [];
  // Bytes between the struct and the first attribute must be zero padding to rebuild exactly.
  for (let i = start + hsize; i < Math.min(astart, end); i++)
    if (buf[i] !== 0) {
      node.hex = hex(buf, start, end);
      return;
    }
  const w = new Writer(end - start + 16);
  spec.header.encodeC(w, node.family_header.fields, 'header');
  if (node.attributes) {
    w.pad();
    encodeAttrNodes(spec.attrs, node.attributes, w, { family });
  }
  if (w.length !== end - start || w.buf.compare(buf, start, end, 0, w.length) !== 0)
    node.hex = hex(buf, start, end);
}

/** Describes one message at `off` in buf (bounded by `end`). Throws DecodeError only on a bad nlmsghdr. */
export function describeMessage(protocol: Protocol, buf: Buffer, off: number, end = buf.length): MessageNode {
  const nl = readHeader(buf, off, end);
  const spec = protocol.spec(nl.type);
  const name = spec?.name ?? CONTROL_TYPES.get(nl.type) ?? null;
  const node = headerNode(nl, off, name, kindOf(spec, nl.type));
  const start = off + NLMSG_HDRLEN;
  const mend = off + nl.len;
  try {
    if (nl.type === NLMSG.NLMSG_ERROR) describeError(node, protocol, buf, start, mend, nl);
    else if (nl.type === NLMSG.NLMSG_DONE && mend - start >= 4) {
      const error = -buf.readInt32LE(start) || 0;
      node.done = { error, name: error ? (ERRNO_NAMES[error] ?? null) : null };
      if (mend - start > 4)
        node.done.ext_ack = describeAttrs(extAckSet, buf, start + 4, mend - start - 4, {});
    } else if (spec) describeBody(node, spec, buf, start, mend);
    else if (mend > start) node.hex = hex(buf, start, mend);
  } catch (e) {
    if (!(e instanceof NlwireError)) throw e;
    delete node.error;
    delete node.done;
    delete node.family_header;
    delete node.attributes;
    node.hex = hex(buf, start, mend);
    node.decode_error = e.message;
  }
  return node;
}

function describeError(
  node: MessageNode,
  protocol: Protocol,
  buf: Buffer,
  start: number,
  end: number,
  nl: NlMsgHeader,
): void {
  if (end - start < 4 + NLMSG_HDRLEN) {
    node.hex = hex(buf, start, end);
    node.decode_error = 'NLMSG_ERROR shorter than nlmsgerr';
    return;
  }
  const errno = -buf.readInt32LE(start) || 0;
  const rq = start + 4;
  const capped = (nl.flags & NLM_F.NLM_F_CAPPED) !== 0;
  const rqLen = buf.readUInt32LE(rq);
  let request: MessageNode;
  let tlv: number;
  if (!capped && rqLen >= NLMSG_HDRLEN && rq + rqLen <= end) {
    request = describeMessage(protocol, buf, rq, rq + rqLen);
    markPadding(request, buf.subarray(0, end), rq);
    tlv = rq + align(rqLen);
  } else {
    const h: NlMsgHeader = {
      len: rqLen,
      type: buf.readUInt16LE(rq + 4),
      flags: buf.readUInt16LE(rq + 6),
      seq: buf.readUInt32LE(rq + 8),
      pid: buf.readUInt32LE(rq + 12),
    };
    const spec = protocol.spec(h.type);
    request = headerNode(h, rq, spec?.name ?? CONTROL_TYPES.get(h.type) ?? null, kindOf(spec, h.type));
    tlv = rq + NLMSG_HDRLEN;
  }
  node.error = { errno, name: errno ? (ERRNO_NAMES[errno] ?? null) : null, request };
  if (tlv < end) node.error.ext_ack = describeAttrs(extAckSet, buf, tlv, end - tlv, {});
}

function markPadding(node: MessageNode, buf: Buffer, at: number): void {
  const a = at + node.nlmsg_len;
  const b = Math.min(at + align(node.nlmsg_len), buf.length);
  for (let i = a; i < b; i++)
    if (buf[i] !== 0) {
      node.pad = buf.toString('hex', a, b);
      return;
    }
}

/** Describes every message in buf (a datagram or several back to back). */
export function describeMessages(protocol: Protocol, buf: Buffer): MessageNode[] {
  const out: MessageNode[] = [];
  let p = 0;
  while (p < buf.length) {
    const node = describeMessage(protocol, buf, p);
    out.push(node);
    markPadding(node, buf, p);
    p += align(node.nlmsg_len);
  }
  return out;
}

/** A datagram as the debugger shows it: its messages, and bytes after them that the kernel ignores. */
export interface DatagramNode {
  /** The messages. */
  messages: MessageNode[];
  /** Bytes after the last message (iproute2 sends some requests padded with zeros), as hex. */
  trailing?: string;
}

/**
 * Describes a datagram the way the kernel reads one: messages until fewer than 16 bytes remain or a
 * header's nlmsg_len is 0 with only zeros after it (netlink_rcv_skb stops there too).
 */
export function describeDatagram(protocol: Protocol, buf: Buffer): DatagramNode {
  const messages: MessageNode[] = [];
  let p = 0;
  while (p < buf.length) {
    const rest = buf.subarray(p);
    if (rest.every((b) => b === 0)) return { messages, trailing: rest.toString('hex') };
    const node = describeMessage(protocol, buf, p);
    messages.push(node);
    markPadding(node, buf, p);
    p += align(node.nlmsg_len);
  }
  return { messages };
}

/** Finds the path of kernel names to the attribute that starts at or contains `offset`. */
export function attrPathAt(nodes: readonly AttrNode[] | undefined, offset: number): string[] {
  for (const n of nodes ?? []) {
    if (offset < n.offset || offset >= n.offset + Math.max(n.nla_len, NLA_HDRLEN)) continue;
    const name = n.name ?? `type ${n.type}`;
    const inner = n.attributes ?? n.entries?.flatMap((e) => e.attributes);
    if (offset === n.offset || !inner) return [name];
    const rest = attrPathAt(inner, offset);
    return [name, ...rest];
  }
  return [];
}
