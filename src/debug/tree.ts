/**
 * The readable text form of decoded messages (`nlwire decode` without --json): one line per message
 * header, struct and attribute, nesting by indentation.
 */
import type { Json } from '../netlink/codec.js';
import type { AttrNode, MessageNode, StructNode } from '../netlink/describe.js';
import type { DecodedDatagram } from './decode.js';
import { extAckTarget, RequestIndex, type RequestLookup } from './ext-ack.js';

const IND = '  ';
/** Values with more entries than this are shown one entry a line. */
const INLINE_MAX = 6;
/** Structs with more fields than this are shown one field a line. */
const STRUCT_INLINE_MAX = 12;

function scalar(v: Json): string {
  return JSON.stringify(v);
}

function fieldText(k: string, v: Json, names?: Record<string, string | string[]>): string {
  const n = names?.[k];
  const named = n === undefined ? '' : ` (${Array.isArray(n) ? n.join('|') : n})`;
  return `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}${named}`;
}

function fieldsInline(fields: Record<string, Json>, names?: Record<string, string | string[]>): string {
  return Object.entries(fields)
    .map(([k, v]) => fieldText(k, v, names))
    .join(' ');
}

function structLines(s: StructNode, depth: number, out: string[], label = s.struct): void {
  const n = Object.keys(s.fields).length;
  if (n <= STRUCT_INLINE_MAX)
    out.push(`${IND.repeat(depth)}${label} ${fieldsInline(s.fields, s.names)}`.trimEnd());
  else {
    out.push(`${IND.repeat(depth)}${label}`);
    for (const [k, v] of Object.entries(s.fields))
      out.push(`${IND.repeat(depth + 1)}${fieldText(k, v, s.names)}`);
  }
}

/** The text of a number with its value names: `6 (IF_OPER_UP)`, `0x1003 (IFF_UP|IFF_BROADCAST|IFF_MULTICAST)`. */
function withNames(v: Json, names: string | string[] | undefined): string {
  if (names === undefined) return scalar(v);
  if (Array.isArray(names))
    return `${typeof v === 'number' ? `0x${v.toString(16)}` : scalar(v)} (${names.join('|') || 'none'})`;
  return `${scalar(v)} (${names})`;
}

function attrLabel(a: AttrNode): string {
  const name = a.name ?? `type ${a.type} (unknown)`;
  return a.flags ? `${name} [${a.flags.join('|')}]` : name;
}

function attrLines(
  a: AttrNode,
  depth: number,
  out: string[],
  note?: (a: AttrNode) => string | undefined,
): void {
  const pre = IND.repeat(depth);
  if (a.framing_error !== undefined) {
    out.push(`${pre}(not an attribute: ${a.framing_error}) hex ${a.hex ?? ''}`);
    return;
  }
  const label = attrLabel(a);
  const extra = note?.(a);
  const tail = `${a.error ? ` (could not decode: ${a.error})` : ''}${extra ? ` ${extra}` : ''}`;
  if (a.attributes || a.entries || a.header) {
    out.push(`${pre}${label}${tail}${a.hex !== undefined ? ` (bytes ${a.hex})` : ''}`);
    if (a.header) structLines(a.header, depth + 1, out);
    for (const c of a.attributes ?? []) attrLines(c, depth + 1, out, note);
    (a.entries ?? []).forEach((e, i) => {
      structLines(e.header, depth + 1, out, `#${i + 1} ${e.header.struct}`);
      for (const c of e.attributes) attrLines(c, depth + 2, out, note);
    });
    return;
  }
  if (a.value === undefined) {
    out.push(
      `${pre}${label}: ${a.hex !== undefined ? (a.hex === '' ? '(empty)' : `hex ${a.hex}`) : '(empty)'}${tail}`,
    );
    return;
  }
  const raw = a.hex !== undefined ? ` (bytes ${a.hex})` : '';
  const v = a.value;
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    if (entries.length <= INLINE_MAX) {
      const body = Array.isArray(v) ? `[${v.map((x) => scalar(x)).join(', ')}]` : `{${fieldsInline(v)}}`;
      out.push(`${pre}${label}: ${body}${raw}${tail}`);
    } else {
      out.push(`${pre}${label}:${raw}${tail}`);
      for (const [k, x] of entries) out.push(`${pre}${IND}${Array.isArray(v) ? `[${k}]` : k}=${scalar(x)}`);
    }
    return;
  }
  out.push(`${pre}${label}: ${withNames(v, a.value_names)}${raw}${tail}`);
}

function headerLine(m: MessageNode): string {
  const type = m.nlmsg_type_name ? `${m.nlmsg_type_name}` : `type ${m.nlmsg_type} (unknown)`;
  const flags = m.nlmsg_flags_names.length ? m.nlmsg_flags_names.join('|') : '0';
  return `${type} len=${m.nlmsg_len} flags=${flags} seq=${m.nlmsg_seq} pid=${m.nlmsg_pid}`;
}

function messageLines(m: MessageNode, depth: number, out: string[], lookup?: RequestLookup): void {
  const pre = IND.repeat(depth);
  out.push(`${pre}${headerLine(m)}`);
  const d = depth + 1;
  if (m.error) {
    const e = m.error;
    out.push(
      `${IND.repeat(d)}error: ${e.errno === 0 ? '0 (ack)' : `-${e.errno} (${e.name ?? 'unknown errno'})`}`,
    );
    const target = extAckTarget(m, lookup);
    const note = (a: AttrNode): string | undefined =>
      a.name === 'NLMSGERR_ATTR_OFFS' && target ? `-> ${target.join('/')}` : undefined;
    if (e.ext_ack?.length) {
      out.push(`${IND.repeat(d)}ext_ack:`);
      for (const a of e.ext_ack) attrLines(a, d + 1, out, note);
    }
    out.push(`${IND.repeat(d)}request:`);
    messageLines(e.request, d + 1, out);
  }
  if (m.done) {
    out.push(
      `${IND.repeat(d)}done: ${m.done.error ? `-${m.done.error} (${m.done.name ?? 'unknown errno'})` : '0'}`,
    );
    for (const a of m.done.ext_ack ?? []) attrLines(a, d, out);
  }
  if (m.family_header) structLines(m.family_header, d, out);
  for (const a of m.attributes ?? []) attrLines(a, d, out);
  if (m.decode_error) out.push(`${IND.repeat(d)}(could not decode: ${m.decode_error})`);
  if (m.hex !== undefined && m.hex !== '')
    out.push(`${IND.repeat(d)}${m.family_header || m.attributes ? 'exact bytes' : 'payload'}: hex ${m.hex}`);
  if (m.pad) out.push(`${IND.repeat(d)}(then padding that is not zero: ${m.pad})`);
}

/**
 * Renders messages as an indented text tree.
 *
 * @param lookup - finds the request a capped error answers, to name what NLMSGERR_ATTR_OFFS points at.
 */
export function renderTree(nodes: readonly MessageNode[], lookup?: RequestLookup): string {
  const out: string[] = [];
  for (const m of nodes) messageLines(m, 0, out, lookup);
  return `${out.join('\n')}\n`;
}

/** A one-line description of a datagram: source, direction, size and capture time. */
export function datagramTitle(d: DecodedDatagram): string {
  const parts = [d.source];
  if (d.direction) parts.push(d.direction);
  parts.push(`${d.bytes.length} bytes`);
  if (d.pid !== undefined) parts.push(`pid ${d.pid}`);
  if (d.syscall) parts.push(d.syscall);
  if (d.timestamp !== undefined) parts.push(formatTime(d.timestamp));
  return parts.join(', ');
}

/** Unix times as UTC date and time; small values (time of day from `strace -tt`) as seconds. */
export function formatTime(t: number): string {
  if (t < 1e9) return `t=${t.toFixed(6)}`;
  const us = Math.round(t * 1e6);
  const sec = Math.floor(us / 1e6);
  const iso = new Date(sec * 1000).toISOString();
  const micros = String(us - sec * 1e6).padStart(6, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micros} UTC`;
}

/** Renders decoded datagrams: a `#` title line per datagram, then its messages as a tree. */
export function renderDatagrams(datagrams: readonly DecodedDatagram[]): string {
  const index = new RequestIndex();
  const out: string[] = [];
  for (const d of datagrams) {
    index.add(d.messages);
    out.push(`# ${datagramTitle(d)}`);
    out.push(renderTree(d.messages, index.lookup).trimEnd());
    if (d.trailing) out.push(`${IND}(then ${d.trailing.length / 2} zero bytes the kernel ignores)`);
  }
  return `${out.join('\n')}\n`;
}
