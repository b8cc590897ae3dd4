/**
 * The value codecs attribute sets are declared with: each knows how to decode a payload, encode a
 * value, and show the value as JSON for the debugger (and read it back for `nlwire encode`).
 */
import { DecodeError, ValidationError } from './errors.js';
import type { Writer } from './writer.js';

/** A JSON value, as the debugger prints it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What a decoder may need to know about the message around it. */
export interface DecodeContext {
  /** The family field of the message's header (ifi_family, rtm_family...), when it has one. */
  family?: number;
}

/** How a codec's payload is shown in the debugger's tree. */
export type CodecKind =
  | 'scalar'
  | 'string'
  | 'binary'
  | 'flag'
  | 'address'
  | 'struct'
  | 'nested'
  | 'array'
  | 'selector'
  | 'records';

/** A value codec: one declaration serves decoding, encoding, TypeScript types and the debugger. */
export interface Codec<T> {
  /** How the debugger shows the payload. */
  readonly kind: CodecKind;
  /** Short type name shown by the teacher (u32, be16, string, ifinfomsg, IFLA_INFO...). */
  readonly typeName: string;
  /** Fixed payload size, when the type has one. */
  readonly size?: number;
  /** Decodes payload bytes buf[off, off + len). Throws DecodeError. */
  decode(buf: Buffer, off: number, len: number, ctx: DecodeContext): T;
  /**
   * Writes the payload of v. `name` names the field in a ValidationError; `ctx` carries the message
   * family, for attributes whose content depends on it.
   */
  encode(w: Writer, v: T, name: string, ctx?: DecodeContext): void;
  /** The debugger's JSON form of a value. */
  toJSON(v: T): Json;
  /** Reads the debugger's JSON form back. */
  fromJSON(j: Json, name: string): T;
  /**
   * The decoding as a JavaScript expression, for decoders generated from declarations (schema.ts):
   * given the source text of the buffer, offset, length and a call of `decode`, an expression of
   * the value that throws DecodeError (through `h.bad`) where `decode` would.
   */
  readonly inline?: InlineDecode;
  /** Names of enumerated values, for the debugger. */
  readonly enumNames?: ReadonlyMap<number, string>;
  /** Names of flag bits, for the debugger. */
  readonly bitNames?: ReadonlyArray<readonly [string, number]>;
}

/** See {@link Codec.inline}: (buffer, offset, length, decode call) source texts to an expression. */
export type InlineDecode = (b: string, o: string, len: string, call: string) => string;

/** An inline read of a fixed-size value, checking the payload length like `need`. */
export function inlineFixed(
  typeName: string,
  size: number,
  read: (b: string, o: string) => string,
): InlineDecode {
  return (b, o, len) =>
    `(${len} === ${size} ? ${read(b, o)} : h.bad(${JSON.stringify(typeName)}, ${o}, ${len}, ${size}))`;
}

/** The TypeScript type a codec decodes to. */
export type ValueOf<C> = C extends Codec<infer T> ? T : never;

function need(len: number, size: number, off: number, what: string): void {
  if (len !== size) throw new DecodeError(`${what} payload is ${len} bytes, expected ${size}`, off);
}

function num(j: Json, name: string): number {
  if (typeof j === 'number' && Number.isFinite(j)) return j;
  if (typeof j === 'string' && /^-?\d+$/.test(j)) return Number(j);
  throw new ValidationError(name, j, 'expected a number');
}

function int(name: string, v: number, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new ValidationError(name, v, `expected an integer from ${min} to ${max}`);
  return v;
}

interface IntSpec {
  typeName: string;
  size: 1 | 2 | 4;
  min: number;
  max: number;
  read(buf: Buffer, off: number): number;
  write(buf: Buffer, v: number, off: number): void;
  /** `read` as source text, for generated decoders. */
  readSource?: (b: string, o: string) => string;
}

function intCodec(s: IntSpec): Codec<number> {
  return {
    kind: 'scalar',
    typeName: s.typeName,
    size: s.size,
    decode(buf, off, len) {
      need(len, s.size, off, s.typeName);
      return s.read(buf, off);
    },
    encode(w, v, name) {
      int(name, v, s.min, s.max);
      w.ensure(s.size);
      s.write(w.buf, v, w.length);
      w.length += s.size;
    },
    toJSON: (v) => v,
    fromJSON: (j, name) => int(name, num(j, name), s.min, s.max),
    inline: s.readSource ? inlineFixed(s.typeName, s.size, s.readSource) : undefined,
  };
}

/** u8. */
export const u8 = intCodec({
  typeName: 'u8',
  size: 1,
  min: 0,
  max: 0xff,
  read: (b, o) => b[o],
  readSource: (b, o) => `${b}[${o}]`,
  write: (b, v, o) => {
    b[o] = v;
  },
});
/** u16, host (little-endian) order. */
export const u16 = intCodec({
  typeName: 'u16',
  size: 2,
  min: 0,
  max: 0xffff,
  read: (b, o) => b.readUInt16LE(o),
  readSource: (b, o) => `(${b}[${o}] | (${b}[${o} + 1] << 8))`,
  write: (b, v, o) => b.writeUInt16LE(v, o),
});
/** u32, host order. */
export const u32 = intCodec({
  typeName: 'u32',
  size: 4,
  min: 0,
  max: 0xffffffff,
  read: (b, o) => b.readUInt32LE(o),
  readSource: (b, o) =>
    `((${b}[${o}] | (${b}[${o} + 1] << 8) | (${b}[${o} + 2] << 16)) + ${b}[${o} + 3] * 16777216)`,
  write: (b, v, o) => b.writeUInt32LE(v, o),
});
/** s8. */
export const s8 = intCodec({
  typeName: 's8',
  size: 1,
  min: -0x80,
  max: 0x7f,
  read: (b, o) => b.readInt8(o),
  write: (b, v, o) => b.writeInt8(v, o),
});
/** s16, host order. */
export const s16 = intCodec({
  typeName: 's16',
  size: 2,
  min: -0x8000,
  max: 0x7fff,
  read: (b, o) => b.readInt16LE(o),
  write: (b, v, o) => b.writeInt16LE(v, o),
});
/** s32, host order. */
export const s32 = intCodec({
  typeName: 's32',
  size: 4,
  min: -0x80000000,
  max: 0x7fffffff,
  read: (b, o) => b.readInt32LE(o),
  readSource: (b, o) =>
    `(${b}[${o}] | (${b}[${o} + 1] << 8) | (${b}[${o} + 2] << 16) | (${b}[${o} + 3] << 24))`,
  write: (b, v, o) => b.writeInt32LE(v, o),
});
/** be16 (network order), e.g. ports. */
export const be16 = intCodec({
  typeName: 'be16',
  size: 2,
  min: 0,
  max: 0xffff,
  read: (b, o) => b.readUInt16BE(o),
  readSource: (b, o) => `((${b}[${o}] << 8) | ${b}[${o} + 1])`,
  write: (b, v, o) => b.writeUInt16BE(v, o),
});
/** be32 (network order). */
export const be32 = intCodec({
  typeName: 'be32',
  size: 4,
  min: 0,
  max: 0xffffffff,
  read: (b, o) => b.readUInt32BE(o),
  write: (b, v, o) => b.writeUInt32BE(v, o),
});

const U64_MAX = (1n << 64n) - 1n;
const S64_MIN = -(1n << 63n);
const S64_MAX = (1n << 63n) - 1n;

function bigJSON(v: bigint): Json {
  return v <= 9007199254740991n && v >= -9007199254740991n ? Number(v) : v.toString();
}

function bigFrom(j: Json, name: string): bigint {
  if (typeof j === 'number' && Number.isInteger(j)) return BigInt(j);
  if (typeof j === 'string' && /^-?\d+$/.test(j)) return BigInt(j);
  throw new ValidationError(name, j, 'expected an integer');
}

function big(name: string, v: bigint, min: bigint, max: bigint): bigint {
  if (typeof v !== 'bigint' || v < min || v > max)
    throw new ValidationError(name, v, `expected a bigint from ${min} to ${max}`);
  return v;
}

function bigCodec(
  typeName: string,
  min: bigint,
  max: bigint,
  read: (b: Buffer, o: number) => bigint,
  write: (b: Buffer, v: bigint, o: number) => void,
): Codec<bigint> {
  return {
    kind: 'scalar',
    typeName,
    size: 8,
    decode(buf, off, len) {
      need(len, 8, off, typeName);
      return read(buf, off);
    },
    encode(w, v, name) {
      big(name, v, min, max);
      w.ensure(8);
      write(w.buf, v, w.length);
      w.length += 8;
    },
    toJSON: bigJSON,
    fromJSON: (j, name) => big(name, bigFrom(j, name), min, max),
  };
}

/** u64 as bigint, host order. */
export const u64 = bigCodec(
  'u64',
  0n,
  U64_MAX,
  (b, o) => b.readBigUInt64LE(o),
  (b, v, o) => {
    b.writeBigUInt64LE(v, o);
  },
);
/** s64 as bigint, host order. */
export const s64 = bigCodec(
  's64',
  S64_MIN,
  S64_MAX,
  (b, o) => b.readBigInt64LE(o),
  (b, v, o) => {
    b.writeBigInt64LE(v, o);
  },
);
/** be64 as bigint (network order). */
export const be64 = bigCodec(
  'be64',
  0n,
  U64_MAX,
  (b, o) => b.readBigUInt64BE(o),
  (b, v, o) => {
    b.writeBigUInt64BE(v, o);
  },
);

/** A NUL-terminated string (NLA_NUL_STRING / NLA_STRING as the kernel sends them). */
export const string: Codec<string> = {
  kind: 'string',
  typeName: 'string',
  decode(buf, off, len) {
    let end = off;
    const stop = off + len;
    while (end < stop && buf[end] !== 0) end++;
    return buf.toString('utf8', off, end);
  },
  encode(w, v, name) {
    if (typeof v !== 'string') throw new ValidationError(name, v, 'expected a string');
    if (v.includes('\0')) throw new ValidationError(name, v, 'must not contain NUL');
    const n = Buffer.byteLength(v);
    w.ensure(n + 1);
    w.buf.write(v, w.length, 'utf8');
    w.buf[w.length + n] = 0;
    w.length += n + 1;
  },
  toJSON: (v) => v,
  fromJSON: (j, name) => {
    if (typeof j !== 'string') throw new ValidationError(name, j, 'expected a string');
    return j;
  },
};

/** Raw bytes (copied out of the receive buffer). */
export const binary: Codec<Uint8Array> = {
  kind: 'binary',
  typeName: 'binary',
  decode: (buf, off, len) => new Uint8Array(buf.subarray(off, off + len)),
  encode(w, v, name) {
    if (!(v instanceof Uint8Array)) throw new ValidationError(name, v, 'expected a Uint8Array');
    w.raw(v);
  },
  toJSON: (v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex'),
  fromJSON: (j, name) => {
    if (typeof j !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(j))
      throw new ValidationError(name, j, 'expected hex');
    return new Uint8Array(Buffer.from(j, 'hex'));
  },
};

/** A flag attribute: present (true) with an empty payload. */
export const flag: Codec<true> = {
  kind: 'flag',
  typeName: 'flag',
  size: 0,
  decode(_buf, off, len) {
    need(len, 0, off, 'flag');
    return true;
  },
  encode(_w, v, name) {
    if (v !== true) throw new ValidationError(name, v, 'a flag is true or absent');
  },
  toJSON: () => true,
  fromJSON: () => true,
};

/** Gives an integer codec names for its values (the debugger prints them beside the number). */
export function named<T extends number>(c: Codec<T>, names: Readonly<Record<string, number>>): Codec<T> {
  const m = new Map<number, string>();
  for (const [k, v] of Object.entries(names)) if (!m.has(v)) m.set(v, k);
  return { ...c, enumNames: m };
}

/** Gives an integer codec names for its bits (the debugger lists the bits that are set). */
export function bits<T extends number>(c: Codec<T>, names: Readonly<Record<string, number>>): Codec<T> {
  const list = Object.entries(names).filter(([, v]) => v !== 0 && (v & (v - 1)) === 0);
  return { ...c, bitNames: list };
}

/** Lists the names of the bits set in v, then any unnamed rest as hex. */
export function bitList(v: number, names: ReadonlyArray<readonly [string, number]>): string[] {
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [n, b] of names) {
    if ((rest & b) === b && b !== 0) {
      out.push(n);
      rest = (rest & ~b) >>> 0;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}

/**
 * A boolean the kernel takes as a flag but dumps as a u8 0/1 (IFLA_VXLAN_TTL_INHERIT).
 * Decodes an empty payload or a non-zero u8 as true and a zero u8 as false. Encodes true as a flag
 * (what requests must carry) and false as a u8 0 (what the kernel dumps; leave the attribute out of a
 * request instead: the kernel refuses a payload on a flag).
 */
export const flagU8: Codec<boolean> = {
  kind: 'scalar',
  typeName: 'flag/u8',
  decode(buf, off, len) {
    if (len === 0) return true;
    if (len === 1) return buf[off] !== 0;
    throw new DecodeError(`flag/u8 payload is ${len} bytes, expected 0 or 1`, off);
  },
  encode(w, v, name) {
    if (typeof v !== 'boolean') throw new ValidationError(name, v, 'expected a boolean');
    if (v) return;
    w.ensure(1);
    w.buf[w.length++] = 0;
  },
  toJSON: (v) => v,
  fromJSON: (j, name) => {
    if (typeof j !== 'boolean') throw new ValidationError(name, j, 'expected a boolean');
    return j;
  },
};

/** NLA_UINT: an unsigned integer the kernel writes in 4 bytes when it fits, else 8 (nla_put_uint); a bigint. */
export const uint: Codec<bigint> = {
  kind: 'scalar',
  typeName: 'uint',
  decode(buf, off, len) {
    if (len === 4) return BigInt(buf.readUInt32LE(off));
    if (len === 8) return buf.readBigUInt64LE(off);
    throw new DecodeError(`uint payload is ${len} bytes, expected 4 or 8`, off);
  },
  encode(w, v, name) {
    if (typeof v !== 'bigint' || v < 0n || v >= 1n << 64n)
      throw new ValidationError(name, v, 'expected a bigint from 0 to 2^64-1');
    if (v <= 0xffffffffn) {
      w.ensure(4);
      w.buf.writeUInt32LE(Number(v), w.length);
      w.length += 4;
    } else u64.encode(w, v, name);
  },
  toJSON: (v) => u64.toJSON(v),
  fromJSON: (j, name) => u64.fromJSON(j, name),
};
