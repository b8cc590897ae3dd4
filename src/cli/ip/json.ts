/**
 * iproute2-compatible JSON: the objects `ip -j` (and `bridge -j fdb`) prints for links, addresses,
 * routes, neighbours, FDB entries and rules, with ip 6.1's field names, order, formats and the fields
 * it leaves out. Built from the library's decoded messages; human.ts renders text from these objects.
 */
import { IFF } from '../../constants/if.js';
import { IFA_F } from '../../constants/if_addr.js';
import { IN6_ADDR_GEN_MODE } from '../../constants/if_link.js';
import { NTF, NUD } from '../../constants/neighbour.js';
import { RT_SCOPE, RT_TABLE, RTM_F, RTN, RTNH_F, RTPROT } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import type { Address } from '../../rtnl/addr/api.js';
import type { Link } from '../../rtnl/link/link.js';
import type { Neighbour } from '../../rtnl/neigh/api.js';
import type { FdbEntry } from '../../rtnl/neigh/fdb.js';
import type { Route } from '../../rtnl/route/api.js';
import { metricsAttrs } from '../../rtnl/route/attrs.js';
import type { Rule } from '../../rtnl/rule/api.js';
import { hex0x, linkinfoJson } from './json-kinds.js';
import type { JsonOut } from './jsonw.js';
import { GROUPS, linkAddress, linkTypeName, PROTOCOLS, SCOPES, TABLES } from './names.js';

/** An ordered JSON object (keys with undefined values are not written). */
export type Obj = Record<string, JsonOut | undefined>;

/** Interface lookups (ip's ll_map): names and flags by index. */
export interface LinkMap {
  /** ll_index_to_name: the name, or `if<N>` for an unknown index. */
  ifname(index: number): string;
  /** The flags of a known index. */
  ifflags(index: number): number | undefined;
  /** The link-layer type of a known index. */
  iftype?(index: number): number | undefined;
}

/** Builds a {@link LinkMap} from links. */
export function linkMap(links: readonly Link[]): LinkMap {
  const byIndex = new Map(links.map((l) => [l.index, l]));
  return {
    ifname: (i) => byIndex.get(i)?.name ?? `if${i}`,
    ifflags: (i) => byIndex.get(i)?.flags,
    iftype: (i) => byIndex.get(i)?.type,
  };
}

/** What `ip` was asked to show. */
export interface ShowOptions {
  /** -d count. */
  details: number;
  /** -s count. */
  stats: number;
  /** `ip link` (true) or `ip address` (false): a few fields differ. */
  doLink: boolean;
  /** -4/-6/-f. */
  family?: string;
}

const FLAG_ORDER: ReadonlyArray<keyof typeof IFF> = [
  'IFF_LOOPBACK',
  'IFF_BROADCAST',
  'IFF_POINTOPOINT',
  'IFF_MULTICAST',
  'IFF_NOARP',
  'IFF_ALLMULTI',
  'IFF_PROMISC',
  'IFF_MASTER',
  'IFF_SLAVE',
  'IFF_DEBUG',
  'IFF_DYNAMIC',
  'IFF_AUTOMEDIA',
  'IFF_PORTSEL',
  'IFF_NOTRAILERS',
  'IFF_UP',
  'IFF_LOWER_UP',
  'IFF_DORMANT',
  'IFF_ECHO',
];

/** print_link_flags: NO-CARRIER, the IFF_* names in ip's order, leftover bits in hex, M-DOWN. */
export function linkFlags(flags: number, mdown: boolean): string[] {
  const out: string[] = [];
  let f = flags >>> 0;
  if (f & IFF.IFF_UP && !(f & IFF.IFF_RUNNING)) out.push('NO-CARRIER');
  f &= ~IFF.IFF_RUNNING;
  for (const k of FLAG_ORDER) {
    const bit = IFF[k];
    if (f & bit) {
      out.push(k.slice(4));
      f &= ~bit;
    }
  }
  if (f) out.push((f >>> 0).toString(16));
  if (mdown) out.push('M-DOWN');
  return out;
}

const OPER = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];
const ADDR_GEN: Readonly<Record<number, string>> = {
  [IN6_ADDR_GEN_MODE.IN6_ADDR_GEN_MODE_EUI64]: 'eui64',
  [IN6_ADDR_GEN_MODE.IN6_ADDR_GEN_MODE_NONE]: 'none',
  [IN6_ADDR_GEN_MODE.IN6_ADDR_GEN_MODE_STABLE_PRIVACY]: 'stable_secret',
  [IN6_ADDR_GEN_MODE.IN6_ADDR_GEN_MODE_RANDOM]: 'random',
};

function stats64(s: Record<string, bigint | undefined>, level: number, carrierChanges?: number): Obj {
  const rx: Obj = {
    bytes: s.rxBytes,
    packets: s.rxPackets,
    errors: s.rxErrors,
    dropped: s.rxDropped,
    over_errors: s.rxOverErrors,
    multicast: s.multicast,
    compressed: s.rxCompressed ? s.rxCompressed : undefined,
  };
  if (level > 1)
    Object.assign(rx, {
      length_errors: s.rxLengthErrors,
      crc_errors: s.rxCrcErrors,
      frame_errors: s.rxFrameErrors,
      fifo_errors: s.rxFifoErrors,
      missed_errors: s.rxMissedErrors,
      nohandler: s.rxNohandler ? s.rxNohandler : undefined,
      otherhost: s.rxOtherhostDropped ? s.rxOtherhostDropped : undefined,
    });
  const tx: Obj = {
    bytes: s.txBytes,
    packets: s.txPackets,
    errors: s.txErrors,
    dropped: s.txDropped,
    carrier_errors: s.txCarrierErrors,
    collisions: s.collisions,
    compressed: s.txCompressed ? s.txCompressed : undefined,
  };
  if (level > 1)
    Object.assign(tx, {
      aborted_errors: s.txAbortedErrors,
      fifo_errors: s.txFifoErrors,
      window_errors: s.txWindowErrors,
      heartbeat_errors: s.txHeartbeatErrors,
      carrier_changes: carrierChanges,
    });
  return { rx, tx };
}

/** The object `ip -j link show` (or, without addr_info, `ip -j address show`) prints for a link. */
export function linkJson(l: Link, map: LinkMap, o: ShowOptions, deleted = false): Obj {
  const a = l.attrs;
  const out: Obj = {};
  if (deleted) out.deleted = true;
  out.ifindex = l.index;
  let mdown = false;
  if (a.link !== undefined) {
    if (a.link === 0) out.link = null;
    else if (a.linkNetnsid !== undefined) out.link_index = a.link;
    else {
      out.link = map.ifname(a.link);
      mdown = !((map.ifflags(a.link) ?? 0) & IFF.IFF_UP);
    }
  }
  out.ifname = a.ifname ?? null;
  out.flags = linkFlags(l.flags, mdown);
  out.mtu = a.mtu;
  out.qdisc = a.qdisc;
  if (a.master !== undefined) out.master = map.ifname(a.master);
  if (a.operstate !== undefined) {
    if (a.operstate < OPER.length) out.operstate = OPER[a.operstate];
    else out.operstate_index = a.operstate;
  }
  if (o.doLink && a.linkmode !== undefined) {
    if (a.linkmode < 2) out.linkmode = a.linkmode === 0 ? 'DEFAULT' : 'DORMANT';
    else out.linkmode_index = a.linkmode;
  }
  if (a.group !== undefined) out.group = GROUPS.name(a.group);
  if (a.txqlen) out.txqlen = a.txqlen;
  if (a.event !== undefined && a.event !== 0) out.event = EVENTS[a.event] ?? a.event;
  if (!o.family || o.family === 'link' || o.details) {
    out.link_type = linkTypeName(l.type);
    if (a.address !== undefined) out.address = linkAddress(a.address, l.type);
    if (a.broadcast !== undefined) {
      if (l.flags & IFF.IFF_POINTOPOINT) out.link_pointtopoint = true;
      out.broadcast = linkAddress(a.broadcast, l.type);
    }
    if (a.permAddress !== undefined && a.permAddress !== a.address)
      out.permaddr = linkAddress(a.permAddress, l.type);
  }
  if (a.linkNetnsid !== undefined) out.link_netnsid = a.linkNetnsid;
  if (a.newNetnsid !== undefined) out.new_netnsid = a.newNetnsid;
  if (a.newIfindex !== undefined) out.new_ifindex = a.newIfindex;
  if (a.protoDown) out.proto_down = true;
  if (o.details) {
    out.promiscuity = a.promiscuity;
    out.allmulti = a.allmulti;
    out.min_mtu = a.minMtu;
    out.max_mtu = a.maxMtu;
    if (a.linkinfo) out.linkinfo = linkinfoJson(a.linkinfo, map);
    const spec = a.afSpec as { inet6?: { addrGenMode?: number } } | undefined;
    const mode = spec?.inet6?.addrGenMode;
    if (o.doLink && mode !== undefined)
      out.inet6_addr_gen_mode = ADDR_GEN[mode] ?? `0x${mode.toString(16).padStart(2, '0')}`;
    Object.assign(out, {
      num_tx_queues: a.numTxQueues,
      num_rx_queues: a.numRxQueues,
      gso_max_size: a.gsoMaxSize,
      gso_max_segs: a.gsoMaxSegs,
      tso_max_size: a.tsoMaxSize,
      tso_max_segs: a.tsoMaxSegs,
      gro_max_size: a.groMaxSize,
      phys_port_name: a.physPortName,
      phys_port_id: a.physPortId === undefined ? undefined : Buffer.from(a.physPortId).toString('hex'),
      phys_switch_id: a.physSwitchId === undefined ? undefined : Buffer.from(a.physSwitchId).toString('hex'),
      parentbus: a.parentDevBusName,
      parentdev: a.parentDevName,
    });
  }
  if ((o.doLink || o.details) && a.ifalias !== undefined) out.ifalias = a.ifalias;
  if (o.doLink && o.stats && a.stats64)
    out.stats64 = stats64(a.stats64 as unknown as Record<string, bigint>, o.stats, a.carrierChanges);
  if (a.propList?.altIfname) out.altnames = a.propList.altIfname;
  return out;
}

const EVENTS: Readonly<Record<number, string>> = {
  1: 'REBOOT',
  2: 'FEATURE CHANGE',
  3: 'BONDING FAILOVER',
  4: 'NOTIFY PEERS',
  5: 'RESEND IGMP',
  6: 'BONDING OPTION',
};

const ADDR_FLAG_ORDER: ReadonlyArray<readonly [string, number]> = [
  ['secondary', IFA_F.IFA_F_SECONDARY],
  ['nodad', IFA_F.IFA_F_NODAD],
  ['optimistic', IFA_F.IFA_F_OPTIMISTIC],
  ['dadfailed', IFA_F.IFA_F_DADFAILED],
  ['home', IFA_F.IFA_F_HOMEADDRESS],
  ['deprecated', IFA_F.IFA_F_DEPRECATED],
  ['tentative', IFA_F.IFA_F_TENTATIVE],
  ['permanent', IFA_F.IFA_F_PERMANENT],
  ['mngtmpaddr', IFA_F.IFA_F_MANAGETEMPADDR],
  ['noprefixroute', IFA_F.IFA_F_NOPREFIXROUTE],
  ['autojoin', IFA_F.IFA_F_MCAUTOJOIN],
  ['stable-privacy', IFA_F.IFA_F_STABLE_PRIVACY],
];

const FOREVER = 0xffffffff;

/** One entry of `addr_info` (ip's print_addrinfo). */
export function addrJson(x: Address, extra: { deleted?: boolean; dev?: string } = {}): Obj {
  const out: Obj = {};
  if (extra.deleted) out.deleted = true;
  if (extra.dev !== undefined) {
    out.index = x.index;
    out.dev = extra.dev;
  }
  out.family = x.family === AF.AF_INET ? 'inet' : x.family === AF.AF_INET6 ? 'inet6' : undefined;
  if (out.family === undefined) out.family_index = x.family;
  if (x.local !== undefined) {
    out.local = x.local;
    if (x.address !== undefined && x.address !== x.local) out.address = x.address;
    out.prefixlen = x.prefixlen;
  }
  if (x.broadcast !== undefined) out.broadcast = x.broadcast;
  if (x.anycast !== undefined) out.anycast = x.anycast;
  out.scope = SCOPES.name(typeof x.scope === 'number' ? x.scope : scopeNumber(x.scope));
  let f = x.rawFlags >>> 0;
  for (const [name, bit] of ADDR_FLAG_ORDER) {
    if (bit === IFA_F.IFA_F_PERMANENT) {
      if (!(f & bit)) out.dynamic = true;
    } else if (f & bit) {
      out[bit === IFA_F.IFA_F_SECONDARY && x.family === AF.AF_INET6 ? 'temporary' : name] = true;
    }
    f &= ~bit;
  }
  if (f) out.ifa_flags = (f >>> 0).toString(16).padStart(2, '0');
  if (x.label !== undefined) out.label = x.label;
  if (x.cacheinfo) {
    out.valid_life_time = x.cacheinfo.valid ?? 0;
    const p = x.cacheinfo.preferred ?? 0;
    out.preferred_life_time = p !== FOREVER && x.rawFlags & IFA_F.IFA_F_DEPRECATED ? p | 0 : p;
  }
  if (x.metric !== undefined) out.metric = x.metric;
  return out;
}

function scopeNumber(s: string): number {
  return (
    (
      { global: RT_SCOPE.RT_SCOPE_UNIVERSE, site: 200, link: 253, host: 254, nowhere: 255 } as Record<
        string,
        number
      >
    )[s] ?? 0
  );
}

/** print_rt_flags: the route or nexthop flag names ip prints. */
function routeFlags(flags: number): string[] {
  const out: string[] = [];
  const add = (bit: number, n: string) => {
    if (flags & bit) out.push(n);
  };
  add(RTNH_F.RTNH_F_DEAD, 'dead');
  add(RTNH_F.RTNH_F_ONLINK, 'onlink');
  add(RTNH_F.RTNH_F_PERVASIVE, 'pervasive');
  add(RTNH_F.RTNH_F_OFFLOAD, 'offload');
  add(RTNH_F.RTNH_F_TRAP, 'trap');
  add(RTM_F.RTM_F_NOTIFY, 'notify');
  add(RTNH_F.RTNH_F_LINKDOWN, 'linkdown');
  add(RTNH_F.RTNH_F_UNRESOLVED, 'unresolved');
  add(RTM_F.RTM_F_OFFLOAD, 'rt_offload');
  add(RTM_F.RTM_F_TRAP, 'rt_trap');
  add(RTM_F.RTM_F_OFFLOAD_FAILED, 'rt_offload_failed');
  return out;
}

const TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(RTN).map(([k, v]) => [v, k.slice(4).toLowerCase()]),
);

// mx_names of iproute.c, by RTAX_* number.
const MX_NAMES = [
  '',
  'lock',
  'mtu',
  'window',
  'rtt',
  'rttvar',
  'ssthresh',
  'cwnd',
  'advmss',
  'reordering',
  'hoplimit',
  'initcwnd',
  'features',
  'rto_min',
  'initrwnd',
  'quickack',
  'congctl',
  'fastopen_no_cookie',
];
// The library's key of each RTAX_* metric, from its declaration (metricsAttrs).
const MX_KEYS = MX_NAMES.map((_, i) => metricsAttrs.def(i)?.key ?? '');

/** The metrics object of a route (print_rta_metrics). */
function metricsJson(m: Record<string, unknown>): Obj {
  const out: Obj = {};
  const lock = Array.isArray(m.lock) ? (m.lock as string[]) : [];
  for (let i = 2; i < MX_KEYS.length; i++) {
    const key = MX_KEYS[i];
    const v = m[key];
    if (v === undefined && !lock.includes(key)) continue;
    if (i === 10 && (v === 0xffffffff || v === -1)) continue;
    if (key === 'ccAlgo') out.congestion = String(v ?? '');
    else if (key === 'rtt') out[MX_NAMES[i]] = Math.trunc(Number(v ?? 0) / 8);
    else if (key === 'rttvar') out[MX_NAMES[i]] = Math.trunc(Number(v ?? 0) / 4);
    else if (key === 'features') {
      const f = Number(v ?? 0);
      if (f & 1) out.ecn = true;
      if (f & ~1) out.features = hex0x(f);
    } else out[MX_NAMES[i]] = Number(v ?? 0);
  }
  return out;
}

function familyName(f: number): string {
  return f === AF.AF_INET
    ? 'inet'
    : f === AF.AF_INET6
      ? 'inet6'
      : f === AF.AF_PACKET
        ? 'link'
        : f === 28
          ? 'mpls'
          : String(f);
}

/** Which filters the show used: ip leaves out the fields a filter fixes. */
export interface RouteShowFilter {
  /** A table was asked for (`table X`, not all): the table field is left out. */
  table?: boolean;
  /** A type was asked for. */
  type?: boolean;
  /** A protocol was asked for. */
  protocol?: boolean;
  /** A dev (oif) was asked for. */
  dev?: boolean;
}

/** The object `ip -j route show` (or `route get`) prints for a route. */
export function routeJson(
  r: Route,
  map: LinkMap,
  details: number,
  f: RouteShowFilter = {},
  deleted = false,
): Obj {
  const a = r.attrs;
  const out: Obj = {};
  const type = routeTypeNumber(r);
  if (deleted) out.deleted = true;
  if ((type !== RTN.RTN_UNICAST || details) && !f.type) out.type = TYPE_NAMES[type] ?? String(type);
  const hostLen = r.family === AF.AF_INET6 ? 128 : 32;
  const [dstAddr, dstLen] = r.dst === 'default' ? [undefined, 0] : splitPrefix(r.dst);
  if (a.dst !== undefined) out.dst = dstLen !== hostLen ? `${a.dst}/${dstLen}` : a.dst;
  else if (dstLen) out.dst = `0/${dstLen}`;
  else out.dst = 'default';
  void dstAddr;
  if (r.from !== undefined) {
    const [, srcLen] = splitPrefix(r.from);
    out.from = srcLen !== hostLen ? r.from : a.src;
  }
  if (a.nhId !== undefined) out.nhid = a.nhId;
  if (r.tos) out.tos = dsfield(r.tos);
  if (a.gateway !== undefined) out.gateway = a.gateway;
  if (a.via !== undefined) out.via = { family: familyName(a.via.family), host: a.via.address };
  if (a.oif !== undefined && !f.dev) out.dev = map.ifname(a.oif);
  const table = r.table;
  if (table && (table !== RT_TABLE.RT_TABLE_MAIN || details) && !f.table) out.table = TABLES.name(table);
  const cloned = (r.rawFlags & RTM_F.RTM_F_CLONED) !== 0;
  const proto = typeof r.protocol === 'number' ? r.protocol : protoNumber(r);
  if (!cloned) {
    if ((proto !== RTPROT.RTPROT_BOOT || details) && !f.protocol) out.protocol = PROTOCOLS.name(proto);
    const scope = typeof r.scope === 'number' ? r.scope : scopeNumber(r.scope);
    if (scope !== RT_SCOPE.RT_SCOPE_UNIVERSE || details) out.scope = SCOPES.name(scope);
  }
  if (a.prefsrc !== undefined) out.prefsrc = a.prefsrc;
  if (a.priority !== undefined) out.metric = a.priority;
  out.flags = routeFlags(r.rawFlags);
  if (a.mark) out.mark = a.mark;
  if (a.flow !== undefined) {
    const to = a.flow & 0xffff;
    const from = a.flow >>> 16;
    if (from) out.flow_from = String(from);
    out.flow_to = String(to);
  }
  if (a.uid !== undefined) out.uid = a.uid;
  if (r.family === AF.AF_INET || r.family === AF.AF_INET6) {
    if (cloned) out.cache = cacheFlags(r.rawFlags);
    const ci = a.cacheinfo;
    if (ci) {
      if (ci.expires) out.expires = Math.trunc(ci.expires / 100);
      if (ci.error) out.error = ci.error;
    }
  }
  if (r.metrics) out.metrics = [metricsJson(r.metrics as unknown as Record<string, unknown>)];
  if (a.iif !== undefined) out.iif = map.ifname(a.iif);
  if (a.pref !== undefined)
    out.pref = ({ 0: 'medium', 1: 'high', 3: 'low' } as Record<number, string>)[a.pref] ?? a.pref;
  if (a.ttlPropagate !== undefined) out['ttl-propagate'] = a.ttlPropagate ? 'enabled' : 'disabled';
  if (a.multipath)
    out.nexthops = a.multipath.map((n) => {
      const nh: Obj = {};
      if (n.attrs.gateway !== undefined) nh.gateway = n.attrs.gateway;
      if (n.attrs.via !== undefined)
        nh.via = { family: familyName(n.attrs.via.family), host: n.attrs.via.address };
      nh.dev = map.ifname(n.header.ifindex ?? 0);
      nh.weight = (n.header.hops ?? 0) + 1;
      nh.flags = routeFlags(n.header.flags ?? 0);
      return nh;
    });
  return out;
}

function cacheFlags(flags: number): string[] {
  // RTCF_* (linux/in_route.h) in ip's order and names.
  const names: ReadonlyArray<readonly [number, string]> = [
    [0x80000000, 'local'],
    [0x200, 'reject'],
    [0x20000000, 'mc'],
    [0x10000000, 'brd'],
    [0x00010000, 'dst-nat'],
    [0x00020000, 'src-nat'],
    [0x00400000, 'masq'],
    [0x04000000, 'dst-direct'],
    [0x00080000, 'src-direct'],
    [0x00040000, 'redirected'],
    [0x01000000, 'redirect'],
    [0x00200000, 'fastroute'],
    [0x00100000, 'notify'],
    [0x00800000, 'proxy'],
  ];
  let f = flags & ~0xffff;
  const out: string[] = [];
  for (const [bit, n] of names)
    if (f & bit) {
      out.push(n);
      f &= ~bit;
    }
  if (f) out.push((f >>> 0).toString(16));
  return out;
}

/** rtnl_dsfield_n2a without /etc/iproute2/rt_dsfield names: `0x%02x`. */
const dsfield = (v: number): string => `0x${v.toString(16).padStart(2, '0')}`;

function splitPrefix(p: string): [string, number] {
  const i = p.lastIndexOf('/');
  return i < 0 ? [p, -1] : [p.slice(0, i), Number(p.slice(i + 1))];
}

function routeTypeNumber(r: Route): number {
  if (typeof r.type === 'number') return r.type;
  return (RTN as Record<string, number>)[`RTN_${r.type.toUpperCase()}`] ?? 0;
}

function protoNumber(r: Route): number {
  return (
    PROTOCOLS.number(String(r.protocol)) ??
    (RTPROT as Record<string, number>)[`RTPROT_${String(r.protocol).toUpperCase()}`] ??
    0
  );
}

const NUD_ORDER: ReadonlyArray<readonly [number, string]> = [
  [NUD.NUD_INCOMPLETE, 'INCOMPLETE'],
  [NUD.NUD_REACHABLE, 'REACHABLE'],
  [NUD.NUD_STALE, 'STALE'],
  [NUD.NUD_DELAY, 'DELAY'],
  [NUD.NUD_PROBE, 'PROBE'],
  [NUD.NUD_FAILED, 'FAILED'],
  [NUD.NUD_NOARP, 'NOARP'],
  [NUD.NUD_PERMANENT, 'PERMANENT'],
];

/** The object `ip -j neigh show` prints for an entry. */
export function neighJson(
  n: Neighbour,
  map: LinkMap,
  opts: { devFiltered?: boolean; stats?: number; deleted?: boolean; miss?: boolean } = {},
): Obj {
  const out: Obj = {};
  if (opts.deleted) out.deleted = true;
  else if (opts.miss) out.miss = null;
  if (n.dst !== undefined) out.dst = n.dst;
  if (!opts.devFiltered && n.ifindex) out.dev = map.ifname(n.ifindex);
  if (n.lladdr !== undefined) out.lladdr = n.lladdr;
  const flags = neighFlagBits(n);
  if (flags & NTF.NTF_ROUTER) out.router = null;
  if (flags & NTF.NTF_PROXY) out.proxy = null;
  if (flags & NTF.NTF_EXT_LEARNED) out.extern_learn = null;
  if (flags & NTF.NTF_OFFLOADED) out.offload = null;
  if (n.managed) out.managed = null;
  if (opts.stats) {
    const ci = n.cacheinfo;
    if (ci) {
      out.refcnt = ci.refcnt;
      out.used = Math.trunc((ci.used ?? 0) / 100);
      out.confirmed = Math.trunc((ci.confirmed ?? 0) / 100);
      out.updated = Math.trunc((ci.updated ?? 0) / 100);
    }
    if (n.probes !== undefined) out.probes = n.probes;
  }
  const state = stateBits(n);
  if (state) {
    const names: string[] = [];
    let s = state;
    for (const [bit, name] of NUD_ORDER)
      if (s & bit) {
        names.push(name);
        s &= ~bit;
      }
    if (s) names.push(`0x${s.toString(16)}`);
    out.state = names;
  }
  if (n.protocol !== undefined) out.protocol = PROTOCOLS.name(n.protocol);
  return out;
}

const NUD_BY_NAME: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(NUD).map(([k, v]) => [k.slice(4).toLowerCase(), v]),
);
const NTF_BY_NAME: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(NTF).map(([k, v]) => [k.slice(4).toLowerCase(), v]),
);

/** ndm_state of a decoded entry. */
export function stateBits(n: { state?: readonly string[]; nud?: readonly string[] }): number {
  return (n.state ?? n.nud ?? []).reduce((m, s) => m | (NUD_BY_NAME[s] ?? 0), 0);
}

/** ndm_flags of a decoded entry. */
export function neighFlagBits(n: { flags: readonly string[] }): number {
  return n.flags.reduce((m, s) => m | (NTF_BY_NAME[s] ?? 0), 0);
}

/** bridge's state_n2a for FDB entries. */
function fdbState(state: number): string {
  if (state & NUD.NUD_PERMANENT) return 'permanent';
  if (state & NUD.NUD_NOARP) return 'static';
  if (state & NUD.NUD_STALE) return 'stale';
  if (state & NUD.NUD_REACHABLE) return '';
  return `state=${hex0x(state)}`;
}

/** The object `bridge -j fdb show` prints for an entry. */
export function fdbJson(
  e: FdbEntry,
  map: LinkMap,
  opts: { devFiltered?: boolean; deleted?: boolean } = {},
): Obj {
  const a = e.attrs;
  const out: Obj = {};
  if (opts.deleted) out.deleted = true;
  if (a.lladdr !== undefined) out.mac = a.lladdr;
  if (!opts.devFiltered && e.ifindex) out.ifname = map.ifname(e.ifindex);
  if (a.dst !== undefined) out.dst = a.dst;
  if (a.vlan) out.vlan = a.vlan;
  if (a.port !== undefined) out.port = a.port;
  if (a.vni !== undefined) out.vni = a.vni;
  if (a.srcVni !== undefined) out.src_vni = a.srcVni;
  if (a.ifindex !== undefined) out.viaIf = map.ifname(a.ifindex);
  if (a.nhId !== undefined) out.nhid = a.nhId;
  if (a.linkNetnsid !== undefined) out.linkNetNsId = a.linkNetnsid;
  const f = neighFlagBits(e);
  const flags: string[] = [];
  if (f & NTF.NTF_SELF) flags.push('self');
  if (f & NTF.NTF_ROUTER) flags.push('router');
  if (f & NTF.NTF_EXT_LEARNED) flags.push('extern_learn');
  if (f & NTF.NTF_OFFLOADED) flags.push('offload');
  if (f & NTF.NTF_MASTER) flags.push('master');
  if (f & NTF.NTF_STICKY) flags.push('sticky');
  if (((a.flagsExt as number | undefined) ?? 0) & 0x2) flags.push('locked');
  out.flags = flags;
  if (a.master !== undefined) out.master = map.ifname(a.master);
  out.state = fdbState(stateBits({ nud: e.nud }));
  return out;
}

const IPPROTO_NAMES: Readonly<Record<number, string>> = {
  0: 'ip',
  1: 'icmp',
  2: 'igmp',
  6: 'tcp',
  17: 'udp',
  41: 'ipv6',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'ipv6-icmp',
  132: 'sctp',
  136: 'udplite',
};

/** The object `ip -j rule show` prints for a rule. */
export function ruleJson(r: Rule, details: number, deleted = false): Obj {
  const out: Obj = {};
  const a = r.attrs;
  if (deleted) out.deleted = true;
  out.priority = r.priority;
  if (r.not) out.not = null;
  const host = r.family === 'inet6' ? 128 : 32;
  if (r.from !== undefined) {
    const [addr, len] = splitPrefix(r.from);
    out.src = addr;
    if (len !== host) out.srclen = len;
  } else out.src = 'all';
  if (r.to !== undefined) {
    const [addr, len] = splitPrefix(r.to);
    out.dst = addr;
    if (len !== host) out.dstlen = len;
  }
  if (r.tos) out.tos = dsfield(r.tos);
  if (r.dscp !== undefined) out.dscp = String(r.dscp);
  if (r.fwmark !== undefined || r.fwmask !== undefined) {
    out.fwmark = hex0x(r.fwmark ?? 0);
    if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) out.fwmask = hex0x(r.fwmask);
  }
  if (r.iif !== undefined) {
    out.iif = r.iif;
    if (r.flags & 0x8) out.iif_detached = true;
  }
  if (r.oif !== undefined) {
    out.oif = r.oif;
    if (r.flags & 0x10) out.oif_detached = true;
  }
  if (r.l3mdev) out.l3mdev = null;
  if (r.uidrange) {
    out.uid_start = r.uidrange.start;
    out.uid_end = r.uidrange.end;
  }
  if (r.ipproto !== undefined) out.ipproto = IPPROTO_NAMES[r.ipproto] ?? `ipproto-${r.ipproto}`;
  for (const [key, v] of [
    ['sport', r.sport],
    ['dport', r.dport],
  ] as const) {
    if (!v) continue;
    if (v.start === v.end) out[key] = v.start;
    else {
      out[`${key}_start`] = v.start;
      out[`${key}_end`] = v.end;
    }
  }
  if (r.tunId !== undefined) out.tun_id = r.tunId;
  const table = r.table ?? 0;
  if (table) {
    out.table = TABLES.name(table);
    if (r.suppressPrefixlength !== undefined && r.suppressPrefixlength !== 0xffffffff)
      out.suppress_prefixlen = r.suppressPrefixlength;
    if (r.suppressIfgroup !== undefined && r.suppressIfgroup !== 0xffffffff)
      out.suppress_ifgroup = GROUPS.name(r.suppressIfgroup);
  }
  if (r.flow !== undefined) {
    const to = r.flow & 0xffff;
    const from = r.flow >>> 16;
    if (from) out.flow_from = String(from);
    out.flow_to = String(to);
  }
  const action = r.action;
  if (action === 'goto') {
    out.goto = r.goto ?? 'none';
    if (r.unresolved) out.unresolved = true;
  } else if (action === 'nop') out.nop = null;
  else if (action !== 'table') out.action = typeof action === 'number' ? String(action) : action;
  if (a.protocol !== undefined && ((a.protocol && a.protocol !== RTPROT.RTPROT_KERNEL) || details))
    out.protocol = PROTOCOLS.name(a.protocol);
  return out;
}
