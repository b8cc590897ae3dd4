/**
 * Fixed C structs (ifinfomsg, rtmsg, rtnl_link_stats64, ifla_cacheinfo...) declared as data: C field
 * names for the debugger, camelCase names for the API. Structs may arrive shorter or longer than
 * declared (the kernel grows them): fields that fit are decoded, the rest are left out.
 */
import { bitList, type Codec, type Json } from './codec.js';
import { DecodeError, ValidationError } from './errors.js';
import type { Writer } from './writer.js';

/** A struct field's primitive type. */
export type FieldType =
  | 'u8'
  | 'u16'
  | 'u32'
  | 's8'
  | 's16'
  | 's32'
  | 'u64'
  | 'be16'
  | 'be32'
  | `bytes${number}`;

type FieldValue<F extends FieldType> = F extends 'u64'
  ? bigint
  : F extends `bytes${number}`
    ? Uint8Array
    : number;

/** Names of a field's values, for the debugger: an enumeration, or flag bits. */
export type FieldNames =
  | { readonly enum: Readonly<Record<string, number>> }
  | { readonly bits: Readonly<Record<string, number>> };

/** One field: [C name, API name (null for padding), type, names of its values?]. */
export type FieldSpec =
  | readonly [cName: string, key: string | null, type: FieldType]
  | readonly [cName: string, key: string | null, type: FieldType, names: FieldNames];

/** The API object a struct decodes to. */
export type StructValue<F extends readonly FieldSpec[]> = {
  [E in F[number] as E[1] extends string ? E[1] : never]?: FieldValue<E[2]>;
};

interface Field {
  cName: string;
  key: string | null;
  type: FieldType;
  offset: number;
  size: number;
  enumNames?: ReadonlyMap<number, string>;
  bitNames?: ReadonlyArray<readonly [string, number]>;
}

function sizeOf(t: FieldType): number {
  switch (t) {
    case 'u8':
    case 's8':
      return 1;
    case 'u16':
    case 's16':
    case 'be16':
      return 2;
    case 'u32':
    case 's32':
    case 'be32':
      return 4;
    case 'u64':
      return 8;
    default:
      return Number(t.slice(5));
  }
}

const LIMITS: Record<string, [number, number]> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  be16: [0, 0xffff],
  u32: [0, 0xffffffff],
  be32: [0, 0xffffffff],
  s8: [-0x80, 0x7f],
  s16: [-0x8000, 0x7fff],
  s32: [-0x80000000, 0x7fffffff],
};

function read(buf: Buffer, f: Field, at: number): number | bigint | Uint8Array {
  switch (f.type) {
    case 'u8':
      return buf[at];
    case 's8':
      return buf.readInt8(at);
    case 'u16':
      return buf.readUInt16LE(at);
    case 's16':
      return buf.readInt16LE(at);
    case 'be16':
      return buf.readUInt16BE(at);
    case 'u32':
      return buf.readUInt32LE(at);
    case 's32':
      return buf.readInt32LE(at);
    case 'be32':
      return buf.readUInt32BE(at);
    case 'u64':
      return buf.readBigUInt64LE(at);
    default:
      return new Uint8Array(buf.subarray(at, at + f.size));
  }
}

function write(w: Writer, f: Field, v: unknown, name: string): void {
  const at = w.length;
  w.ensure(f.size);
  const b = w.buf;
  if (f.type === 'u64') {
    const x = v === undefined ? 0n : v;
    if (typeof x !== 'bigint' || x < 0n || x >= 1n << 64n)
      throw new ValidationError(`${name}.${f.key ?? f.cName}`, v, 'expected a u64 bigint');
    b.writeBigUInt64LE(x, at);
  } else if (f.type.startsWith('bytes')) {
    const x = v === undefined ? new Uint8Array(f.size) : v;
    if (!(x instanceof Uint8Array) || x.length !== f.size)
      throw new ValidationError(`${name}.${f.key ?? f.cName}`, v, `expected ${f.size} bytes`);
    b.set(x, at);
  } else {
    const x = v === undefined ? 0 : v;
    const [min, max] = LIMITS[f.type];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max)
      throw new ValidationError(`${name}.${f.key ?? f.cName}`, v, `expected ${f.type} (${min}..${max})`);
    switch (f.type) {
      case 'u8':
        b[at] = x;
        break;
      case 's8':
        b.writeInt8(x, at);
        break;
      case 'u16':
        b.writeUInt16LE(x, at);
        break;
      case 's16':
        b.writeInt16LE(x, at);
        break;
      case 'be16':
        b.writeUInt16BE(x, at);
        break;
      case 'u32':
        b.writeUInt32LE(x, at);
        break;
      case 's32':
        b.writeInt32LE(x, at);
        break;
      case 'be32':
        b.writeUInt32BE(x, at);
        break;
    }
  }
  w.length = at + f.size;
}

/** A declared C struct. */
export interface StructCodec<V> extends Codec<V> {
  readonly kind: 'struct';
  /** The C struct's name. */
  readonly typeName: string;
  /** sizeof(struct). */
  readonly size: number;
  /** The fields in order, with their offsets. */
  readonly fields: ReadonlyArray<Readonly<Field>>;
  /** C field name -> value, for the debugger (only fields present in the bytes). */
  describe(buf: Buffer, off: number, len: number): Record<string, Json>;
  /** Writes a struct from the debugger's C-named fields. */
  encodeC(w: Writer, fields: Record<string, Json>, name: string): void;
  /** Names of the values of fields declared with names (enum value or bits set), by C field name. */
  valueNames(fields: Record<string, Json>): Record<string, string | string[]>;
}

/** Declares a C struct from its fields, in order (offsets follow C layout with explicit padding fields). */
export function struct<const F extends readonly FieldSpec[]>(
  cName: string,
  specs: F,
): StructCodec<StructValue<F>> {
  const fields: Field[] = [];
  let offset = 0;
  for (const [fc, key, type, names] of specs) {
    const size = sizeOf(type);
    const f: Field = { cName: fc, key, type, offset, size };
    if (names && 'enum' in names) {
      const m = new Map<number, string>();
      for (const [n, v] of Object.entries(names.enum)) if (!m.has(v)) m.set(v, n);
      f.enumNames = m;
    } else if (names)
      f.bitNames = Object.entries(names.bits).filter(([, v]) => v !== 0 && (v & (v - 1)) === 0);
    fields.push(f);
    offset += size;
  }
  const size = offset;
  const jsonOf = (v: number | bigint | Uint8Array): Json =>
    typeof v === 'bigint'
      ? v <= 9007199254740991n
        ? Number(v)
        : v.toString()
      : v instanceof Uint8Array
        ? Buffer.from(v).toString('hex')
        : v;
  const fromJson = (f: Field, j: Json | undefined): number | bigint | Uint8Array | undefined => {
    if (j === undefined || j === null) return undefined;
    if (f.type === 'u64') return typeof j === 'number' || typeof j === 'string' ? BigInt(j) : undefined;
    if (f.type.startsWith('bytes'))
      return typeof j === 'string' ? new Uint8Array(Buffer.from(j, 'hex')) : undefined;
    return typeof j === 'number' ? j : Number(j);
  };
  const full = compileStructDecoder(fields);
  const encodeFull = compileStructEncoder(fields);
  const codec: StructCodec<StructValue<F>> = {
    kind: 'struct',
    typeName: cName,
    size,
    fields,
    decode(buf, off, len) {
      if (len < 0 || off + len > buf.length) throw new DecodeError(`${cName} out of bounds`, off);
      if (len >= size) return full(buf, off) as StructValue<F>;
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        if (f.offset + f.size > len) break;
        if (f.key !== null) out[f.key] = read(buf, f, off + f.offset);
      }
      return out as StructValue<F>;
    },
    encode(w, v, name) {
      if (typeof v !== 'object' || v === null) throw new ValidationError(name, v, `expected ${cName} fields`);
      encodeFull(w, v as Record<string, unknown>, name);
    },
    describe(buf, off, len) {
      const out: Record<string, Json> = {};
      for (const f of fields) {
        if (f.offset + f.size > len) break;
        out[f.cName] = jsonOf(read(buf, f, off + f.offset));
      }
      return out;
    },
    encodeC(w, j, name) {
      for (const f of fields) {
        if (!(f.cName in j)) break;
        write(w, f, fromJson(f, j[f.cName]), name);
      }
    },
    valueNames(j) {
      const out: Record<string, string | string[]> = {};
      for (const f of fields) {
        const v = j[f.cName];
        if (typeof v !== 'number') continue;
        if (f.enumNames?.has(v)) out[f.cName] = f.enumNames.get(v) as string;
        else if (f.bitNames && v !== 0) out[f.cName] = bitList(v, f.bitNames);
      }
      return out;
    },
    toJSON(v) {
      const out: Record<string, Json> = {};
      for (const f of fields) {
        if (f.key === null) continue;
        const x = (v as Record<string, number | bigint | Uint8Array | undefined>)[f.key];
        if (x !== undefined) out[f.cName] = jsonOf(x);
      }
      return out;
    },
    fromJSON(j, name) {
      if (typeof j !== 'object' || j === null || Array.isArray(j))
        throw new ValidationError(name, j, `expected ${cName} fields`);
      const out: Record<string, unknown> = {};
      for (const f of fields) if (f.key !== null && f.cName in j) out[f.key] = fromJson(f, j[f.cName]);
      return out as StructValue<F>;
    },
  };
  return codec;
}

/** The expression reading field `f` of the struct at `o` in `b` (the same reads as `read`). */
function readExpr(f: Field): string {
  const at = `o + ${f.offset}`;
  switch (f.type) {
    case 'u8':
      return `b[${at}]`;
    case 's8':
      return `b.readInt8(${at})`;
    case 'u16':
      return `(b[${at}] | (b[${at} + 1] << 8))`;
    case 's16':
      return `b.readInt16LE(${at})`;
    case 'be16':
      return `b.readUInt16BE(${at})`;
    case 'u32':
      return `((b[${at}] | (b[${at} + 1] << 8) | (b[${at} + 2] << 16)) + b[${at} + 3] * 16777216)`;
    case 's32':
      return `(b[${at}] | (b[${at} + 1] << 8) | (b[${at} + 2] << 16) | (b[${at} + 3] << 24))`;
    case 'be32':
      return `b.readUInt32BE(${at})`;
    case 'u64':
      return `b.readBigUInt64LE(${at})`;
    default:
      return `new Uint8Array(b.subarray(${at}, ${at} + ${f.size}))`;
  }
}

/**
 * An encoder of the whole struct: integer fields are checked and stored inline, in order (the same
 * checks and messages as `write`); other fields go through `write`.
 */
function compileStructEncoder(
  fields: readonly Field[],
): (w: Writer, o: Record<string, unknown>, name: string) => void {
  const lines = fields.map((f, i) => {
    const value = f.key === null ? 'undefined' : `o[${JSON.stringify(f.key)}]`;
    const store = STORE[f.type];
    if (store === undefined) return `w.length = at + ${f.offset}; write(w, F[${i}], ${value}, name);`;
    const [min, max] = LIMITS[f.type];
    const field = JSON.stringify(`.${f.key ?? f.cName}`);
    const why = JSON.stringify(`expected ${f.type} (${min}..${max})`);
    return `x = ${value};
      if (x === undefined) x = 0;
      else if (typeof x !== 'number' || !Number.isInteger(x) || x < ${min} || x > ${max})
        throw new ValidationError(name + ${field}, x, ${why});
      ${store('b', `at + ${f.offset}`)};`;
  });
  const size = fields.reduce((n, f) => Math.max(n, f.offset + f.size), 0);
  const src = `return function encode(w, o, name) {
    const at = w.length;
    w.ensure(${size});
    const b = w.buf;
    let x;
    ${lines.join('\n')}
    w.length = at + ${size};
  };`;
  return new Function('F', 'write', 'ValidationError', src)(fields, write, ValidationError);
}

// Stores of a checked integer x, as source.
const STORE: Partial<Record<FieldType, (b: string, at: string) => string>> = {
  u8: (b, at) => `${b}[${at}] = x`,
  s8: (b, at) => `${b}[${at}] = x & 0xff`,
  u16: (b, at) => `${b}[${at}] = x & 0xff; ${b}[${at} + 1] = x >>> 8`,
  s16: (b, at) => `${b}[${at}] = x & 0xff; ${b}[${at} + 1] = (x >>> 8) & 0xff`,
  be16: (b, at) => `${b}[${at}] = x >>> 8; ${b}[${at} + 1] = x & 0xff`,
  u32: (b, at) =>
    `${b}[${at}] = x & 0xff; ${b}[${at} + 1] = (x >>> 8) & 0xff; ${b}[${at} + 2] = (x >>> 16) & 0xff; ${b}[${at} + 3] = x >>> 24`,
  s32: (b, at) =>
    `${b}[${at}] = x & 0xff; ${b}[${at} + 1] = (x >>> 8) & 0xff; ${b}[${at} + 2] = (x >>> 16) & 0xff; ${b}[${at} + 3] = (x >>> 24) & 0xff`,
  be32: (b, at) =>
    `${b}[${at}] = x >>> 24; ${b}[${at} + 1] = (x >>> 16) & 0xff; ${b}[${at} + 2] = (x >>> 8) & 0xff; ${b}[${at} + 3] = x & 0xff`,
};

/**
 * A decoder for a struct present in full: one object literal, so every decoded struct has the same
 * shape (fast properties) instead of being built key by key into a dictionary-mode object.
 */
function compileStructDecoder(fields: readonly Field[]): (b: Buffer, o: number) => Record<string, unknown> {
  const props = fields.filter((f) => f.key !== null).map((f) => `${JSON.stringify(f.key)}: ${readExpr(f)}`);
  return new Function('b', 'o', `return { ${props.join(', ')} };`) as (
    b: Buffer,
    o: number,
  ) => Record<string, unknown>;
}
