/**
 * `nlwire encode`: the JSON view back to bytes. Lengths (nlmsg_len, nla_len, record lengths) are
 * recomputed; everything else comes from the JSON, so `decode` then `encode` gives the input's bytes.
 * Hand-written JSON may leave out numbers the names already say: `nlmsg_type` (from
 * `nlmsg_type_name`), `nlmsg_flags` (from `nlmsg_flags_names`) and attribute `type` (from `name`).
 */
import { NLM_F } from '../constants/netlink.js';
import { align, NLMSG_HDRLEN } from '../netlink/align.js';
import type { DecodeContext, Json } from '../netlink/codec.js';
import type { AttrNode, MessageNode, RecordNode, StructNode } from '../netlink/describe.js';
import { encodeMessageNodes } from '../netlink/encode-tree.js';
import { NlwireError, ValidationError } from '../netlink/errors.js';
import { CONTROL_TYPES } from '../netlink/header.js';
import { extAckSet, type MessageSpec, type Protocol } from '../netlink/message.js';
import type { AttrSet } from '../netlink/schema.js';
import type { StructCodec } from '../netlink/struct.js';
import type { CapturedMessage, Direction } from './io/types.js';
import { protocolFor } from './protocols.js';
import { attrCodec, shapeOf, siblingValues } from './walk.js';

/** Options of {@link encode}. */
export interface EncodeOptions {
  /** The catalog to encode with; by default chosen by each datagram's `family` (rtnetlink). */
  protocol?: Protocol;
}

type Obj = Record<string, unknown>;

const MESSAGE_KEYS = new Set([
  'nlmsg_len',
  'nlmsg_type',
  'nlmsg_type_name',
  'nlmsg_flags',
  'nlmsg_flags_names',
  'nlmsg_seq',
  'nlmsg_pid',
  'family_header',
  'attributes',
  'error',
  'done',
  'hex',
  'decode_error',
  'pad',
  // Also in describeMessages' nodes, ignored here.
  'offset',
  'direction',
]);
const ATTR_KEYS = new Set([
  'type',
  'name',
  'nla_len',
  'flags',
  'value',
  'value_names',
  'header',
  'attributes',
  'entries',
  'hex',
  'pad',
  'error',
  'framing_error',
  'offset',
  'kind',
]);
const DATAGRAM_KEYS = new Set([
  'source',
  'direction',
  'timestamp',
  'pid',
  'syscall',
  'family',
  'messages',
  'trailing',
  'bytes',
]);
const HEX = /^([0-9a-fA-F]{2})*$/;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, path: string, what: string): Obj {
  if (!isObj(v)) throw new ValidationError(path, v, `expected ${what} (a JSON object)`);
  return v;
}

function keys(o: Obj, allowed: ReadonlySet<string>, path: string): void {
  for (const k of Object.keys(o))
    if (!allowed.has(k))
      throw new ValidationError(
        `${path}.${k}`,
        o[k],
        `unknown key (expected one of ${[...allowed].join(', ')})`,
      );
}

function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new ValidationError(path, v, `expected an integer from ${min} to ${max}`);
  return v;
}

function hexOf(v: unknown, path: string): string {
  if (typeof v !== 'string' || !HEX.test(v))
    throw new ValidationError(path, v, 'expected hex (pairs of digits)');
  return v;
}

function optHex(o: Obj, key: string, path: string): string | undefined {
  return o[key] === undefined ? undefined : hexOf(o[key], `${path}.${key}`);
}

function fieldValue(v: unknown, path: string): Json {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^(-?\d+|([0-9a-fA-F]{2})*)$/.test(v)) return v;
  throw new ValidationError(path, v, 'expected a number, a decimal string or hex bytes');
}

/**
 * A struct from JSON. Fields left out are zero, except when the fields given are the struct's first
 * ones in order and `whole` is false: that is how the decoder shows a struct the kernel sent short, and
 * only those fields are written.
 */
function structFrom(
  v: unknown,
  path: string,
  codec: StructCodec<unknown> | undefined,
  whole: boolean,
): StructNode {
  const o = obj(v, path, 'a struct {struct, fields}');
  keys(o, new Set(['struct', 'fields', 'names']), path);
  if (codec && o.struct !== undefined && o.struct !== codec.typeName)
    throw new ValidationError(`${path}.struct`, o.struct, `expected ${codec.typeName} here`);
  const struct = codec?.typeName ?? o.struct;
  if (typeof struct !== 'string')
    throw new ValidationError(`${path}.struct`, o.struct, 'expected a struct name');
  const given = o.fields === undefined ? {} : obj(o.fields, `${path}.fields`, 'C field name -> value');
  const fields: Record<string, Json> = {};
  if (!codec) {
    for (const [k, x] of Object.entries(given)) fields[k] = fieldValue(x, `${path}.fields.${k}`);
    return { struct, fields };
  }
  const known = new Set(codec.fields.map((f) => f.cName));
  for (const k of Object.keys(given))
    if (!known.has(k))
      throw new ValidationError(`${path}.fields.${k}`, given[k], `${codec.typeName} has no such field`);
  const n = Object.keys(given).length;
  const prefix = codec.fields.slice(0, n).every((f) => f.cName in given);
  const fill = whole || !prefix;
  for (const f of codec.fields) {
    if (f.cName in given) fields[f.cName] = fieldValue(given[f.cName], `${path}.fields.${f.cName}`);
    else if (fill) fields[f.cName] = f.type.startsWith('bytes') ? '00'.repeat(f.size) : 0;
  }
  return { struct, fields };
}

function flagsFrom(v: unknown, path: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new ValidationError(path, v, 'expected a list of flag names');
  for (const f of v)
    if (f !== 'NLA_F_NESTED' && f !== 'NLA_F_NET_BYTEORDER')
      throw new ValidationError(path, f, 'expected NLA_F_NESTED or NLA_F_NET_BYTEORDER');
  return v.length ? [...(v as string[])] : undefined;
}

/** Converts a list of attributes of `set` (undefined: unknown to the declarations). */
function attrsFrom(
  set: AttrSet<object> | undefined,
  v: unknown,
  path: string,
  ctx: DecodeContext,
): AttrNode[] {
  if (!Array.isArray(v)) throw new ValidationError(path, v, 'expected a list of attributes');
  // First the attributes themselves, so that selectors can look at their siblings' values.
  const nodes = v.map((a, i): [AttrNode, Obj] => {
    const p = `${path}[${i}]`;
    const o = obj(a, p, 'an attribute');
    keys(o, ATTR_KEYS, p);
    let type: number;
    const name = o.name ?? null;
    if (name !== null && typeof name !== 'string')
      throw new ValidationError(`${p}.name`, name, 'expected a string or null');
    if (o.type === undefined) {
      const d = name === null ? undefined : set?.defs.find((x) => x.name === name);
      if (!d)
        throw new ValidationError(
          `${p}.type`,
          undefined,
          name === null
            ? 'missing'
            : `missing, and ${name} is not an attribute of ${set?.typeName ?? 'this nest'}`,
        );
      type = d.type;
    } else {
      type = int(o.type, `${p}.type`, -1, 0x3fff);
      const d = set?.def(type);
      if (typeof name === 'string' && d && d.name !== name)
        throw new ValidationError(`${p}.name`, name, `type ${type} of ${set?.typeName} is ${d.name}`);
    }
    const node: AttrNode = { offset: 0, nla_len: 0, type, name: set?.def(type)?.name ?? name };
    const flags = flagsFrom(o.flags, `${p}.flags`);
    if (flags) node.flags = flags;
    const hex = optHex(o, 'hex', p);
    if (hex !== undefined) node.hex = hex;
    const pad = optHex(o, 'pad', p);
    if (pad !== undefined) node.pad = pad;
    if (o.value !== undefined) node.value = o.value as Json;
    if (o.framing_error !== undefined) {
      if (hex === undefined)
        throw new ValidationError(`${p}.hex`, undefined, 'bytes that do not frame as an attribute need hex');
      node.framing_error = String(o.framing_error);
    } else if (type < 0)
      throw new ValidationError(`${p}.type`, type, 'expected 0 or more (or framing_error with hex)');
    return [node, o];
  });
  let sib: Record<string, unknown> | undefined;
  const siblings = (): Record<string, unknown> =>
    (sib ??= set
      ? siblingValues(
          set,
          nodes.map(([n]) => n),
        )
      : {});
  for (const [i, [node, o]] of nodes.entries()) {
    const p = `${path}[${i}]`;
    const codec = attrCodec(set, node.type, siblings, ctx);
    const shape = codec ? shapeOf(codec) : undefined;
    // A scalar or string given as hex only: its value too, so that selectors can read it.
    if (
      node.hex !== undefined &&
      node.value === undefined &&
      (codec?.kind === 'string' || codec?.kind === 'scalar')
    )
      try {
        const b = Buffer.from(node.hex, 'hex');
        node.value = codec.toJSON(codec.decode(b, 0, b.length, ctx));
      } catch {
        // not a valid value: encoded from hex all the same
      }
    const nested = shape?.shape === 'set' || shape?.shape === 'headered' || shape?.shape === 'records';
    if (nested && node.hex === undefined && o.value !== undefined)
      throw new ValidationError(
        `${p}.value`,
        o.value,
        `${node.name} is nested: give attributes${shape?.shape === 'records' ? ' in entries' : ''}`,
      );
    const inner = shape?.shape === 'set' || shape?.shape === 'headered' ? shape.set : undefined;
    if (o.header !== undefined || shape?.shape === 'headered') {
      const h = shape?.shape === 'headered' ? shape.header : undefined;
      const whole = o.header === undefined || (Array.isArray(o.attributes) && o.attributes.length > 0);
      if (o.header !== undefined || node.hex === undefined)
        node.header = structFrom(o.header ?? {}, `${p}.header`, h, whole);
    }
    if (o.attributes !== undefined) node.attributes = attrsFrom(inner, o.attributes, `${p}.attributes`, ctx);
    if (o.entries !== undefined) {
      if (!Array.isArray(o.entries))
        throw new ValidationError(`${p}.entries`, o.entries, 'expected a list of records');
      const r = shape?.shape === 'records' ? shape : undefined;
      node.entries = o.entries.map((e, k): RecordNode => {
        const ep = `${p}.entries[${k}]`;
        const eo = obj(e, ep, 'a record {header, attributes}');
        keys(eo, new Set(['header', 'attributes', 'offset']), ep);
        const header = structFrom(eo.header ?? {}, `${ep}.header`, r?.header, true);
        if (r) header.fields[r.lengthField] = 0;
        return {
          offset: 0,
          header,
          attributes: attrsFrom(r?.set, eo.attributes ?? [], `${ep}.attributes`, ctx),
        };
      });
    }
  }
  return nodes.map(([n]) => n);
}

function typeFromName(protocol: Protocol, name: unknown, path: string): number {
  if (typeof name !== 'string') throw new ValidationError(`${path}.nlmsg_type`, undefined, 'missing');
  for (const [t, n] of CONTROL_TYPES) if (n === name) return t;
  for (const s of protocol.all()) if (s.name === name) return s.type;
  throw new ValidationError(`${path}.nlmsg_type_name`, name, `not a message type of ${protocol.name}`);
}

function flagsFromNames(v: unknown, path: string): number {
  if (v === undefined) return 0;
  if (!Array.isArray(v)) throw new ValidationError(path, v, 'expected a list of NLM_F_* names');
  let flags = 0;
  for (const n of v) {
    const table = NLM_F as Readonly<Record<string, number>>;
    if (typeof n === 'string' && table[n] !== undefined) flags |= table[n];
    else if (typeof n === 'string' && /^0x[0-9a-fA-F]{1,4}$/.test(n)) flags |= Number(n);
    else throw new ValidationError(path, n, 'not an NLM_F_* flag name');
  }
  return flags & 0xffff;
}

function messageFrom(protocol: Protocol, v: unknown, path: string): MessageNode {
  const o = obj(v, path, 'a netlink message');
  keys(o, MESSAGE_KEYS, path);
  const type =
    o.nlmsg_type === undefined
      ? typeFromName(protocol, o.nlmsg_type_name, path)
      : int(o.nlmsg_type, `${path}.nlmsg_type`, 0, 0xffff);
  const spec: MessageSpec | undefined = protocol.spec(type);
  const knownName = spec?.name ?? CONTROL_TYPES.get(type);
  if (typeof o.nlmsg_type_name === 'string' && knownName && knownName !== o.nlmsg_type_name)
    throw new ValidationError(`${path}.nlmsg_type_name`, o.nlmsg_type_name, `type ${type} is ${knownName}`);
  const flags =
    o.nlmsg_flags === undefined
      ? flagsFromNames(o.nlmsg_flags_names, `${path}.nlmsg_flags_names`)
      : int(o.nlmsg_flags, `${path}.nlmsg_flags`, 0, 0xffff);
  const n: MessageNode = {
    offset: 0,
    nlmsg_len:
      o.nlmsg_len === undefined ? NLMSG_HDRLEN : int(o.nlmsg_len, `${path}.nlmsg_len`, 0, 0xffffffff),
    nlmsg_type: type,
    nlmsg_type_name: knownName ?? null,
    nlmsg_flags: flags,
    nlmsg_flags_names: [],
    nlmsg_seq: o.nlmsg_seq === undefined ? 0 : int(o.nlmsg_seq, `${path}.nlmsg_seq`, 0, 0xffffffff),
    nlmsg_pid: o.nlmsg_pid === undefined ? 0 : int(o.nlmsg_pid, `${path}.nlmsg_pid`, 0, 0xffffffff),
    direction: flags & NLM_F.NLM_F_REQUEST ? 'to-kernel' : 'from-kernel',
  };
  const hex = optHex(o, 'hex', path);
  if (hex !== undefined) n.hex = hex;
  const pad = optHex(o, 'pad', path);
  if (pad !== undefined) {
    if (pad.length > 6) throw new ValidationError(`${path}.pad`, pad, 'at most 3 bytes of padding');
    n.pad = pad;
  }
  if (o.error !== undefined) {
    const p = `${path}.error`;
    const e = obj(o.error, p, 'an NLMSG_ERROR payload {errno, name, ext_ack, request}');
    keys(e, new Set(['errno', 'name', 'ext_ack', 'request']), p);
    const rq = e.request === undefined ? {} : e.request;
    n.error = {
      errno: int(e.errno, `${p}.errno`, -0x7fffffff, 0x7fffffff),
      name: null,
      request: messageFrom(protocol, rq, `${p}.request`),
    };
    if (e.ext_ack !== undefined) n.error.ext_ack = attrsFrom(extAckSet, e.ext_ack, `${p}.ext_ack`, {});
  }
  if (o.done !== undefined) {
    const p = `${path}.done`;
    const d = obj(o.done, p, 'an NLMSG_DONE payload {error, name, ext_ack}');
    keys(d, new Set(['error', 'name', 'ext_ack']), p);
    n.done = { error: int(d.error ?? 0, `${p}.error`, -0x7fffffff, 0x7fffffff), name: null };
    if (d.ext_ack !== undefined) n.done.ext_ack = attrsFrom(extAckSet, d.ext_ack, `${p}.ext_ack`, {});
  }
  if (o.family_header !== undefined || (spec && o.attributes !== undefined)) {
    const whole = o.attributes !== undefined || o.family_header === undefined;
    n.family_header = structFrom(o.family_header ?? {}, `${path}.family_header`, spec?.header, whole);
  }
  if (o.attributes !== undefined) {
    let ctx: DecodeContext = {};
    if (spec?.familyKey && n.family_header) {
      const f = spec.header.fields.find((x) => x.key === spec.familyKey);
      const fam = f ? n.family_header.fields[f.cName] : undefined;
      if (typeof fam === 'number') ctx = { family: fam };
    }
    n.attributes = attrsFrom(spec?.attrs, o.attributes, `${path}.attributes`, ctx);
  }
  return n;
}

/** A datagram read from JSON: its messages and capture details. */
interface DatagramIn {
  messages: MessageNode[];
  trailing?: string;
  family?: number;
  direction?: Direction;
  timestamp?: number;
  source?: string;
}

function datagramsFrom(json: unknown, opts: EncodeOptions): DatagramIn[] {
  const one = (v: unknown, path: string): DatagramIn => {
    const o = obj(v, path, 'a datagram {messages} or a message');
    if (!('messages' in o)) {
      const protocol = opts.protocol ?? protocolFor(undefined);
      return { messages: [messageFrom(protocol, o, path)] };
    }
    keys(o, DATAGRAM_KEYS, path);
    const d: DatagramIn = { messages: [] };
    if (o.family !== undefined) d.family = int(o.family, `${path}.family`, 0, 0xffff);
    if (o.direction !== undefined) {
      if (o.direction !== 'to-kernel' && o.direction !== 'from-kernel')
        throw new ValidationError(`${path}.direction`, o.direction, 'expected to-kernel or from-kernel');
      d.direction = o.direction;
    }
    if (o.timestamp !== undefined) {
      if (typeof o.timestamp !== 'number' || !(o.timestamp >= 0))
        throw new ValidationError(`${path}.timestamp`, o.timestamp, 'expected seconds');
      d.timestamp = o.timestamp;
    }
    if (typeof o.source === 'string') d.source = o.source;
    const trailing = optHex(o, 'trailing', path);
    if (trailing !== undefined) {
      if (!/^(00)*$/.test(trailing))
        throw new ValidationError(
          `${path}.trailing`,
          trailing,
          'only zero bytes can follow the last message',
        );
      d.trailing = trailing;
    }
    const protocol = opts.protocol ?? protocolFor(d.family);
    if (!Array.isArray(o.messages))
      throw new ValidationError(`${path}.messages`, o.messages, 'expected a list of messages');
    d.messages = o.messages.map((m, i) => messageFrom(protocol, m, `${path}.messages[${i}]`));
    return d;
  };
  if (Array.isArray(json)) {
    const isDatagrams = json.length > 0 && json.every((x) => isObj(x) && 'messages' in x);
    if (isDatagrams) return json.map((x, i) => one(x, `[${i}]`));
    const protocol = opts.protocol ?? protocolFor(undefined);
    return [{ messages: json.map((m, i) => messageFrom(protocol, m, `[${i}]`)) }];
  }
  return [one(json, 'input')];
}

function encodeOne(d: DatagramIn, opts: EncodeOptions, path: string): Uint8Array {
  const protocol = opts.protocol ?? protocolFor(d.family);
  let bytes: Buffer;
  try {
    bytes = encodeMessageNodes(protocol, d.messages);
  } catch (e) {
    if (e instanceof NlwireError) throw e;
    // Values that slipped through the checks above and that a codec could not take.
    if (e instanceof RangeError || e instanceof TypeError || e instanceof SyntaxError)
      throw new ValidationError(path, undefined, e.message);
    throw e;
  }
  if (!d.trailing) return new Uint8Array(bytes);
  const out = new Uint8Array(align(bytes.length) + d.trailing.length / 2);
  out.set(bytes);
  return out;
}

/**
 * The datagrams a JSON view describes, as bytes with their capture details (for writing a pcap).
 *
 * @param json - what `nlwire decode --json` prints (a list of datagrams), one datagram, a list of
 *   messages, or one message; parsed JSON, not text.
 * @throws ValidationError naming the path of the first bad value (`[0].messages[2].attributes[1].value`).
 */
export function encodeDatagrams(json: unknown, opts: EncodeOptions = {}): CapturedMessage[] {
  return datagramsFrom(json, opts).map((d, i) => {
    const m: CapturedMessage = { bytes: encodeOne(d, opts, `[${i}]`) };
    if (d.direction) m.direction = d.direction;
    if (d.timestamp !== undefined) m.timestamp = d.timestamp;
    if (d.family !== undefined) m.family = d.family;
    if (d.source !== undefined) m.source = d.source;
    return m;
  });
}

/**
 * Encodes the JSON view back to bytes: `encode(datagramsToJSON(decode(x)))` is `x`'s netlink bytes.
 * Several datagrams are written one after the other, each starting 4-byte aligned.
 *
 * @param json - parsed JSON: a list of datagrams, one datagram, a list of messages, or one message.
 * @throws ValidationError naming the path of the first bad value.
 */
export function encode(json: unknown, opts: EncodeOptions = {}): Uint8Array {
  const parts = encodeDatagrams(json, opts).map((m) => m.bytes);
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((n, p, i) => n + (i < parts.length - 1 ? align(p.length) : p.length), 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += align(p.length);
  }
  return out;
}
