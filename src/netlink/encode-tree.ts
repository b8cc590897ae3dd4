/**
 * The inverse of describe: rebuilds the exact bytes from the debugger's tree (`nlwire encode`).
 */
import { NLMSG } from '../constants/netlink.js';
import { NLA_TYPE_MASK } from './align.js';
import type { Codec, DecodeContext, Json } from './codec.js';
import type { AttrNode, MessageNode } from './describe.js';
import { ValidationError } from './errors.js';
import { startMessage } from './header.js';
import { extAckSet, type Protocol } from './message.js';
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

function rawHex(w: Writer, h: string, what: string): void {
  if (!/^([0-9a-fA-F]{2})*$/.test(h)) throw new ValidationError(what, h, 'expected hex');
  w.raw(Buffer.from(h, 'hex'));
}

/** Writes the payload of one attribute node with its codec. */
export function encodePayload(
  node: AttrNode,
  codec: Codec<unknown>,
  w: Writer,
  ctx: DecodeContext = {},
): void {
  if (node.hex !== undefined) return rawHex(w, node.hex, node.name ?? 'attribute');
  const what = node.name ?? `type ${node.type}`;
  switch (codec.kind) {
    case 'nested':
      if (codec instanceof AttrSet) return encodeAttrNodes(codec, node.attributes ?? [], w, ctx);
      {
        const h = codec as HeaderedCodec<unknown, object>;
        h.header.encodeC(w, node.header?.fields ?? {}, what);
        w.pad();
        return encodeAttrNodes(h.set, node.attributes ?? [], w, ctx);
      }
    case 'records': {
      const r = codec as RecordsCodec<unknown, object>;
      for (const e of node.entries ?? []) {
        const at = w.length;
        r.header.encodeC(w, e.header.fields, what);
        w.pad();
        encodeAttrNodes(r.set, e.attributes, w, ctx);
        const lf = r.header.fields.find((f) => f.cName === r.lengthField)!;
        w.buf.writeUInt16LE(w.length - at, at + lf.offset);
        w.pad();
      }
      return;
    }
    case 'array': {
      const a = codec as ArrayCodec<unknown>;
      const v = node.value;
      const list: Json[] = Array.isArray(v)
        ? v
        : v && typeof v === 'object'
          ? Object.values(v as Record<string, Json>)
          : [];
      return a.encode(
        w,
        list.map((x) => a.element.fromJSON(x, what)),
        what,
      );
    }
    case 'struct':
      return (codec as StructCodec<unknown>).encodeC(w, (node.value ?? {}) as Record<string, Json>, what);
    default:
      return codec.encode(w, codec.fromJSON(node.value ?? null, what), what, ctx);
  }
}

/** Writes attribute nodes with `set` (nla_len is recomputed; flags and padding come from the nodes). */
export function encodeAttrNodes(
  set: AttrSet<object>,
  nodes: readonly AttrNode[],
  w: Writer,
  ctx: DecodeContext = {},
): void {
  let siblings: Record<string, unknown> | undefined;
  for (const n of nodes) {
    if (n.framing_error !== undefined) {
      rawHex(w, n.hex ?? '', 'unframed bytes');
      continue;
    }
    let flags = 0;
    for (const f of n.flags ?? []) {
      if (f === 'NLA_F_NESTED') flags |= NLA_F_NESTED;
      else if (f === 'NLA_F_NET_BYTEORDER') flags |= NLA_F_NET_BYTEORDER;
    }
    const at = w.startAttr((n.type & NLA_TYPE_MASK) | flags);
    const d = set.def(n.type);
    if (!d) rawHex(w, n.hex ?? '', `attribute type ${n.type}`);
    else {
      let codec = d.codec;
      if (codec.kind === 'selector') {
        siblings ??= siblingValues(set, nodes);
        codec = (codec as SelectorCodec).pick(siblings, ctx);
      }
      encodePayload(n, codec, w, ctx);
    }
    const len = w.length - at;
    if (len > 0xffff) throw new ValidationError(n.name ?? 'attribute', len, 'longer than 65535 bytes');
    w.buf.writeUInt16LE(len, at);
    if (n.pad) rawHex(w, n.pad, 'padding');
    else w.pad();
  }
}

function siblingValues(set: AttrSet<object>, nodes: readonly AttrNode[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of nodes) {
    const d = set.def(n.type);
    if (!d || (d.codec.kind !== 'string' && d.codec.kind !== 'scalar') || n.value === undefined) continue;
    try {
      out[d.key] = d.codec.fromJSON(n.value, d.name);
    } catch {
      /* not usable as a selector */
    }
  }
  return out;
}

function writeHeader(w: Writer, n: MessageNode): number {
  return startMessage(w, n.nlmsg_type, n.nlmsg_flags, n.nlmsg_seq, n.nlmsg_pid);
}

/** Writes one message node (recomputing nlmsg_len). */
export function encodeMessageNode(protocol: Protocol, n: MessageNode, w: Writer): void {
  const at = writeHeader(w, n);
  if (n.hex !== undefined) rawHex(w, n.hex, 'payload');
  else if (n.nlmsg_type === NLMSG.NLMSG_ERROR && n.error) {
    w.ensure(4);
    w.buf.writeInt32LE(-n.error.errno, w.length);
    w.length += 4;
    const r = n.error.request;
    if (r.family_header || r.attributes || r.hex !== undefined || r.error || r.done)
      encodeMessageNode(protocol, r, w);
    else {
      const rat = writeHeader(w, r);
      w.buf.writeUInt32LE(r.nlmsg_len, rat);
    }
    // The echoed request is padded when anything follows it in the error message.
    if (r.pad) rawHex(w, r.pad, 'padding');
    else if (n.error.ext_ack || w.length - at < n.nlmsg_len) w.pad();
    if (n.error.ext_ack) encodeAttrNodes(extAckSet, n.error.ext_ack, w);
  } else if (n.nlmsg_type === NLMSG.NLMSG_DONE && n.done) {
    w.ensure(4);
    w.buf.writeInt32LE(-n.done.error, w.length);
    w.length += 4;
    if (n.done.ext_ack) encodeAttrNodes(extAckSet, n.done.ext_ack, w);
  } else {
    const spec = protocol.spec(n.nlmsg_type);
    if (spec && n.family_header) {
      spec.header.encodeC(w, n.family_header.fields, 'family header');
      if (n.attributes) {
        w.pad();
        const fam = spec.familyKey
          ? spec.header.fields.find((f) => f.key === spec.familyKey)?.cName
          : undefined;
        const family = fam !== undefined ? n.family_header.fields[fam] : undefined;
        encodeAttrNodes(spec.attrs, n.attributes, w, typeof family === 'number' ? { family } : {});
      }
    }
  }
  w.buf.writeUInt32LE(w.length - at, at);
}

/** Rebuilds the bytes of messages described by {@link describeMessages}. */
export function encodeMessageNodes(protocol: Protocol, nodes: readonly MessageNode[]): Buffer {
  const w = new Writer(4096);
  nodes.forEach((n, i) => {
    encodeMessageNode(protocol, n, w);
    if (n.pad) rawHex(w, n.pad, 'padding');
    else if (i < nodes.length - 1) w.pad();
  });
  return Buffer.from(w.bytes());
}
