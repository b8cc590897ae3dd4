/**
 * Routes: list (with the kernel's dump filters), look up (`ip route get`), add, replace, append and
 * delete IPv4/IPv6 routes, with the defaults `ip route` chooses.
 */
import { NLM_F } from '../../constants/netlink.js';
import { RT_SCOPE, RT_TABLE, RTM_F, RTN, RTNH_F, RTPROT } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import type { BatchResult, Connection } from '../../netlink/connection.js';
import { ValidationError } from '../../netlink/errors.js';
import { convertEntries, type Message } from '../../netlink/message.js';
import { NetlinkError } from '../../netlink/netlink-error.js';
import { checkDev, type DevRef, resolveDev } from '../addr/dev.js';
import {
  checkEach,
  type Prefix,
  parsePrefix,
  validateAddress,
  validateInt,
  validateU32,
  validateWeight,
} from '../validate.js';
import {
  type MetricsAttrs,
  metricsAttrs,
  type NexthopAttrs,
  type RouteAttrs,
  RTAX_LOCK_BITS,
} from './attrs.js';
import { rtmDelRoute, rtmGetRoute, rtmNewRoute } from './messages.js';
import {
  type Family,
  familyNumber,
  type Protocol,
  protocolName,
  protocolNumber,
  type RouteType,
  routeTypeName,
  routeTypeNumber,
  type Scope,
  scopeName,
  scopeNumber,
  suffixNames,
  type Table,
  tableNumber,
} from './names.js';
import type { RtMsg } from './rtmsg.js';
import type { RtVia } from './rtvia.js';

/** A metric's name (a key of RTA_METRICS' set, e.g. mtu, advmss, initcwnd). */
export type MetricName = Exclude<keyof MetricsAttrs, 'lock' | 'unknownAttrs'>;

/** Route metrics (RTA_METRICS), in the kernel's units (rtt in 1/8 ms, rttvar in 1/4 ms, rtoMin in ms). */
export type RouteMetrics = Omit<MetricsAttrs, 'lock' | 'unknownAttrs'> & {
  /** Metrics locked against changes by the kernel (path MTU discovery...). */
  lock?: MetricName[];
};

/** IPv6 router preference (RTA_PREF). */
export type RoutePref = 'low' | 'medium' | 'high';

// ICMPV6_ROUTER_PREF_* (linux/icmpv6.h, not among the generated tables).
const PREFS: Readonly<Record<RoutePref, number>> = { medium: 0, high: 1, low: 3 };

/** One path of a multipath route. */
export interface NexthopInput {
  /** The gateway; an IPv6 gateway of an IPv4 route is sent as RTA_VIA. */
  via?: string;
  /** The output interface. */
  dev?: DevRef;
  /** Weight 1..256 (default 1). */
  weight?: number;
  /** Take the gateway as directly reachable on dev (RTNH_F_ONLINK). */
  onlink?: boolean;
}

/** A route to add, replace, append or delete. */
export interface RouteInput {
  /** Destination: 'default', '10.1.0.0/16', '2001:db8::/64', or a host address. */
  dst: string;
  /** Needed only for a 'default' route with nothing else telling the family (default inet). */
  family?: Family;
  /** The gateway; an IPv6 gateway of an IPv4 route is sent as RTA_VIA. */
  via?: string;
  /** The output interface. */
  dev?: DevRef;
  /** The preferred source address (RTA_PREFSRC). */
  src?: string;
  /** Source prefix (RTA_SRC, IPv6 source routing). */
  from?: string;
  /** Table: main by default (local for local routes); ids above 255 go in RTA_TABLE. */
  table?: Table;
  /** Protocol: boot by default. */
  protocol?: Protocol;
  /** Scope: link for unicast routes without a gateway, host for local ones, else global (as `ip`). */
  scope?: Scope;
  /** Type: unicast by default. */
  type?: RouteType;
  /** Metric (RTA_PRIORITY). */
  metric?: number;
  /** TOS / DSCP to match (rtm_tos). */
  tos?: number;
  /** Route metrics (RTA_METRICS). */
  metrics?: RouteMetrics;
  /** Paths of a multipath route (RTA_MULTIPATH). */
  nexthops?: NexthopInput[];
  /** Take the gateway as directly reachable on dev (RTNH_F_ONLINK). */
  onlink?: boolean;
  /** IPv6: the route expires after this many seconds. */
  expires?: number;
  /** IPv6: router preference. */
  pref?: RoutePref;
  /** Use a nexthop object (RTA_NH_ID). */
  nhId?: number;
}

/** Flag names of rtm_flags / rtnh_flags: RTNH_F_* (onlink, linkdown, dead...) and RTM_F_* (cloned...). */
export type RouteFlag = string;

const NH_FLAGS = suffixNames(RTNH_F, 'RTNH_F_');
const RTM_FLAGS = suffixNames(RTM_F, 'RTM_F_');

const NH_FLAG_LIST = Object.entries(NH_FLAGS);
const RTM_FLAG_LIST = Object.entries(RTM_FLAGS);

const FLAG_NAMES_CACHE = new Map<number, readonly RouteFlag[]>();

/** Names of RTNH_F_* (and with `withRtm`, RTM_F_*) bits; one frozen array per distinct value. */
function flagNames(v: number, withRtm: boolean): readonly RouteFlag[] {
  const key = (v >>> 0) * 2 + (withRtm ? 1 : 0);
  let names = FLAG_NAMES_CACHE.get(key);
  if (names === undefined) {
    const out: RouteFlag[] = [];
    let rest = v >>> 0;
    for (const [n, b] of NH_FLAG_LIST)
      if (rest & b) {
        out.push(n);
        rest &= ~b;
      }
    if (withRtm)
      for (const [n, b] of RTM_FLAG_LIST)
        if (rest & b) {
          // ip's names: RTM_F_OFFLOAD is rt_offload beside RTNH_F_OFFLOAD's offload.
          out.push(n in NH_FLAGS || n === 'offload_failed' ? `rt_${n}` : n);
          rest = (rest & ~b) >>> 0;
        }
    if (rest) out.push(`0x${rest.toString(16)}`);
    names = Object.freeze(out);
    // A handful of values in practice; the cap keeps arbitrary input from growing it.
    if (FLAG_NAMES_CACHE.size < 1024) FLAG_NAMES_CACHE.set(key, names);
  }
  return names;
}

/** One path of a multipath route, as reported. */
export interface Nexthop {
  /** RTA_GATEWAY. */
  gateway?: string;
  /** RTA_VIA. */
  via?: RtVia;
  /** Output interface index (rtnh_ifindex). */
  oif?: number;
  /** rtnh_hops + 1. */
  weight: number;
  /** rtnh_flags by name; a frozen array shared by equal values. */
  flags: readonly RouteFlag[];
  /** Everything else the record carried (encap...). */
  attrs: NexthopAttrs;
}

/** A route as the kernel reports it. */
export interface Route {
  /** AF_INET or AF_INET6. */
  family: number;
  /** 'default', or 'ADDRESS/LENGTH'. */
  dst: string;
  /** Source prefix (RTA_SRC / rtm_src_len). */
  from?: string;
  /** rtm_tos. */
  tos: number;
  /** Table id (RTA_TABLE, else rtm_table). */
  table: number;
  /** rtm_protocol. */
  protocol: Protocol;
  /** rtm_scope. */
  scope: Scope;
  /** rtm_type. */
  type: RouteType;
  /** rtm_flags by name; a frozen array shared by equal values. */
  flags: readonly RouteFlag[];
  /** rtm_flags. */
  rawFlags: number;
  /** RTA_GATEWAY. */
  gateway?: string;
  /** RTA_VIA. */
  via?: RtVia;
  /** Output interface index. */
  oif?: number;
  /** Input interface index (route lookups with iif, multicast). */
  iif?: number;
  /** Preferred source address (RTA_PREFSRC). */
  src?: string;
  /** RTA_PRIORITY. */
  metric?: number;
  /** RTA_METRICS. */
  metrics?: RouteMetrics;
  /** RTA_MULTIPATH. */
  nexthops?: Nexthop[];
  /** Seconds until it expires (from RTA_CACHEINFO). */
  expires?: number;
  /** IPv6 router preference. */
  pref?: RoutePref | number;
  /** Every attribute as decoded. */
  attrs: RouteAttrs;
}

function metricsOut(m: MetricsAttrs): RouteMetrics {
  const { lock, unknownAttrs: _u, ...rest } = m;
  const out: RouteMetrics = { ...rest };
  if (lock !== undefined) {
    out.lock = [];
    for (const d of metricsAttrs.defs)
      if (d.key !== 'lock' && lock & RTAX_LOCK_BITS[d.name]) out.lock.push(d.key as MetricName);
  }
  return out;
}

/** Turns an RTM_NEWROUTE into a {@link Route}. */
export function routeFromMessage(m: Message<RtMsg, RouteAttrs>): Route {
  const h = m.header;
  const a = m.attrs;
  const rawFlags = h.flags ?? 0;
  const r: Route = {
    family: h.family ?? 0,
    dst: a.dst !== undefined ? `${a.dst}/${h.dstLen ?? 0}` : h.dstLen ? `/${h.dstLen}` : 'default',
    tos: h.tos ?? 0,
    table: a.table ?? h.table ?? 0,
    protocol: protocolName(h.protocol ?? 0),
    scope: scopeName(h.scope ?? 0),
    type: routeTypeName(h.type ?? 0),
    flags: flagNames(rawFlags, true),
    rawFlags,
    attrs: a,
  };
  if (a.src !== undefined) r.from = `${a.src}/${h.srcLen ?? 0}`;
  if (a.gateway !== undefined) r.gateway = a.gateway;
  if (a.via !== undefined) r.via = a.via;
  if (a.oif !== undefined) r.oif = a.oif;
  if (a.iif !== undefined) r.iif = a.iif;
  if (a.prefsrc !== undefined) r.src = a.prefsrc;
  if (a.priority !== undefined) r.metric = a.priority;
  if (a.metrics !== undefined) r.metrics = metricsOut(a.metrics);
  if (a.multipath !== undefined)
    r.nexthops = a.multipath.map((n) => {
      const nh: Nexthop = {
        weight: (n.header.hops ?? 0) + 1,
        flags: flagNames(n.header.flags ?? 0, false),
        attrs: n.attrs,
      };
      if (n.attrs.gateway !== undefined) nh.gateway = n.attrs.gateway;
      if (n.attrs.via !== undefined) nh.via = n.attrs.via;
      if (n.header.ifindex) nh.oif = n.header.ifindex;
      return nh;
    });
  const ex = a.cacheinfo?.expires;
  if (ex) r.expires = Math.trunc(ex / 100); // clock_t, USER_HZ = 100
  if (a.pref !== undefined)
    r.pref = (Object.keys(PREFS) as RoutePref[]).find((k) => PREFS[k] === a.pref) ?? a.pref;
  return r;
}

const readRoute = convertEntries(rtmNewRoute, routeFromMessage);

/** What a route request is for: the defaults differ between creating and deleting. */
export type RouteCommand = 'add' | 'replace' | 'append' | 'delete';

/** A route request's rtmsg and attributes. */
export interface RouteRequest {
  /** The rtmsg. */
  header: RtMsg;
  /** The RTA_* attributes. */
  attrs: RouteAttrs;
}

function gatewayAttrs(family: number, via: string, field: string): { gateway: string } | { via: RtVia } {
  const g = validateAddress(via, field);
  if (g.family === family) return { gateway: g.address };
  if (family === AF.AF_INET) return { via: { family: g.family, address: g.address } };
  throw new ValidationError(field, via, 'an IPv6 route needs an IPv6 gateway');
}

function familyOfInput(r: RouteInput, dst: Prefix | undefined): number {
  if (dst !== undefined) {
    const f = dst.family;
    if (r.family !== undefined && familyNumber(r.family) !== f)
      throw new ValidationError('family', r.family, `not the family of dst ${r.dst}`);
    return f;
  }
  if (r.family !== undefined) return familyNumber(r.family);
  // For 'default': the family of the first address given, else IPv4.
  for (const a of [r.via, r.src, r.from, ...(r.nexthops ?? []).map((n) => n.via)])
    if (typeof a === 'string') return validateAddress(a.split('/')[0], 'via').family;
  return AF.AF_INET;
}

/**
 * Builds the rtmsg and attributes of `ip route <cmd>`: table main (local for local routes), protocol
 * boot, type unicast, scope as `ip` picks it; deletes leave protocol, type and scope as wildcards.
 * `devIndex` turns an interface into its index. Throws ValidationError before anything is sent.
 */
export function buildRoute(
  cmd: RouteCommand,
  r: RouteInput,
  devIndex: (dev: DevRef, field: string) => number,
): RouteRequest {
  if (typeof r !== 'object' || r === null) throw new ValidationError('route', r, 'expected a route');
  const d = r.dst === 'default' ? undefined : parsePrefix(r.dst, 'dst');
  const family = familyOfInput(r, d);
  const attrs: RouteAttrs = {};
  let dstLen = 0;
  if (d !== undefined) {
    dstLen = d.prefixlen;
    attrs.dst = d.address;
  }
  let srcLen = 0;
  if (r.from !== undefined) {
    const s = parsePrefix(r.from, 'from');
    if (s.family !== family) throw new ValidationError('from', r.from, 'not the family of the route');
    srcLen = s.prefixlen;
    attrs.src = s.address;
  }
  const deleting = cmd === 'delete';
  const type = r.type !== undefined ? routeTypeNumber(r.type) : deleting ? RTN.RTN_UNSPEC : RTN.RTN_UNICAST;
  let table: number;
  if (r.table !== undefined) table = tableNumber(r.table);
  else
    table = type === RTN.RTN_LOCAL || type === RTN.RTN_NAT ? RT_TABLE.RT_TABLE_LOCAL : RT_TABLE.RT_TABLE_MAIN;
  if (table > 255) attrs.table = table;
  const protocol = r.protocol !== undefined ? protocolNumber(r.protocol) : deleting ? 0 : RTPROT.RTPROT_BOOT;
  let flags = 0;
  if (r.onlink !== undefined && r.onlink !== false) {
    if (r.onlink !== true) throw new ValidationError('onlink', r.onlink, 'expected a boolean');
    flags |= RTNH_F.RTNH_F_ONLINK;
  }
  if (r.via !== undefined) Object.assign(attrs, gatewayAttrs(family, r.via, 'via'));
  if (r.dev !== undefined) attrs.oif = devIndex(r.dev, 'dev');
  if (r.src !== undefined) {
    const s = validateAddress(r.src, 'src');
    if (s.family !== family) throw new ValidationError('src', r.src, 'not the family of the route');
    attrs.prefsrc = s.address;
  }
  if (r.metric !== undefined) attrs.priority = validateU32('metric', r.metric);
  if (r.metrics !== undefined) {
    const m = metricsIn(r.metrics);
    if (Object.keys(m).length) attrs.metrics = m;
  }
  if (r.nexthops !== undefined) {
    if (!Array.isArray(r.nexthops) || r.nexthops.length === 0)
      throw new ValidationError('nexthops', r.nexthops, 'expected a non-empty array');
    if (r.via !== undefined || r.dev !== undefined)
      throw new ValidationError('nexthops', r.nexthops, 'give via/dev per nexthop, not beside nexthops');
    attrs.multipath = r.nexthops.map((n, i) => {
      const field = `nexthops[${i}]`;
      if (typeof n !== 'object' || n === null)
        throw new ValidationError(field, n, 'expected { via, dev, weight }');
      const weight = n.weight === undefined ? 1 : validateWeight(n.weight, `${field}.weight`);
      if (n.via === undefined && n.dev === undefined) throw new ValidationError(field, n, 'needs via or dev');
      const a: NexthopAttrs = n.via === undefined ? {} : gatewayAttrs(family, n.via, `${field}.via`);
      const ifindex = n.dev === undefined ? 0 : devIndex(n.dev, `${field}.dev`);
      if (n.onlink !== undefined && typeof n.onlink !== 'boolean')
        throw new ValidationError(`${field}.onlink`, n.onlink, 'expected a boolean');
      return { header: { flags: n.onlink ? RTNH_F.RTNH_F_ONLINK : 0, hops: weight - 1, ifindex }, attrs: a };
    });
  }
  if (r.expires !== undefined) {
    if (family !== AF.AF_INET6) throw new ValidationError('expires', r.expires, 'only IPv6 routes expire');
    attrs.expires = validateU32('expires', r.expires);
  }
  if (r.pref !== undefined) {
    if (family !== AF.AF_INET6)
      throw new ValidationError('pref', r.pref, 'only IPv6 routes have a preference');
    if (!Object.hasOwn(PREFS, r.pref))
      throw new ValidationError('pref', r.pref, "expected 'low', 'medium' or 'high'");
    attrs.pref = PREFS[r.pref];
  }
  if (r.nhId !== undefined) attrs.nhId = validateInt('nhId', r.nhId, 1, 0xffffffff);
  const tos = r.tos === undefined ? 0 : validateInt('tos', r.tos, 0, 255);
  let scope: number;
  if (r.scope !== undefined) scope = scopeNumber(r.scope);
  else if (deleting) scope = RT_SCOPE.RT_SCOPE_NOWHERE;
  else if (family === AF.AF_INET6) scope = RT_SCOPE.RT_SCOPE_UNIVERSE;
  else if (type === RTN.RTN_LOCAL || type === RTN.RTN_NAT) scope = RT_SCOPE.RT_SCOPE_HOST;
  else if (type === RTN.RTN_BROADCAST || type === RTN.RTN_MULTICAST || type === RTN.RTN_ANYCAST)
    scope = RT_SCOPE.RT_SCOPE_LINK;
  else if (
    type === RTN.RTN_UNICAST &&
    attrs.gateway === undefined &&
    attrs.via === undefined &&
    attrs.multipath === undefined &&
    attrs.nhId === undefined
  )
    scope = RT_SCOPE.RT_SCOPE_LINK;
  else scope = RT_SCOPE.RT_SCOPE_UNIVERSE;
  return {
    header: {
      family,
      dstLen,
      srcLen,
      tos,
      table: table > 255 ? RT_TABLE.RT_TABLE_COMPAT : table,
      protocol,
      scope,
      type,
      flags,
    },
    attrs,
  };
}

function metricsIn(m: RouteMetrics): MetricsAttrs {
  if (typeof m !== 'object' || m === null) throw new ValidationError('metrics', m, 'expected an object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === undefined) continue;
    const d = metricsAttrs.defByKey(k);
    if (!d) throw new ValidationError(`metrics.${k}`, v, 'not a route metric');
    if (k === 'lock') {
      if (!Array.isArray(v)) throw new ValidationError('metrics.lock', v, 'expected metric names');
      let bitsSet = 0;
      for (const name of v as unknown[]) {
        const ld = typeof name === 'string' && name !== 'lock' ? metricsAttrs.defByKey(name) : undefined;
        if (!ld) throw new ValidationError('metrics.lock', name, 'not a route metric');
        bitsSet |= RTAX_LOCK_BITS[ld.name];
      }
      out.lock = bitsSet >>> 0;
    } else if (k === 'ccAlgo') {
      if (typeof v !== 'string' || v === '')
        throw new ValidationError('metrics.ccAlgo', v, 'expected a name');
      out.ccAlgo = v;
    } else out[k] = validateU32(`metrics.${k}`, v);
  }
  return out as MetricsAttrs;
}

/** Filter of {@link Routes.list}; the kernel applies it (strict dump filtering). */
export interface RouteFilter {
  /** Only this family (default: IPv4, then IPv6). */
  family?: Family;
  /** Only this table (default main); 'all' for every table. */
  table?: Table | 'all';
  /** Only routes of this protocol. */
  protocol?: Protocol;
  /** Only routes of this type. */
  type?: RouteType;
  /** Only routes through this interface. */
  dev?: DevRef;
  /** The route cache (exceptions: learned PMTU, redirects) instead of the FIB (RTM_F_CLONED). */
  cloned?: boolean;
}

/** Options of {@link Routes.get}, as `ip route get ADDRESS from ... iif ... oif ... fibmatch`. */
export interface RouteGetOptions {
  /** Source address. */
  from?: string;
  /** Input interface: look up as if received there (needs `from`). */
  iif?: DevRef;
  /** Output interface. */
  oif?: DevRef;
  /** Return the FIB entry that matched instead of the resolved route (RTM_F_FIB_MATCH). */
  fibmatch?: boolean;
  /** Firewall mark. */
  mark?: number;
  /** UID. */
  uid?: number;
  /** TOS. */
  tos?: number;
  /** IP protocol number (for policy routing rules). */
  ipProto?: number;
  /** Source port. */
  sport?: number;
  /** Destination port. */
  dport?: number;
}

/** Routes, on one rtnetlink connection (and so in its namespace). */
export class Routes {
  /** The connection requests go through. */
  readonly conn: Connection;

  /** Uses `conn`, an rtnetlink connection (`Connection.open(rtnetlink, { netns })`). */
  constructor(conn: Connection) {
    this.conn = conn;
  }

  /** Lists routes of the main table, or of `table` ('all' for every table). */
  async list(filter: RouteFilter = {}): Promise<Route[]> {
    const families = filter.family === undefined ? [AF.AF_INET, AF.AF_INET6] : [familyNumber(filter.family)];
    const table =
      filter.table === undefined
        ? RT_TABLE.RT_TABLE_MAIN
        : filter.table === 'all'
          ? 0
          : tableNumber(filter.table);
    const protocol = filter.protocol === undefined ? 0 : protocolNumber(filter.protocol);
    const type = filter.type === undefined ? 0 : routeTypeNumber(filter.type);
    if (filter.cloned !== undefined && typeof filter.cloned !== 'boolean')
      throw new ValidationError('cloned', filter.cloned, 'expected a boolean');
    const attrs: RouteAttrs = {};
    if (table > 255) attrs.table = table;
    if (filter.dev !== undefined) attrs.oif = await resolveDev(this.conn, filter.dev, 'route list');
    const out: Route[] = [];
    for (const family of families) {
      const header: RtMsg = {
        family,
        table: table > 255 ? RT_TABLE.RT_TABLE_UNSPEC : table,
        protocol,
        type,
        flags: filter.cloned ? RTM_F.RTM_F_CLONED : 0,
      };
      let routes: Route[];
      try {
        routes = await this.conn.dumpMap(rtmGetRoute, header, attrs, readRoute, {
          context: 'route list',
          retries: 3,
        });
      } catch (e) {
        // A table that was never created: nothing in it.
        if (table && e instanceof NetlinkError && e.code === 'ENOENT') continue;
        throw e;
      }
      if (families.length === 1) return routes;
      for (const r of routes) out.push(r);
    }
    return out;
  }

  /** Looks a destination up like `ip route get`: the route packets to `dst` would take. */
  async get(dst: string, opts: RouteGetOptions = {}): Promise<Route> {
    const d = parsePrefix(dst, 'dst');
    const max = d.family === AF.AF_INET ? 32 : 128;
    if (d.prefixlen !== max) throw new ValidationError('dst', dst, 'expected an address, not a prefix');
    const attrs: RouteAttrs = { dst: d.address };
    let srcLen = 0;
    if (opts.from !== undefined) {
      const s = validateAddress(opts.from, 'from');
      if (s.family !== d.family) throw new ValidationError('from', opts.from, 'not the family of dst');
      attrs.src = s.address;
      srcLen = max;
    }
    if (opts.mark !== undefined) attrs.mark = validateU32('mark', opts.mark);
    if (opts.uid !== undefined) attrs.uid = validateU32('uid', opts.uid);
    if (opts.ipProto !== undefined) attrs.ipProto = validateInt('ipProto', opts.ipProto, 0, 255);
    if (opts.sport !== undefined) attrs.sport = validateInt('sport', opts.sport, 0, 0xffff);
    if (opts.dport !== undefined) attrs.dport = validateInt('dport', opts.dport, 0, 0xffff);
    const tos = opts.tos === undefined ? 0 : validateInt('tos', opts.tos, 0, 255);
    if (opts.iif !== undefined) checkDev(opts.iif, 'iif');
    if (opts.oif !== undefined) checkDev(opts.oif, 'oif');
    const context = `route get ${dst}`;
    if (opts.iif !== undefined) attrs.iif = await resolveDev(this.conn, opts.iif, context, 'iif');
    if (opts.oif !== undefined) attrs.oif = await resolveDev(this.conn, opts.oif, context, 'oif');
    // IPv6 accepts only RTM_F_FIB_MATCH; IPv4 reports the table the lookup used with RTM_F_LOOKUP_TABLE.
    const flags =
      (d.family === AF.AF_INET ? RTM_F.RTM_F_LOOKUP_TABLE : 0) | (opts.fibmatch ? RTM_F.RTM_F_FIB_MATCH : 0);
    const [reply] = await this.conn.request(
      rtmGetRoute,
      { family: d.family, dstLen: max, srcLen, tos, flags },
      attrs,
      { context },
    );
    if (!reply) throw new ValidationError('dst', dst, 'the kernel answered without a route');
    return routeFromMessage(reply as Message<RtMsg, RouteAttrs>);
  }

  /** Adds a route (`ip route add`); EEXIST if it is there already. */
  add(route: RouteInput): Promise<void> {
    return this.modify('add', route, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL);
  }

  /**
   * Adds many routes in one pipelined batch (`ip -batch` of `route add` lines, without an ack per
   * route). Every route is checked, and its interfaces looked up, before anything is sent: a bad
   * one throws ValidationError naming it (`routes[3].dst`) and nothing changes. Resolves with one
   * result per route, in order: undefined when added, the kernel's NetlinkError when refused (the
   * others are added all the same).
   */
  async addMany(routes: readonly RouteInput[]): Promise<BatchResult[]> {
    const devs = new Map<DevRef, number>();
    checkEach(routes, 'routes', (r) => {
      buildRoute('add', r, (dev, field) => {
        checkDev(dev, field);
        devs.set(dev, 0);
        return 1;
      });
    });
    for (const dev of devs.keys()) devs.set(dev, await resolveDev(this.conn, dev, 'route add'));
    const flags = NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL;
    return this.conn.batchOf(routes.length, (i) => {
      const r = routes[i];
      const req = buildRoute('add', r, (dev) => devs.get(dev) as number);
      const table = r.table === undefined ? '' : ` table ${r.table}`;
      return {
        spec: rtmNewRoute,
        header: req.header,
        attrs: req.attrs,
        flags,
        context: `route add ${r.dst}${table}`,
      };
    });
  }

  /** Adds a route or replaces the one there (`ip route replace`). */
  replace(route: RouteInput): Promise<void> {
    return this.modify('replace', route, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_REPLACE);
  }

  /** Adds a route after the existing ones of the same prefix (`ip route append`). */
  append(route: RouteInput): Promise<void> {
    return this.modify('append', route, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_APPEND);
  }

  /** Deletes a route (`ip route del`): unspecified protocol, type and scope match any. */
  delete(route: RouteInput): Promise<void> {
    return this.modify('delete', route, 0);
  }

  private async modify(cmd: RouteCommand, route: RouteInput, flags: number): Promise<void> {
    // Validate everything first, then resolve interface names.
    buildRoute(cmd, route, (dev, field) => {
      checkDev(dev, field);
      return 1;
    });
    const table = route.table === undefined ? '' : ` table ${route.table}`;
    const context = `route ${cmd} ${route.dst}${table}`;
    const devs = new Map<DevRef, number>();
    const wanted = [route.dev, ...(route.nexthops ?? []).map((n) => n.dev)];
    for (const dev of wanted)
      if (dev !== undefined && !devs.has(dev)) devs.set(dev, await resolveDev(this.conn, dev, context));
    const req = buildRoute(cmd, route, (dev) => devs.get(dev) as number);
    const kind = cmd === 'delete' ? rtmDelRoute : rtmNewRoute;
    await this.conn.request(kind, req.header, req.attrs, { flags, context });
  }
}
