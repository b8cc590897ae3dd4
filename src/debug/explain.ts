/**
 * `nlwire explain`: the teacher's annotated hex dump. Every byte of every datagram is shown once, at
 * most 16 a line, with what it is beside it: nlmsghdr fields, family header fields, each attribute's
 * nla_len and nla_type, the payload with its decoded value, padding marked as padding, nesting by
 * indentation.
 */

import { NLM_F } from '../constants/netlink.js';
import { align, NLA_HDRLEN, NLMSG_HDRLEN } from '../netlink/align.js';
import type { DecodeContext, Json } from '../netlink/codec.js';
import type { AttrNode, MessageNode, StructNode } from '../netlink/describe.js';
import { ValidationError } from '../netlink/errors.js';
import { extAckSet, type Protocol } from '../netlink/message.js';
import { type AttrSet, NLA_F_NESTED, NLA_F_NET_BYTEORDER } from '../netlink/schema.js';
import type { StructCodec } from '../netlink/struct.js';
import { type DecodedDatagram, decode } from './decode.js';
import { encode } from './encode.js';
import { extAckTarget, RequestIndex, type RequestLookup } from './ext-ack.js';
import type { InputKind } from './io/detect.js';
import type { JsonMessage } from './json.js';
import { protocolFor } from './protocols.js';
import { datagramTitle } from './tree.js';
import { attrCodec, type CodecShape, shapeOf, siblingValues } from './walk.js';

/** Bytes a line, at most, unless told otherwise. */
const LINE_BYTES = 8;
const IND = '  ';

/** One annotated span of bytes (length 0: a heading). */
export interface ExplainRow {
  /** Offset in the datagram. */
  offset: number;
  /** Number of bytes (0 for a heading line). */
  length: number;
  /** Nesting depth. */
  depth: number;
  /** What the bytes are. */
  text: string;
}

/** Options of {@link explain}. */
export interface ExplainOptions {
  /** The input's format, when it is bytes (detected otherwise). */
  format?: InputKind;
  /** The catalog to decode with (by default chosen by the capture's netlink family). */
  protocol?: Protocol;
  /** Bytes a line at most, 1 to 16 (default 8). */
  bytesPerLine?: number;
}

function jsonText(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function hex(buf: Uint8Array, off: number, len: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + off, len).toString('hex');
}

/** Builds the rows of one datagram. */
class Explainer {
  readonly rows: ExplainRow[] = [];

  constructor(
    private readonly buf: Uint8Array,
    private readonly protocol: Protocol,
    private readonly lookup: RequestLookup,
  ) {}

  private add(offset: number, length: number, depth: number, text: string): void {
    if (length < 0) return;
    this.rows.push({ offset, length, depth, text });
  }

  private heading(offset: number, depth: number, text: string): void {
    this.rows.push({ offset, length: 0, depth, text });
  }

  /** Rows for bytes [from, to) that are padding. */
  private padding(from: number, to: number, depth: number, what = 'padding'): void {
    if (to <= from) return;
    let zero = true;
    for (let i = from; i < to; i++) if (this.buf[i] !== 0) zero = false;
    this.add(from, to - from, depth, zero ? `${what} (to a 4-byte boundary)` : `${what}, not zero`);
  }

  /** Rows for a span shown as raw bytes. */
  private raw(from: number, to: number, depth: number, text: string): void {
    if (to > from) this.add(from, to - from, depth, text);
  }

  datagram(messages: readonly MessageNode[], trailing: boolean): void {
    let p = 0;
    for (const m of messages) {
      if (m.offset > p) this.padding(p, m.offset, 0, 'padding between messages');
      this.message(m, 0, m.offset + m.nlmsg_len);
      p = m.offset + m.nlmsg_len;
    }
    if (p < this.buf.length) {
      const to = trailing ? this.buf.length : Math.min(align(p), this.buf.length);
      if (trailing) this.raw(p, to, 0, 'zero bytes after the last message (the kernel ignores them)');
      else this.padding(p, to, 0);
      if (to < this.buf.length) this.raw(to, this.buf.length, 0, 'bytes after the last message');
    }
  }

  private message(m: MessageNode, depth: number, end: number): void {
    const o = m.offset;
    const typeName = m.nlmsg_type_name ?? `message type ${m.nlmsg_type}`;
    this.heading(
      o,
      depth,
      end - o < m.nlmsg_len
        ? `${typeName}: its 16-byte header only (the message had ${m.nlmsg_len} bytes)`
        : `${typeName} message, ${m.nlmsg_len} bytes`,
    );
    const d = depth + 1;
    this.heading(o, depth, 'struct nlmsghdr (16 bytes)');
    this.add(o, 4, d, `nlmsg_len = ${m.nlmsg_len}`);
    this.add(o + 4, 2, d, `nlmsg_type = ${m.nlmsg_type_name ?? 'unknown'} (${m.nlmsg_type})`);
    const flags = `0x${m.nlmsg_flags.toString(16).padStart(4, '0')}`;
    this.add(
      o + 6,
      2,
      d,
      `nlmsg_flags = ${m.nlmsg_flags_names.length ? `${m.nlmsg_flags_names.join('|')} (${flags})` : flags}`,
    );
    this.add(o + 8, 4, d, `nlmsg_seq = ${m.nlmsg_seq}`);
    this.add(
      o + 12,
      4,
      d,
      `nlmsg_pid = ${m.nlmsg_pid}${m.nlmsg_pid === 0 ? '' : ' (port id of the socket)'}`,
    );
    const start = o + NLMSG_HDRLEN;
    if (end <= start) return;
    if (m.error) return this.error(m, depth, start, end);
    if (m.done) {
      this.heading(start, depth, "payload: the dump's error code (int)");
      this.add(
        start,
        4,
        depth + 1,
        `error = ${m.done.error ? `-${m.done.error} (${m.done.name ?? 'errno'})` : '0 (dump complete)'}`,
      );
      if (m.done.ext_ack) {
        this.heading(start + 4, depth, 'extended ack (NLMSGERR_ATTR_*)');
        this.attrs(m.done.ext_ack, extAckSet, depth + 1, {}, end);
      }
      return;
    }
    const spec = this.protocol.spec(m.nlmsg_type);
    if (!spec || !m.family_header) {
      const why = m.decode_error
        ? `payload (could not decode: ${m.decode_error})`
        : spec
          ? 'payload'
          : `payload (no declaration for message type ${m.nlmsg_type} in ${this.protocol.name})`;
      this.raw(start, end, depth, why);
      return;
    }
    if (m.hex !== undefined)
      this.heading(
        start,
        depth,
        '(the decoded form would not rebuild these bytes exactly: encode keeps them as hex)',
      );
    const h = spec.header;
    const shown = this.struct(m.family_header, h, start, Math.min(h.size, end - start), depth);
    if (shown < h.size) {
      this.raw(start + shown, end, depth, `${h.typeName} is cut short: ${end - start} of ${h.size} bytes`);
      return;
    }
    const astart = start + align(h.size);
    this.padding(start + h.size, Math.min(astart, end), depth);
    let ctx: DecodeContext = {};
    if (spec.familyKey) {
      const f = h.fields.find((x) => x.key === spec.familyKey);
      const fam = f ? m.family_header.fields[f.cName] : undefined;
      if (typeof fam === 'number') ctx = { family: fam };
    }
    if (m.attributes && astart < end) {
      this.heading(astart, depth, `attributes (${spec.attrs.typeName}_*)`);
      this.attrs(m.attributes, spec.attrs, depth + 1, ctx, end);
    }
  }

  private error(m: MessageNode, depth: number, start: number, end: number): void {
    const e = m.error!;
    this.heading(start, depth, 'struct nlmsgerr: an error code, then the request it answers');
    this.add(
      start,
      4,
      depth + 1,
      `error = ${e.errno === 0 ? '0: an ack (success)' : `-${e.errno} (${e.name ?? 'unknown errno'})`}`,
    );
    const rq = e.request;
    const full = rq.family_header || rq.attributes || rq.hex !== undefined || rq.error || rq.done;
    const capped = (m.nlmsg_flags & NLM_F.NLM_F_CAPPED) !== 0;
    const rqEnd = full || rq.nlmsg_len <= NLMSG_HDRLEN ? rq.offset + rq.nlmsg_len : rq.offset + NLMSG_HDRLEN;
    this.heading(
      rq.offset,
      depth + 1,
      full
        ? 'msg: the request, echoed whole'
        : capped
          ? 'msg: the request, its header only (NLM_F_CAPPED)'
          : 'msg: the request, its header only',
    );
    this.message(rq, depth + 2, rqEnd);
    const tlv = full ? rq.offset + align(rq.nlmsg_len) : rq.offset + NLMSG_HDRLEN;
    this.padding(rqEnd, Math.min(tlv, end), depth);
    if (e.ext_ack?.length) {
      this.heading(tlv, depth, 'extended ack (NLMSGERR_ATTR_*, since NLM_F_ACK_TLVS is set)');
      const target = extAckTarget(m, this.lookup);
      this.attrs(e.ext_ack, extAckSet, depth + 1, {}, end, (a) =>
        a.name === 'NLMSGERR_ATTR_OFFS' && target ? `, pointing at ${target.join('/')} in the request` : '',
      );
    }
  }

  /** Rows for the fields of a struct at `off` (`len` bytes available); returns the bytes shown. */
  private struct(
    node: StructNode | undefined,
    codec: StructCodec<unknown>,
    off: number,
    len: number,
    depth: number,
  ): number {
    this.heading(off, depth, `struct ${codec.typeName} (${codec.size} bytes)`);
    let shown = 0;
    for (const f of codec.fields) {
      if (f.offset + f.size > len) break;
      const v = node?.fields[f.cName];
      const n = node?.names?.[f.cName];
      const named = n === undefined ? '' : ` (${Array.isArray(n) ? n.join('|') : n})`;
      this.add(
        off + f.offset,
        f.size,
        depth + 1,
        `${f.cName} = ${v === undefined ? hex(this.buf, off + f.offset, f.size) : jsonText(v)}${named}`,
      );
      shown = f.offset + f.size;
    }
    return shown;
  }

  private attrs(
    nodes: readonly AttrNode[],
    set: AttrSet<object> | undefined,
    depth: number,
    ctx: DecodeContext,
    end: number,
    note?: (a: AttrNode) => string,
  ): void {
    let sib: Record<string, unknown> | undefined;
    const siblings = (): Record<string, unknown> => (sib ??= set ? siblingValues(set, nodes) : {});
    for (const a of nodes) {
      if (a.framing_error !== undefined && end - a.offset < NLA_HDRLEN) {
        this.raw(a.offset, end, depth, `${end - a.offset} bytes left: too few for an attribute header`);
        continue;
      }
      const o = a.offset;
      const raw = this.buf[o + 2] | (this.buf[o + 3] << 8);
      const bad = a.framing_error !== undefined;
      const payload = a.nla_len - NLA_HDRLEN;
      this.add(
        o,
        2,
        depth,
        `nla_len = ${a.nla_len}${bad ? ` (bad: ${a.nla_len < NLA_HDRLEN ? 'shorter than the 4-byte header' : 'runs past its container'})` : payload === 0 ? ' (header only)' : ''}`,
      );
      const name = a.name ?? `unknown (no declaration for type ${a.type}${set ? ` in ${set.typeName}` : ''})`;
      const flagText = [
        raw & NLA_F_NESTED ? 'NLA_F_NESTED' : '',
        raw & NLA_F_NET_BYTEORDER ? 'NLA_F_NET_BYTEORDER' : '',
      ]
        .filter(Boolean)
        .join(' | ');
      this.add(
        o + 2,
        2,
        depth,
        `nla_type = ${flagText ? `0x${raw.toString(16).padStart(4, '0')}: ` : ''}${name}${a.name ? ` (${a.type})` : ''}${flagText ? ` | ${flagText}` : ''}`,
      );
      if (bad) {
        this.raw(o + NLA_HDRLEN, end, depth, 'the rest, not an attribute');
        return;
      }
      const pend = o + a.nla_len;
      const codec = attrCodec(set, a.type, siblings, ctx);
      this.payload(a, codec ? shapeOf(codec) : undefined, o + NLA_HDRLEN, pend, depth, ctx, note?.(a) ?? '');
      this.padding(pend, Math.min(align(pend), end), depth);
    }
  }

  private payload(
    a: AttrNode,
    shape: CodecShape | undefined,
    start: number,
    end: number,
    depth: number,
    ctx: DecodeContext,
    note: string,
  ): void {
    const len = end - start;
    const name = a.name ?? `type ${a.type}`;
    if (len === 0) {
      // Placed at the attribute's header: `start` is already the next attribute's offset.
      this.heading(
        start - NLA_HDRLEN,
        depth,
        shape?.shape === 'leaf' && shape.codec.kind === 'flag'
          ? `${name}: a flag, set by being present`
          : `${name}: empty payload`,
      );
      return;
    }
    const inexact = a.hex !== undefined;
    if (a.error || !shape || (inexact && a.value === undefined && !a.attributes && !a.entries && !a.header)) {
      const why = a.error ? `could not decode: ${a.error}` : !shape ? 'raw bytes' : 'kept as raw bytes';
      this.raw(start, end, depth, `${name} payload (${why})`);
      return;
    }
    const exact = inexact ? ' (re-encoding the value would differ, so encode keeps these bytes)' : '';
    switch (shape.shape) {
      case 'set':
        if (inexact) this.heading(start, depth + 1, exact.trim());
        this.attrs(a.attributes ?? [], shape.set, depth + 1, ctx, end);
        return;
      case 'headered': {
        const shown = this.struct(a.header, shape.header, start, Math.min(shape.header.size, len), depth + 1);
        if (shown < shape.header.size) return this.raw(start + shown, end, depth + 1, 'struct cut short');
        const astart = start + align(shape.header.size);
        this.padding(start + shape.header.size, Math.min(astart, end), depth + 1);
        if (astart < end) this.attrs(a.attributes ?? [], shape.set, depth + 1, ctx, end);
        return;
      }
      case 'records': {
        (a.entries ?? []).forEach((e, i) => {
          const rlen =
            this.buf[e.offset + shape.header.fields.find((f) => f.cName === shape.lengthField)!.offset] |
            (this.buf[
              e.offset + shape.header.fields.find((f) => f.cName === shape.lengthField)!.offset + 1
            ] <<
              8);
          this.heading(
            e.offset,
            depth + 1,
            `${shape.header.typeName} #${i + 1}: ${rlen} bytes (${shape.lengthField})`,
          );
          this.struct(e.header, shape.header, e.offset, shape.header.size, depth + 2);
          const astart = e.offset + align(shape.header.size);
          this.padding(e.offset + shape.header.size, astart, depth + 2);
          const rend = e.offset + rlen;
          if (astart < rend) this.attrs(e.attributes, shape.set, depth + 2, ctx, rend);
          this.padding(rend, Math.min(align(rend), end), depth + 1);
        });
        return;
      }
      case 'struct': {
        const fields = (a.value ?? {}) as Record<string, Json>;
        const shown = this.struct(
          { struct: shape.struct.typeName, fields },
          shape.struct,
          start,
          len,
          depth + 1,
        );
        if (shown < len)
          this.raw(
            start + shown,
            end,
            depth + 1,
            `bytes after struct ${shape.struct.typeName} (a newer kernel's fields)`,
          );
        return;
      }
      case 'array': {
        const arr = shape.array;
        const values = a.value;
        const list: Json[] = Array.isArray(values)
          ? values
          : values && typeof values === 'object'
            ? Object.values(values)
            : [];
        const keys =
          values && typeof values === 'object' && !Array.isArray(values) ? Object.keys(values) : undefined;
        this.heading(
          start,
          depth + 1,
          `${arr.typeName}: ${list.length} elements${arr.indexed ? ', each an attribute whose type is its index' : ''}`,
        );
        if (arr.indexed) {
          let p = start;
          for (const v of list) {
            if (p + NLA_HDRLEN > end) break;
            const alen = this.buf[p] | (this.buf[p + 1] << 8);
            const t = (this.buf[p + 2] | (this.buf[p + 3] << 8)) & 0x3fff;
            this.add(p, 2, depth + 1, `nla_len = ${alen}`);
            this.add(p + 2, 2, depth + 1, `nla_type = ${t} (index)`);
            this.raw(p + NLA_HDRLEN, p + alen, depth + 1, `[${t}] = ${jsonText(v)}`);
            this.padding(p + alen, Math.min(align(p + alen), end), depth + 1);
            p += align(alen);
          }
          return;
        }
        const size = arr.element.size ?? 0;
        list.forEach((v, i) => {
          this.add(start + i * size, size, depth + 1, `${keys ? keys[i] : `[${i}]`} = ${jsonText(v)}`);
        });
        return;
      }
      case 'leaf': {
        const v = a.value;
        let text: string;
        let why = exact;
        if (v === undefined) text = '';
        else if (shape.codec.kind === 'string') {
          const nul = this.buf[end - 1] === 0;
          text = `${JSON.stringify(v)}${nul ? '' : ' (no NUL terminator)'}`;
          if (!nul) why = '';
        } else if (shape.codec.kind === 'binary') text = `${len} bytes of binary data`;
        else if (Array.isArray(a.value_names) && typeof v === 'number')
          text = `0x${v.toString(16)} (${a.value_names.join('|') || 'no bits set'})`;
        else if (typeof a.value_names === 'string') text = `${jsonText(v)} (${a.value_names})`;
        else text = jsonText(v);
        const type = shape.codec.typeName;
        this.add(start, len, depth, `${name} = ${text}${note} [${type}]${why}`);
        return;
      }
    }
  }
}

/** Makes sure rows cover [0, length) once, in order: gaps become "unexplained" rows. */
function complete(rows: ExplainRow[], length: number): ExplainRow[] {
  const out: ExplainRow[] = [];
  let p = 0;
  for (const r of rows) {
    if (r.length === 0) {
      out.push(r);
      continue;
    }
    if (r.offset > p)
      out.push({ offset: p, length: r.offset - p, depth: r.depth, text: '(bytes not explained)' });
    if (r.offset + r.length <= p) continue; // already covered
    const from = Math.max(r.offset, p);
    out.push(from === r.offset ? r : { ...r, offset: from, length: r.offset + r.length - from });
    p = r.offset + r.length;
  }
  if (p < length) out.push({ offset: p, length: length - p, depth: 0, text: '(bytes not explained)' });
  return out.filter((r) => r.length > 0 || r.text !== '');
}

/**
 * The annotated rows of one decoded datagram: every byte once, in order (for tools; {@link explain}
 * prints them).
 */
export function explainRows(
  d: DecodedDatagram,
  protocol?: Protocol,
  lookup: RequestLookup = () => undefined,
): ExplainRow[] {
  const ex = new Explainer(d.bytes, protocol ?? protocolFor(d.family), lookup);
  ex.datagram(d.messages, d.trailing !== undefined);
  return complete(ex.rows, d.bytes.length);
}

/**
 * Formats rows as text lines: hex offset, the bytes (`perLine` at most, 1 to 16, a row continuing on
 * the next lines when longer) and the annotation, indented by depth.
 */
export function formatRows(bytes: Uint8Array, rows: readonly ExplainRow[], perLine = LINE_BYTES): string[] {
  if (!Number.isInteger(perLine) || perLine < 1 || perLine > 16)
    throw new ValidationError('bytesPerLine', perLine, 'expected an integer from 1 to 16');
  const widest = Math.min(perLine, Math.max(4, ...rows.map((r) => r.length)));
  const hexWidth = widest * 3 - 1;
  const offWidth = Math.max(4, (bytes.length - 1).toString(16).length);
  const blankOff = ' '.repeat(offWidth + 2);
  const out: string[] = [];
  for (const r of rows) {
    const ind = IND.repeat(r.depth);
    if (r.length === 0) {
      out.push(`${blankOff}  ${' '.repeat(hexWidth)}  ${ind}${r.text}`.trimEnd());
      continue;
    }
    for (let i = 0; i < r.length; i += widest) {
      const n = Math.min(widest, r.length - i);
      const h = [...bytes.subarray(r.offset + i, r.offset + i + n)]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(' ');
      const off = `0x${(r.offset + i).toString(16).padStart(offWidth, '0')}`;
      out.push(`${off}  ${h.padEnd(hexWidth)}  ${i === 0 ? `${ind}${r.text}` : ''}`.trimEnd());
    }
  }
  return out;
}

function isDatagrams(x: readonly unknown[]): x is readonly DecodedDatagram[] {
  return (
    x.length > 0 && x.every((d) => typeof d === 'object' && d !== null && 'bytes' in d && 'messages' in d)
  );
}

/**
 * Explains netlink bytes as an annotated hex dump.
 *
 * @param input - any decode input (raw bytes, hex text, pcap, pcapng, strace), datagrams from
 *   {@link decode}, or messages (tree nodes or their JSON view), which are encoded first.
 * @returns the text: for each datagram a `#` title line, then one line per field (at most 16 bytes a
 *   line, hex offsets), nested attributes indented.
 * @throws InputError for bytes that do not decode; ValidationError for messages that do not encode.
 */
export function explain(
  input: Uint8Array | readonly DecodedDatagram[] | readonly MessageNode[] | readonly JsonMessage[],
  opts: ExplainOptions = {},
): string {
  let datagrams: readonly DecodedDatagram[];
  if (input instanceof Uint8Array) datagrams = decode(input, opts);
  else if (isDatagrams(input)) datagrams = input;
  else {
    const bytes = encode(input, opts.protocol ? { protocol: opts.protocol } : {});
    datagrams = decode(bytes, { format: 'raw', ...(opts.protocol ? { protocol: opts.protocol } : {}) });
  }
  const index = new RequestIndex();
  const out: string[] = [];
  for (const d of datagrams) {
    index.add(d.messages);
    out.push(`# ${datagramTitle(d)}`);
    out.push(...formatRows(d.bytes, explainRows(d, opts.protocol, index.lookup), opts.bytesPerLine));
    out.push('');
  }
  return out.join('\n');
}
