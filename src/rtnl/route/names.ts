/**
 * The names `ip` uses for route scopes, protocols, types and tables, derived from the generated
 * RT_SCOPE / RTPROT / RTN / RT_TABLE tables, and conversions between names and numbers.
 */
import { RT_SCOPE, RT_TABLE, RTN, RTPROT } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import { ValidationError } from '../../netlink/errors.js';

type Suffix<K, P extends string> = K extends `${P}${infer R}` ? Lowercase<R> : never;

/** Renames each `PREFIX_NAME` of a generated constant table to `name` (RTPROT_BOOT -> boot). */
export function suffixNames<const T extends Readonly<Record<string, number>>, P extends string>(
  table: T,
  prefix: P,
): { readonly [K in keyof T as Suffix<K & string, P>]: T[K] } {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(table))
    if (k.startsWith(prefix)) out[k.slice(prefix.length).toLowerCase()] = v;
  return out as { readonly [K in keyof T as Suffix<K & string, P>]: T[K] };
}

/** Scope names as `ip` prints them (rt_scopes): RT_SCOPE_UNIVERSE is `global`. */
export const SCOPES = {
  global: RT_SCOPE.RT_SCOPE_UNIVERSE,
  site: RT_SCOPE.RT_SCOPE_SITE,
  link: RT_SCOPE.RT_SCOPE_LINK,
  host: RT_SCOPE.RT_SCOPE_HOST,
  nowhere: RT_SCOPE.RT_SCOPE_NOWHERE,
} as const;
/** A scope name. */
export type ScopeName = keyof typeof SCOPES;
/** A scope: its name, or a number 0..255. */
export type Scope = ScopeName | number;

/** Route protocols (RTPROT_*) by `ip`'s names: kernel, boot, static, ra, dhcp, bgp... */
export const PROTOCOLS = suffixNames(RTPROT, 'RTPROT_');
/** A route protocol name. */
export type ProtocolName = keyof typeof PROTOCOLS;
/** A route protocol: its name, or a number 0..255. */
export type Protocol = ProtocolName | number;

/** Route types (RTN_*) by `ip`'s names: unicast, local, blackhole, unreachable, prohibit, throw... */
export const ROUTE_TYPES = suffixNames(RTN, 'RTN_');
/** A route type name. */
export type RouteTypeName = keyof typeof ROUTE_TYPES;
/** A route type: its name, or a number 0..255. */
export type RouteType = RouteTypeName | number;

/** The named routing tables. */
export const TABLES = {
  main: RT_TABLE.RT_TABLE_MAIN,
  local: RT_TABLE.RT_TABLE_LOCAL,
  default: RT_TABLE.RT_TABLE_DEFAULT,
} as const;
/** A table name. */
export type TableName = keyof typeof TABLES;
/** A routing table: its name, or its id 1..2^32-1. */
export type Table = TableName | number;

function toNumber(
  field: string,
  v: unknown,
  names: Readonly<Record<string, number>>,
  min: number,
  max: number,
): number {
  if (typeof v === 'string') {
    const n = Object.hasOwn(names, v) ? names[v] : undefined;
    if (n === undefined)
      throw new ValidationError(field, v, `unknown name (known: ${Object.keys(names).join(', ')})`);
    return n;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new ValidationError(field, v, `expected a name or an integer from ${min} to ${max}`);
  return v;
}

// number -> first name, per table, built once (these run for every route and address decoded);
// an array for 0..255, which is every rtm_scope, rtm_protocol and rtm_type.
function reverseTable<N extends string>(names: Readonly<Record<N, number>>): (N | undefined)[] {
  const m = new Array<N | undefined>(256).fill(undefined);
  for (const [k, v] of Object.entries(names) as [N, number][])
    if (v >= 0 && v < 256 && m[v] === undefined) m[v] = k;
  return m;
}
const SCOPE_NAMES = reverseTable(SCOPES);
const PROTOCOL_NAMES = reverseTable(PROTOCOLS);
const ROUTE_TYPE_NAMES = reverseTable(ROUTE_TYPES);

/** A scope's number; throws ValidationError naming `field`. */
export const scopeNumber = (v: Scope, field = 'scope'): number => toNumber(field, v, SCOPES, 0, 255);
/** A scope's name, or its number when it has none. */
export const scopeName = (n: number): Scope => SCOPE_NAMES[n] ?? n;
/** A protocol's number; throws ValidationError naming `field`. */
export const protocolNumber = (v: Protocol, field = 'protocol'): number =>
  toNumber(field, v, PROTOCOLS, 0, 255);
/** A protocol's name, or its number when it has none. */
export const protocolName = (n: number): Protocol => PROTOCOL_NAMES[n] ?? n;
/** A route type's number; throws ValidationError naming `field`. */
export const routeTypeNumber = (v: RouteType, field = 'type'): number =>
  toNumber(field, v, ROUTE_TYPES, 0, 255);
/** A route type's name, or its number when it has none. */
export const routeTypeName = (n: number): RouteType => ROUTE_TYPE_NAMES[n] ?? n;
/** A table's id (1..2^32-1); throws ValidationError naming `field`. */
export const tableNumber = (v: Table, field = 'table'): number => toNumber(field, v, TABLES, 1, 0xffffffff);

/** The address families of addresses and routes, by `ip`'s names. */
export const FAMILIES = { inet: AF.AF_INET, inet6: AF.AF_INET6 } as const;
/** An address family by name. */
export type Family = keyof typeof FAMILIES;

/** AF_INET or AF_INET6 for a family name; throws ValidationError naming `field`. */
export function familyNumber(f: Family, field = 'family'): number {
  if (f === 'inet' || f === 'inet6') return FAMILIES[f];
  throw new ValidationError(field, f, "expected 'inet' or 'inet6'");
}
