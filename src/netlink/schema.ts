/**
 * Attribute sets declared as data. `attrSet('IFLA', IFLA, { ifname: ['IFLA_IFNAME', string], ... })`
 * gives the decoder, the encoder, the TypeScript type of the decoded object and the kernel's names
 * for the debugger, all from that one declaration.
 */
import { formatIPv4 } from './address.js';
import { align, NLA_HDRLEN, NLA_TYPE_MASK } from './align.js';
import { type Codec, type DecodeContext, type Json, s32, u32, u64 } from './codec.js';
import { DecodeError, ValidationError } from './errors.js';
import type { StructCodec } from './struct.js';
import type { Writer } from './writer.js';

/** NLA_F_NESTED (linux/netlink.h). */
export const NLA_F_NESTED = 0x8000;
/** NLA_F_NET_BYTEORDER (linux/netlink.h). */
export const NLA_F_NET_BYTEORDER = 0x4000;

/** An attribute the declaration does not know: kept as raw bytes and written back unchanged. */
export interface RawAttr {
  /** Attribute type, without flag bits. */
  type: number;
  /** NLA_F_NESTED / NLA_F_NET_BYTEORDER bits as received. */
  flags: number;
  /** The payload. */
  data: Uint8Array;
}

/** Options of one attribute in a declaration. */
export interface AttrOptions {
  /** The attribute may repeat; its value is an array of every occurrence, in order. */
  readonly multi?: boolean;
}

/** One attribute in a declaration: [kernel name, codec, options?]. */
export type AttrDecl<N extends string = string> =
  | readonly [name: N, codec: Codec<unknown>]
  | readonly [name: N, codec: Codec<unknown>, options: AttrOptions];

type DeclValue<E> = E extends readonly [string, Codec<infer T>, { readonly multi: true }]
  ? T[]
  : E extends readonly [string, Codec<infer T>, ...unknown[]]
    ? T
    : never;

/** The object an attribute set decodes to: every attribute optional, unknown ones in `unknownAttrs`. */
export type SetValue<D> = { -readonly [K in keyof D]?: DeclValue<D[K]> } & { unknownAttrs?: RawAttr[] };

/** One resolved attribute of a set. */
export interface AttrDef {
  /** The API key (camelCase). */
  readonly key: string;
  /** The kernel's name, e.g. IFLA_IFNAME. */
  readonly name: string;
  /** The attribute type number. */
  readonly type: number;
  /** Its value codec. */
  readonly codec: Codec<unknown>;
  /** Whether it may repeat. */
  readonly multi: boolean;
}

const isNestedKind = (c: Codec<unknown>): boolean =>
  c.kind === 'nested' || c.kind === 'records' || (c.kind === 'array' && (c as ArrayLike).indexed === true);

interface ArrayLike {
  indexed?: boolean;
}

/** A declared attribute set: itself the codec of a nested attribute whose payload is this set. */
export class AttrSet<V extends object = Record<string, unknown>> implements Codec<V> {
  readonly kind = 'nested' as const;
  /** The set's name (the kernel's attribute prefix, e.g. IFLA or IFLA_VXLAN). */
  readonly typeName: string;
  /** Attributes in declaration order. */
  readonly defs: readonly AttrDef[];
  private readonly byType: (AttrDef | undefined)[] = [];
  private readonly byKey = new Map<string, AttrDef>();

  constructor(name: string, defs: AttrDef[]) {
    this.typeName = name;
    this.defs = defs;
    for (const d of defs) {
      if (this.byType[d.type]) throw new Error(`${name}: type ${d.type} declared twice`);
      this.byType[d.type] = d;
      this.byKey.set(d.key, d);
    }
  }

  /** The declaration for an attribute type, if any. */
  def(type: number): AttrDef | undefined {
    return this.byType[type & NLA_TYPE_MASK];
  }

  /** The declaration for an API key, if any. */
  defByKey(key: string): AttrDef | undefined {
    return this.byKey.get(key);
  }

  private compiled?: SetDecoder<V>;
  private readonly pickers = new WeakMap<PickShape, SetDecoder<Partial<V>>>();

  decode(buf: Buffer, off: number, len: number, ctx: DecodeContext): V {
    this.compiled ??= compileSetDecoder<V>(this.typeName, this.defs);
    return this.compiled(buf, off, len, ctx);
  }

  /**
   * A decoder of only the attributes `shape` names (`true`: the whole value; a nested shape: those
   * attributes of a nested set). Others are skipped unread, though every attribute's framing is
   * still checked. For objects whose other attributes are decoded later, on demand.
   */
  picker(shape: PickShape): SetDecoder<Partial<V>> {
    let d = this.pickers.get(shape);
    if (d === undefined) {
      d = compileSetDecoder<Partial<V>>(this.typeName, this.defs, shape);
      this.pickers.set(shape, d);
    }
    return d;
  }

  private compiledEncoder?: SetEncoder;

  encode(w: Writer, v: V, name: string, ctx: DecodeContext = {}): void {
    if (typeof v !== 'object' || v === null)
      throw new ValidationError(name, v, `expected ${this.typeName} attributes`);
    this.compiledEncoder ??= compileSetEncoder(this);
    this.compiledEncoder(w, v, name, ctx);
  }

  /** Throws the error of the first key of `o` this set does not declare (the encoder found one). */
  unknownKey(o: Record<string, unknown>, name: string): never {
    for (const k in o) {
      if (k !== 'unknownAttrs' && !this.byKey.has(k) && o[k] !== undefined)
        throw new ValidationError(`${name}.${k}`, o[k], `${this.typeName} has no such attribute`);
    }
    throw new Error(`${this.typeName}: no unknown key after all`);
  }

  toJSON(v: V): Json {
    const out: Record<string, Json> = {};
    const o = v as Record<string, unknown>;
    for (const d of this.defs) {
      const x = o[d.key];
      if (x === undefined) continue;
      const c = d.codec.kind === 'selector' ? (d.codec as SelectorCodec).pick(o, {}) : d.codec;
      out[d.name] = d.multi ? (x as unknown[]).map((i) => c.toJSON(i)) : c.toJSON(x);
    }
    return out;
  }

  fromJSON(j: Json, name: string): V {
    if (typeof j !== 'object' || j === null || Array.isArray(j))
      throw new ValidationError(name, j, `expected ${this.typeName} attributes`);
    const out: Record<string, unknown> = {};
    const byName = new Map(this.defs.map((d) => [d.name, d]));
    for (const [k, x] of Object.entries(j)) {
      const d = byName.get(k);
      if (!d) throw new ValidationError(`${name}.${k}`, x, `${this.typeName} has no such attribute`);
      if (d.codec.kind === 'selector') continue;
      out[d.key] =
        d.multi && Array.isArray(x) ? x.map((i) => d.codec.fromJSON(i, k)) : d.codec.fromJSON(x, k);
    }
    for (const d of this.defs) {
      if (d.codec.kind !== 'selector' || !(d.name in j)) continue;
      out[d.key] = (d.codec as SelectorCodec).pick(out, {}).fromJSON(j[d.name], d.name);
    }
    return out as V;
  }
}

/**
 * Declares an attribute set. `consts` is the generated constant table the names come from (so every
 * number is the kernel's own); `decl` maps API keys to [kernel name, codec, options?].
 */
export function attrSet<
  const C extends Readonly<Record<string, number>>,
  const D extends Record<string, AttrDecl<keyof C & string>>,
>(name: string, consts: C, decl: D): AttrSet<SetValue<D>> {
  const defs: AttrDef[] = Object.entries(decl).map(([key, e]) => {
    const [cName, codec, opts] = e as AttrDecl;
    const type = consts[cName];
    if (type === undefined) throw new Error(`${name}: ${cName} is not in the constant table`);
    return { key, name: cName, type, codec, multi: opts?.multi === true };
  });
  return new AttrSet<SetValue<D>>(name, defs);
}

/** A set decoder: the attributes in buf[off, off + len). */
export type SetDecoder<V> = (buf: Buffer, off: number, len: number, ctx: DecodeContext) => V;

/** What {@link AttrSet.picker} decodes: by API key, `true` for the value, or the shape of a nested set. */
export interface PickShape {
  readonly [key: string]: true | PickShape;
}

/** A codec chosen at run time from the attribute's siblings or the message family (IFLA_INFO_DATA by IFLA_INFO_KIND). */
export interface SelectorCodec<T = unknown> extends Codec<T> {
  readonly kind: 'selector';
  /** Chooses the codec for the payload. */
  pick(siblings: Readonly<Record<string, unknown>>, ctx: DecodeContext): Codec<unknown>;
}

/**
 * Declares a selector: `choose` returns the codec for the payload from the siblings (decoded values,
 * by API key) and the decode context; returning undefined means raw bytes.
 */
export function selector<T>(
  typeName: string,
  choose: (siblings: Readonly<Record<string, unknown>>, ctx: DecodeContext) => Codec<unknown> | undefined,
  fallback: Codec<unknown>,
): SelectorCodec<T> {
  const pick = (s: Readonly<Record<string, unknown>>, ctx: DecodeContext): Codec<unknown> =>
    choose(s, ctx) ?? fallback;
  const fail = (): never => {
    throw new Error(`${typeName}: a selector is resolved by its attribute set`);
  };
  return { kind: 'selector', typeName, pick, decode: fail, encode: fail, toJSON: fail, fromJSON: fail };
}

/** A nested payload that starts with a fixed struct, then attributes (VETH_INFO_PEER: ifinfomsg + IFLA_*). */
export interface HeaderedValue<H, A> {
  /** The struct ahead of the attributes. */
  header: H;
  /** The attributes after it. */
  attrs: A;
}

/** Codec of a struct followed by attributes. */
export interface HeaderedCodec<H, A extends object> extends Codec<HeaderedValue<H, A>> {
  readonly kind: 'nested';
  /** The leading struct. */
  readonly header: StructCodec<H>;
  /** The attributes after it. */
  readonly set: AttrSet<A>;
}

/** Declares a nested payload of a struct then attributes. */
export function withHeader<H, A extends object>(
  header: StructCodec<H>,
  set: AttrSet<A>,
): HeaderedCodec<H, A> {
  return {
    kind: 'nested',
    typeName: `${header.typeName}+${set.typeName}`,
    header,
    set,
    decode(buf, off, len, ctx) {
      if (len < header.size)
        throw new DecodeError(`${header.typeName} needs ${header.size} bytes, has ${len}`, off);
      const h = header.decode(buf, off, header.size, ctx);
      const hlen = align(header.size);
      const attrs = len > hlen ? set.decode(buf, off + hlen, len - hlen, ctx) : ({} as A);
      return { header: h, attrs };
    },
    encode(w, v, name, ctx) {
      header.encode(w, v.header ?? ({} as H), name);
      w.pad();
      set.encode(w, v.attrs ?? ({} as A), name, ctx);
    },
    toJSON: (v) => ({ header: header.toJSON(v.header), attrs: set.toJSON(v.attrs) }),
    fromJSON(j, name) {
      const o = (j ?? {}) as Record<string, Json>;
      return { header: header.fromJSON(o.header ?? {}, name), attrs: set.fromJSON(o.attrs ?? {}, name) };
    },
  };
}

/** One record of a {@link records} array (RTA_MULTIPATH: rtnexthop + RTA_* attributes). */
export interface RecordValue<H, A> {
  /** The record's struct (its length field is filled in on encode). */
  header: H;
  /** Attributes inside the record. */
  attrs: A;
}

/** Codec of an array of length-prefixed records, each a struct then attributes. */
export interface RecordsCodec<H, A extends object> extends Codec<RecordValue<H, A>[]> {
  readonly kind: 'records';
  /** The struct at the head of each record. */
  readonly header: StructCodec<H>;
  /** The attributes inside each record. */
  readonly set: AttrSet<A>;
  /** C name of the struct field that holds the record's length. */
  readonly lengthField: string;
}

/** Declares an array of records (struct whose `lengthField` covers the struct and its attributes). */
export function records<H, A extends object>(
  header: StructCodec<H>,
  lengthField: string,
  set: AttrSet<A>,
): RecordsCodec<H, A> {
  const lf = header.fields.find((f) => f.cName === lengthField);
  if (lf?.type !== 'u16') throw new Error(`${header.typeName}.${lengthField} must be a u16 field`);
  const lenKey = lf.key;
  return {
    kind: 'records',
    typeName: `${header.typeName}[]`,
    header,
    set,
    lengthField,
    decode(buf, off, len, ctx) {
      const out: RecordValue<H, A>[] = [];
      const end = off + len;
      let p = off;
      while (p + header.size <= end) {
        const rlen = buf.readUInt16LE(p + lf.offset);
        if (rlen < header.size || p + rlen > end)
          throw new DecodeError(`${header.typeName}: bad length ${rlen}`, p);
        const h = header.decode(buf, p, header.size, ctx);
        const hlen = align(header.size);
        const attrs = rlen > hlen ? set.decode(buf, p + hlen, rlen - hlen, ctx) : ({} as A);
        out.push({ header: h, attrs });
        p += align(rlen);
      }
      if (p < end) throw new DecodeError(`${header.typeName}: ${end - p} trailing bytes`, p);
      return out;
    },
    encode(w, v, name, ctx) {
      if (!Array.isArray(v)) throw new ValidationError(name, v, `expected an array of ${header.typeName}`);
      for (const r of v) {
        const at = w.length;
        const h = { ...(r.header as object), ...(lenKey ? { [lenKey]: 0 } : {}) } as H;
        header.encode(w, h, name);
        w.pad();
        set.encode(w, r.attrs ?? ({} as A), name, ctx);
        w.buf.writeUInt16LE(w.length - at, at + lf.offset);
        w.pad();
      }
    },
    toJSON: (v) => v.map((r) => ({ header: header.toJSON(r.header), attrs: set.toJSON(r.attrs) })),
    fromJSON(j, name) {
      if (!Array.isArray(j)) throw new ValidationError(name, j, 'expected an array');
      return j.map((r) => {
        const o = (r ?? {}) as Record<string, Json>;
        return { header: header.fromJSON(o.header ?? {}, name), attrs: set.fromJSON(o.attrs ?? {}, name) };
      });
    },
  };
}

/** Codec of a packed array of fixed-size scalars, optionally with a name per index (IFLA_INET6_CONF). */
export interface ArrayCodec<T> extends Codec<T[]> {
  readonly kind: 'array';
  /** Element codec. */
  readonly element: Codec<T>;
  /** Kernel name per index (e.g. DEVCONF_FORWARDING for index 0), for the debugger. */
  readonly names?: ReadonlyMap<number, string>;
  /** True for nested arrays whose attribute types are indexes. */
  readonly indexed: boolean;
}

/**
 * Declares a packed array of fixed-size elements. `names` maps kernel names to their value; `base`
 * is subtracted to get the index (IPV4_DEVCONF_* start at 1, so base 1).
 */
export function packedArray<T>(
  element: Codec<T>,
  names?: Readonly<Record<string, number>>,
  base = 0,
): ArrayCodec<T> {
  const size = element.size;
  if (!size) throw new Error(`packedArray needs a fixed-size element, not ${element.typeName}`);
  const nm = names ? new Map(Object.entries(names).map(([k, v]) => [v - base, k] as const)) : undefined;
  return {
    kind: 'array',
    typeName: `${element.typeName}[]`,
    element,
    names: nm,
    indexed: false,
    decode(buf, off, len, ctx) {
      if (len % size) throw new DecodeError(`${element.typeName}[] of ${len} bytes`, off);
      const n = len / size;
      const out: T[] = [];
      // The common element codecs, read directly: no call and length check per element.
      if ((element as Codec<unknown>) === u32)
        for (let i = 0; i < n; i++) out.push(buf.readUInt32LE(off + 4 * i) as T);
      else if ((element as Codec<unknown>) === s32)
        for (let i = 0; i < n; i++) out.push(buf.readInt32LE(off + 4 * i) as T);
      else if ((element as Codec<unknown>) === u64)
        for (let i = 0; i < n; i++) out.push(buf.readBigUInt64LE(off + 8 * i) as T);
      else for (let i = 0; i < n; i++) out.push(element.decode(buf, off + i * size, size, ctx));
      return out;
    },
    encode(w, v, name, ctx) {
      if (!Array.isArray(v)) throw new ValidationError(name, v, 'expected an array');
      for (const x of v) element.encode(w, x, name, ctx);
    },
    toJSON: (v) => v.map((x) => element.toJSON(x)),
    fromJSON(j, name) {
      if (!Array.isArray(j)) throw new ValidationError(name, j, 'expected an array');
      return j.map((x) => element.fromJSON(x, name));
    },
  };
}

/** Declares a nested array whose attribute types are indexes (from `first`), each holding one element. */
export function indexedArray<T>(element: Codec<T>, first = 0): ArrayCodec<T> {
  return {
    kind: 'array',
    typeName: `${element.typeName}[]`,
    element,
    indexed: true,
    decode(buf, off, len, ctx) {
      const out: T[] = [];
      const end = off + len;
      let p = off;
      while (p + NLA_HDRLEN <= end) {
        const alen = buf.readUInt16LE(p);
        if (alen < NLA_HDRLEN || p + alen > end) throw new DecodeError(`bad nla_len ${alen}`, p);
        out.push(element.decode(buf, p + NLA_HDRLEN, alen - NLA_HDRLEN, ctx));
        p += align(alen);
      }
      return out;
    },
    encode(w, v, name, ctx) {
      if (!Array.isArray(v)) throw new ValidationError(name, v, 'expected an array');
      v.forEach((x, i) => {
        const at = w.startAttr(i + first);
        element.encode(w, x, name, ctx);
        w.endAttr(at);
      });
    },
    toJSON: (v) => v.map((x) => element.toJSON(x)),
    fromJSON(j, name) {
      if (!Array.isArray(j)) throw new ValidationError(name, j, 'expected an array');
      return j.map((x) => element.fromJSON(x, name));
    },
  };
}

type SetEncoder = (w: Writer, v: object, name: string, ctx: DecodeContext) => void;

/**
 * Generates a set's encoder: first a check that every key the value sets is declared (as the
 * declaration-driven loop did), then one block per declared attribute, in declaration order, that
 * loads its key and writes it when set. No key lists, maps or closures per value.
 */
function compileSetEncoder(set: AttrSet<object>): SetEncoder {
  const known = new Set(set.defs.map((d) => d.key));
  const blocks = set.defs.map((d, i) => {
    const key = JSON.stringify(d.key);
    const nm = JSON.stringify(d.name);
    const sel = d.codec.kind === 'selector';
    const codec = sel ? `c${i}` : `c[${i}]`;
    const type = sel
      ? `${d.type} | (h.nested(c${i}) ? ${NLA_F_NESTED} : 0)`
      : String(d.type | (isNestedKind(d.codec) ? NLA_F_NESTED : 0));
    const one = (v: string) =>
      `{ const at = w.startAttr(${type}); ${codec}.encode(w, ${v}, ${nm}, ctx); w.endAttr(at); }`;
    const pick = sel ? `const c${i} = c[${i}].pick(o, ctx);` : '';
    const body = d.multi
      ? `if (!Array.isArray(x)) throw new h.ValidationError(${nm}, x, 'expected an array (attribute repeats)');
         for (const item of x) ${one('item')}`
      : one('x');
    return `x = o[${key}]; if (x !== undefined) { ${pick} ${body} }`;
  });
  const src = `return function encode(w, o, name, ctx) {
    for (const k in o) if (!known.has(k) && k !== 'unknownAttrs' && o[k] !== undefined) set.unknownKey(o, name);
    let x;
    ${blocks.join('\n')}
    x = o.unknownAttrs;
    if (x !== undefined) for (const u of x) { const at = w.startAttr(u.type | u.flags); w.raw(u.data); w.endAttr(at); }
  };`;
  const h = { ValidationError, nested: isNestedKind };
  return new Function('c', 'h', 'known', 'set', src)(
    set.defs.map((d) => d.codec),
    h,
    known,
    set,
  );
}

/** What inline codec expressions (Codec.inline) may use, as `h`. */
const INLINE_HELPERS = {
  v4: formatIPv4,
  bad(typeName: string, off: number, len: number, size: number): never {
    throw new DecodeError(`${typeName} payload is ${len} bytes, expected ${size}`, off);
  },
};

/**
 * Generates a set's decoder: a switch over the attribute types with a store of a constant key for
 * each, so the decoded objects keep fast (non-dictionary) properties.
 */
function compileSetDecoder<V>(typeName: string, all: readonly AttrDef[], pick?: PickShape): SetDecoder<V> {
  const defs = pick === undefined ? all : all.filter((d) => pick[d.key] !== undefined);
  if (pick !== undefined) {
    for (const key of Object.keys(pick))
      if (!defs.some((d) => d.key === key))
        throw new Error(`${typeName}: cannot pick ${key}, no such attribute`);
  }
  const codecs: unknown[] = defs.map((d) => {
    const sub = pick?.[d.key];
    if (sub === undefined || sub === true) {
      if (pick !== undefined && d.codec.kind === 'selector')
        throw new Error(`${typeName}: cannot pick ${d.key}, its codec depends on its siblings`);
      return d.codec;
    }
    if (!(d.codec instanceof AttrSet)) throw new Error(`${typeName}: ${d.key} is not a nested set`);
    return { decode: d.codec.picker(sub) };
  });
  const store = (k: string, v: string, multi: boolean) =>
    multi
      ? `{ const l = out[${k}]; if (l === undefined) out[${k}] = [${v}]; else l.push(${v}); }`
      : `out[${k}] = ${v};`;
  const cases = defs
    .map((d, i) => {
      if (d.codec.kind === 'selector') return `case ${d.type}: (deferred ??= []).push(p, ${i}); break;`;
      const call = `c[${i}].decode(buf, q, L, ctx)`;
      const c = codecs[i] as Codec<unknown>;
      const value = c.inline ? c.inline('buf', 'q', 'L', call) : call;
      return `case ${d.type}: ${store(JSON.stringify(d.key), value, d.multi)} break;`;
    })
    .join('\n');
  const deferredCases = defs
    .map((d, i) =>
      d.codec.kind !== 'selector'
        ? ''
        : `case ${i}: ${store(JSON.stringify(d.key), `c[${i}].pick(out, ctx).decode(buf, q + 4, alen - 4, ctx)`, d.multi)} break;`,
    )
    .join('\n');
  const src = `
    return function decode(buf, off, len, ctx) {
      const out = {};
      const end = off + len;
      if (end > buf.length) throw new DecodeError(name + ': attributes run past the buffer', off);
      let deferred;
      let p = off;
      while (p + 4 <= end) {
        const alen = buf[p] | (buf[p + 1] << 8);
        const raw = buf[p + 2] | (buf[p + 3] << 8);
        if (alen < 4 || p + alen > end) throw new DecodeError(name + ': bad nla_len ' + alen, p);
        const q = p + 4;
        const L = alen - 4;
        switch (raw & 0x3fff) {
          ${cases}
          default: ${
            pick !== undefined
              ? ''
              : `{
            const list = out.unknownAttrs ?? (out.unknownAttrs = []);
            list.push({ type: raw & 0x3fff, flags: raw & ~0x3fff, data: new Uint8Array(buf.subarray(p + 4, p + alen)) });
          }`
          }
        }
        p += (alen + 3) & ~3;
      }
      if (deferred !== undefined) {
        for (let j = 0; j < deferred.length; j += 2) {
          const q = deferred[j];
          const alen = buf[q] | (buf[q + 1] << 8);
          switch (deferred[j + 1]) {
            ${deferredCases}
          }
        }
      }
      return out;
    };`;
  return new Function('c', 'DecodeError', 'name', 'h', src)(codecs, DecodeError, typeName, INLINE_HELPERS);
}
