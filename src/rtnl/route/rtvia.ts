/**
 * struct rtvia (RTA_VIA): an address family then the gateway's address, e.g. an IPv6 gateway for an
 * IPv4 route. Its value is `{ family, address }`; IPv4/IPv6 addresses are text, other families'
 * addresses colon hex.
 */
import { AF } from '../../constants/socket.js';
import { formatIP, formatMac, parseIPv4, parseIPv6, parseMac } from '../../netlink/address.js';
import type { Codec, Json } from '../../netlink/codec.js';
import { DecodeError, ValidationError } from '../../netlink/errors.js';

/** A decoded struct rtvia. */
export interface RtVia {
  /** rtvia_family (AF_INET, AF_INET6, AF_PACKET...). */
  family: number;
  /** rtvia_addr as text. */
  address: string;
}

const ipLength = (family: number): number | undefined =>
  family === AF.AF_INET ? 4 : family === AF.AF_INET6 ? 16 : undefined;

function addrBytes(v: RtVia, name: string): Uint8Array {
  if (typeof v !== 'object' || v === null) throw new ValidationError(name, v, 'expected { family, address }');
  if (!Number.isInteger(v.family) || v.family < 0 || v.family > 0xffff)
    throw new ValidationError(`${name}.family`, v.family, 'expected an address family (u16)');
  if (v.family === AF.AF_INET) return parseIPv4(v.address, `${name}.address`);
  if (v.family === AF.AF_INET6) return parseIPv6(v.address, `${name}.address`);
  return parseMac(v.address, `${name}.address`);
}

/** The codec of struct rtvia. */
export const rtvia: Codec<RtVia> = {
  kind: 'address',
  typeName: 'rtvia',
  decode(buf, off, len) {
    if (len < 2) throw new DecodeError(`rtvia needs 2 bytes, has ${len}`, off);
    const family = buf.readUInt16LE(off);
    const n = len - 2;
    const want = ipLength(family);
    if (want !== undefined && n !== want)
      throw new DecodeError(`rtvia of family ${family} with a ${n}-byte address`, off);
    if (want === undefined && n > 32) throw new DecodeError(`rtvia with a ${n}-byte address`, off);
    return { family, address: want ? formatIP(buf, off + 2, n) : formatMac(buf, off + 2, n) };
  },
  encode(w, v, name) {
    const b = addrBytes(v, name);
    w.u16(v.family);
    w.raw(b);
  },
  toJSON: (v) => ({ family: v.family, address: v.address }),
  fromJSON(j: Json, name) {
    const o = j as { family?: unknown; address?: unknown } | null;
    if (typeof o !== 'object' || o === null || typeof o.family !== 'number' || typeof o.address !== 'string')
      throw new ValidationError(name, j, 'expected { family, address }');
    const v = { family: o.family, address: o.address };
    addrBytes(v, name);
    return v;
  },
};
