/**
 * Checks of user input made before anything is sent. Each failure is a ValidationError naming the
 * field and the value.
 */
import { isIPv6 } from 'node:net';
import { AF } from '../constants/socket.js';
import { ipv4Value } from '../netlink/address.js';
import { ValidationError } from '../netlink/errors.js';

/** IFNAMSIZ - 1: the longest interface name. */
export const IFNAME_MAX = 15;

/** Checks an interface name as the kernel's dev_valid_name() does: 1-15 bytes, no '/', ':' or whitespace, not '.' or '..'. */
export function validateIfname(name: unknown, field = 'interface name'): string {
  if (typeof name !== 'string' || name.length === 0)
    throw new ValidationError(field, name, 'must be a non-empty string');
  if (Buffer.byteLength(name) > IFNAME_MAX)
    throw new ValidationError(field, name, `longer than ${IFNAME_MAX} bytes`);
  if (name === '.' || name === '..')
    throw new ValidationError(field, name, "'.' and '..' are not interface names");
  if (/[/:\s\0]/.test(name))
    throw new ValidationError(field, name, "must not contain '/', ':', NUL or whitespace");
  return name;
}

/** Checks an integer in [min, max]. */
export function validateInt(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new ValidationError(field, v, `must be an integer from ${min} to ${max}`);
  return v;
}

/** Checks a u32. */
export const validateU32 = (field: string, v: unknown): number => validateInt(field, v, 0, 0xffffffff);
/** Checks an MTU (68..65535 for IPv4 links; the kernel checks the device's own limits). */
export const validateMtu = (v: unknown, field = 'mtu'): number => validateInt(field, v, 68, 0xffffffff);
/** Checks a UDP/TCP port. */
export const validatePort = (v: unknown, field = 'port'): number => validateInt(field, v, 0, 0xffff);
/** Checks a VXLAN network identifier (24 bits). */
export const validateVni = (v: unknown, field = 'vxlan id'): number => validateInt(field, v, 0, 0xffffff);
/** Checks a routing table id (u32, 0 means unspecified). */
export const validateTable = (v: unknown, field = 'table'): number => validateInt(field, v, 0, 0xffffffff);
/** Checks a multipath weight (1..256, as `ip route` takes it). */
export const validateWeight = (v: unknown, field = 'weight'): number => validateInt(field, v, 1, 256);

/** An address family and the address in text form. */
export interface FamilyAddress {
  /** AF_INET or AF_INET6. */
  family: number;
  /** The address as given (validated). */
  address: string;
}

/** Checks an IPv4 or IPv6 address and tells its family. */
export function validateAddress(v: unknown, field = 'address'): FamilyAddress {
  if (typeof v === 'string' && ipv4Value(v) >= 0) return { family: AF.AF_INET, address: v };
  if (typeof v === 'string' && isIPv6(v) && !v.includes('%')) return { family: AF.AF_INET6, address: v };
  throw new ValidationError(field, v, 'not an IPv4 or IPv6 address');
}

/** An address with a prefix length. */
export interface Prefix extends FamilyAddress {
  /** Prefix length (0..32 or 0..128). */
  prefixlen: number;
}

/** Parses 'ADDR/LEN' (or a bare address, taken as a host prefix) and checks both parts. */
export function parsePrefix(v: unknown, field = 'prefix'): Prefix {
  if (typeof v !== 'string') throw new ValidationError(field, v, 'expected ADDRESS/LENGTH');
  const slash = v.indexOf('/');
  const address = slash < 0 ? v : v.slice(0, slash);
  const { family } = validateAddress(address, field);
  const max = family === AF.AF_INET ? 32 : 128;
  if (slash < 0) return { family, address, prefixlen: max };
  // One to three decimal digits, at most max.
  const digits = v.length - slash - 1;
  let prefixlen = digits >= 1 && digits <= 3 ? 0 : -1;
  for (let i = slash + 1; i < v.length && prefixlen >= 0; i++) {
    const c = v.charCodeAt(i) - 48;
    prefixlen = c >= 0 && c <= 9 ? prefixlen * 10 + c : -1;
  }
  if (prefixlen < 0 || prefixlen > max)
    throw new ValidationError(field, v, `prefix length must be 0..${max}`);
  return { family, address, prefixlen };
}

/**
 * Checks every item of a list before anything is sent: `check` throws ValidationError for a bad
 * item, which comes out naming it (`routes[3].dst`).
 */
export function checkEach<T>(list: readonly T[], name: string, check: (item: T, i: number) => void): void {
  if (!Array.isArray(list)) throw new ValidationError(name, list, 'expected an array');
  for (let i = 0; i < list.length; i++) {
    try {
      check(list[i], i);
    } catch (e) {
      throw e instanceof ValidationError ? e.within(name, i) : e;
    }
  }
}
