/**
 * Prefix matching for show filters (`to PREFIX`, `root`, `match`, `exact`): addresses compared bit by
 * bit as the kernel stores them.
 */
import { parseIP } from '../../netlink/address.js';
import { parsePrefix } from '../../rtnl/validate.js';

/** A parsed prefix: its address bytes and length. */
export interface Bits {
  /** Address bytes (4 or 16; none for `default`). */
  bytes: Uint8Array;
  /** Prefix length. */
  len: number;
}

/** Parses `ADDR[/LEN]` or `default`/`all`/`any` (length 0). */
export function prefixBits(p: string, field = 'prefix'): Bits {
  if (p === 'default' || p === 'all' || p === 'any') return { bytes: new Uint8Array(0), len: 0 };
  const x = parsePrefix(p, field);
  return { bytes: parseIP(x.address, field), len: x.prefixlen };
}

/** Whether the first `len` bits of a and b agree (missing bytes count as zero). */
export function sameBits(a: Uint8Array, b: Uint8Array, len: number): boolean {
  for (let i = 0; i < len; i++) {
    const bit = 7 - (i % 8);
    if ((((a[i >> 3] ?? 0) >> bit) & 1) !== (((b[i >> 3] ?? 0) >> bit) & 1)) return false;
  }
  return true;
}

/** Whether address `addr` is inside prefix `p` (and of its family). */
export function inPrefix(addr: string, p: Bits): boolean {
  const a = parseIP(addr);
  if (p.bytes.length && a.length !== p.bytes.length) return false;
  return sameBits(a, p.bytes, p.len);
}
