/**
 * Address codecs: IPv4, IPv6, an IP address of either family (chosen by payload length), and
 * link-layer addresses. Values are their text forms (10.0.0.1, fe80::1, 02:00:00:00:00:01).
 */
import { isIPv6 } from 'node:net';
import { type Codec, type InlineDecode, inlineFixed } from './codec.js';
import { DecodeError, ValidationError } from './errors.js';
import type { Writer } from './writer.js';

/** Decimal text of 0..255. */
const DEC: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

// The text of recently formatted addresses, direct-mapped by a hash of the 32-bit value: a dump
// repeats the same few addresses (gateways, IFA_LOCAL = IFA_ADDRESS) thousands of times, and each
// repeat then shares one string instead of keeping its own.
const V4_SLOTS = 4096;
const v4Keys = new Float64Array(V4_SLOTS).fill(-1);
const v4Texts: string[] = new Array<string>(V4_SLOTS).fill('');

/** Formats 4 bytes as dotted quad. */
export function formatIPv4(b: Uint8Array, off = 0): string {
  const v = ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
  const slot = Math.imul(v, 0x9e3779b1) >>> 20;
  if (v4Keys[slot] === v) return v4Texts[slot];
  const text = `${DEC[b[off]]}.${DEC[b[off + 1]]}.${DEC[b[off + 2]]}.${DEC[b[off + 3]]}`;
  v4Keys[slot] = v;
  v4Texts[slot] = text;
  return text;
}

/** Formats 16 bytes as RFC 5952 text (longest zero run compressed, IPv4-mapped shown dotted). */
export function formatIPv6(b: Uint8Array, off = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff)
    return `::ffff:${formatIPv4(b, off + 12)}`;
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

/**
 * The 32-bit value of dotted-quad text, or -1 when it is not one. Accepts exactly what
 * `net.isIPv4` accepts (four decimal octets 0..255, no leading zeros), without a regex or an
 * allocation: requests parse thousands of addresses.
 */
export function ipv4Value(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  let v = 0;
  let i = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (s.charCodeAt(i) !== 46) return -1;
      i++;
    }
    const start = i;
    let octet = 0;
    while (i < n) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      octet = octet * 10 + c;
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && s.charCodeAt(start) === 48)) return -1;
    v = v * 256 + octet;
  }
  return i === n ? v : -1;
}

/** Parses dotted-quad IPv4 text into 4 bytes; throws ValidationError naming `field`. */
export function parseIPv4(s: string, field = 'address'): Uint8Array {
  const v = typeof s === 'string' ? ipv4Value(s) : -1;
  if (v < 0) throw new ValidationError(field, s, 'not an IPv4 address');
  return new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
}

/** Writes IPv4 text as 4 bytes; throws ValidationError naming `field`. */
function writeIPv4(w: Writer, s: string, field: string): void {
  const v = typeof s === 'string' ? ipv4Value(s) : -1;
  if (v < 0) throw new ValidationError(field, s, 'not an IPv4 address');
  w.ensure(4);
  const b = w.buf;
  const at = w.length;
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
  w.length = at + 4;
}

/** Parses IPv6 text (with optional embedded IPv4) into 16 bytes; throws ValidationError naming `field`. */
export function parseIPv6(s: string, field = 'address'): Uint8Array {
  if (typeof s !== 'string' || !isIPv6(s) || s.includes('%'))
    throw new ValidationError(field, s, 'not an IPv6 address');
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(text.slice(lastColon + 1), field);
    text = `${text.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const hs = head ? head.split(':') : [];
  const rs = rest ? rest.split(':') : [];
  const groups =
    rest === undefined ? hs : [...hs, ...new Array<string>(8 - hs.length - rs.length).fill('0'), ...rs];
  const out = new Uint8Array(16);
  groups.forEach((x, i) => {
    const v = Number.parseInt(x, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/** Parses an IPv4 or IPv6 address. */
export function parseIP(s: string, field = 'address'): Uint8Array {
  if (typeof s === 'string' && ipv4Value(s) >= 0) return parseIPv4(s, field);
  if (typeof s === 'string' && isIPv6(s)) return parseIPv6(s, field);
  throw new ValidationError(field, s, 'not an IPv4 or IPv6 address');
}

/** Formats 4 or 16 bytes as an IP address; other lengths as colon hex. */
export function formatIP(b: Uint8Array, off: number, len: number): string {
  if (len === 4) return formatIPv4(b, off);
  if (len === 16) return formatIPv6(b, off);
  return formatMac(b, off, len);
}

/** Formats bytes as colon-separated hex (02:00:00:00:00:01). */
export function formatMac(b: Uint8Array, off: number, len: number): string {
  if (len === 6)
    return `${HEX[b[off]]}:${HEX[b[off + 1]]}:${HEX[b[off + 2]]}:${HEX[b[off + 3]]}:${HEX[b[off + 4]]}:${HEX[b[off + 5]]}`;
  let s = '';
  for (let i = 0; i < len; i++) s += (i ? ':' : '') + HEX[b[off + i]];
  return s;
}

/** Two hex digits per byte value. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Parses colon- or dash-separated hex bytes (a MAC or any link-layer address, up to 32 bytes). */
export function parseMac(s: string, field = 'lladdr'): Uint8Array {
  if (s === '') return new Uint8Array(0);
  if (typeof s !== 'string' || !/^[0-9a-fA-F]{1,2}([:-][0-9a-fA-F]{1,2}){0,31}$/.test(s))
    throw new ValidationError(field, s, 'not a link-layer address (like 02:00:00:00:00:01)');
  return new Uint8Array(s.split(/[:-]/).map((x) => Number.parseInt(x, 16)));
}

/** IPv4 text as source, for generated decoders (h.v4 is formatIPv4). */
const v4Source = (b: string, o: string): string => `h.v4(${b}, ${o})`;

function text(
  typeName: string,
  size: number | undefined,
  check: (len: number) => boolean,
  fmt: (b: Buffer, off: number, len: number) => string,
  parse: (s: string, f: string) => Uint8Array,
  inline?: InlineDecode,
  write?: (w: Writer, s: string, f: string) => void,
): Codec<string> {
  return {
    kind: 'address',
    typeName,
    size,
    inline,
    decode(buf, off, len) {
      if (!check(len))
        throw new DecodeError(
          size === undefined
            ? `${typeName} payload of ${len} bytes`
            : `${typeName} payload is ${len} bytes, expected ${size}`,
          off,
        );
      return fmt(buf, off, len);
    },
    encode(w: Writer, v, name) {
      if (write) write(w, v, name);
      else w.raw(parse(v, name));
    },
    toJSON: (v) => v,
    fromJSON: (j, name) => {
      if (typeof j !== 'string') throw new ValidationError(name, j, 'expected an address string');
      parse(j, name);
      return j;
    },
  };
}

/** An IPv4 address (4 bytes). */
export const ipv4 = text(
  'ipv4',
  4,
  (n) => n === 4,
  formatIPv4,
  parseIPv4,
  inlineFixed('ipv4', 4, v4Source),
  writeIPv4,
);
/** An IPv6 address (16 bytes). */
export const ipv6 = text('ipv6', 16, (n) => n === 16, formatIPv6, parseIPv6);
/** An IP address whose family is given by its length (4 or 16 bytes), as in IFA_ADDRESS or RTA_DST. */
export const ipaddr = text(
  'ipaddr',
  undefined,
  (n) => n === 4 || n === 16,
  formatIP,
  parseIP,
  (b, o, len, call) => `(${len} === 4 ? ${v4Source(b, o)} : ${call})`,
  (w, s, f) => {
    if (typeof s === 'string' && ipv4Value(s) >= 0) writeIPv4(w, s, f);
    else w.raw(parseIP(s, f));
  },
);
/** A link-layer address of any length (IFLA_ADDRESS, NDA_LLADDR); 4- and 16-byte ones stay hex too. */
export const lladdr = text('lladdr', undefined, (n) => n <= 32, formatMac, parseMac);
