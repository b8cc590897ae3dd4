/**
 * `linkinfo.info_data` and `info_slave_data` the way iproute2 6.1 prints each kind (ip/iplink_*.c
 * print_opt): its field names, which fields it leaves out, and its formats (`"0x8001"`, timers as
 * `0.00`, booleans for on/off). Kinds ip has no printer for get no `info_data`, as with ip.
 */
import { IPVLAN_F, MACVLAN_FLAG } from '../../constants/if_link.js';
import type { JsonOut } from './jsonw.js';
import { Raw } from './jsonw.js';
import { accountName } from './names.js';

type Data = Record<string, unknown>;
type Obj = Record<string, JsonOut | undefined>;

/** Lookups a printer needs: interface names. */
export interface KindEnv {
  /** ll_index_to_name: the name of an index, or `if<N>`. */
  ifname(index: number): string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const big = (v: unknown): number | undefined =>
  typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : undefined;

/** print_0xhex with "%#llx": `0` for zero, else `0x...`. */
export const hex0x = (n: number): string => (n === 0 ? '0' : `0x${n.toString(16)}`);

/** A USER_HZ timer as ip prints it (`%i.%.2i`: seconds and hundredths). */
export function timer(v: unknown): Raw | undefined {
  const t = big(v);
  if (t === undefined) return undefined;
  return new Raw(`${Math.trunc(t / 100)}.${String(t % 100).padStart(2, '0')}`);
}

/** ether_ntoa(3): hex bytes without leading zeros. */
function etherNtoa(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16)).join(':');
}

/** br_dump_bridge_id: `PPPP.mac`. */
function bridgeId(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const id = v as { priority?: number; address?: Uint8Array };
  const p = id.priority ?? 0;
  return `${p.toString(16).padStart(4, '0')}.${etherNtoa(id.address ?? new Uint8Array(6))}`;
}

const bool = (v: unknown): boolean | undefined => (v === undefined ? undefined : Boolean(v));

function bridge(d: Data): Obj {
  const o: Obj = {
    forward_delay: num(d.forwardDelay),
    hello_time: num(d.helloTime),
    max_age: num(d.maxAge),
    ageing_time: num(d.ageingTime),
    stp_state: num(d.stpState),
    priority: num(d.priority),
    vlan_filtering: num(d.vlanFiltering),
  };
  if (d.vlanProtocol !== undefined)
    o.vlan_protocol =
      d.vlanProtocol === 0x88a8
        ? '802.1ad'
        : d.vlanProtocol === 0x8100
          ? '802.1Q'
          : hex0x(Number(d.vlanProtocol));
  Object.assign(o, {
    bridge_id: bridgeId(d.bridgeId),
    root_id: bridgeId(d.rootId),
    root_port: num(d.rootPort),
    root_path_cost: num(d.rootPathCost),
    topology_change: num(d.topologyChange),
    topology_change_detected: num(d.topologyChangeDetected),
    hello_timer: timer(d.helloTimer),
    tcn_timer: timer(d.tcnTimer),
    topology_change_timer: timer(d.topologyChangeTimer),
    gc_timer: timer(d.gcTimer),
    vlan_default_pvid: num(d.vlanDefaultPvid),
    vlan_stats_enabled: num(d.vlanStatsEnabled),
    vlan_stats_per_port: num(d.vlanStatsPerPort),
    group_fwd_mask: d.groupFwdMask === undefined ? undefined : hex0x(Number(d.groupFwdMask)),
    group_addr: typeof d.groupAddr === 'string' ? d.groupAddr : undefined,
    mcast_snooping: num(d.mcastSnooping),
  });
  const bo = d.multiBoolopt as { optval?: number; optmask?: number } | undefined;
  if (bo) {
    // BR_BOOLOPT_NO_LL_LEARN is bit 0, BR_BOOLOPT_MCAST_VLAN_SNOOPING bit 1.
    if ((bo.optmask ?? 0) & 1) o.no_linklocal_learn = (bo.optval ?? 0) & 1 ? 1 : 0;
    if ((bo.optmask ?? 0) & 2) o.mcast_vlan_snooping = (bo.optval ?? 0) & 2 ? 1 : 0;
  }
  Object.assign(o, {
    mcast_router: num(d.mcastRouter),
    mcast_query_use_ifaddr: num(d.mcastQueryUseIfaddr),
    mcast_querier: num(d.mcastQuerier),
    mcast_hash_elasticity: num(d.mcastHashElasticity),
    mcast_hash_max: num(d.mcastHashMax),
    mcast_last_member_cnt: num(d.mcastLastMemberCnt),
    mcast_startup_query_cnt: num(d.mcastStartupQueryCnt),
    mcast_last_member_intvl: big(d.mcastLastMemberIntvl),
    mcast_membership_intvl: big(d.mcastMembershipIntvl),
    mcast_querier_intvl: big(d.mcastQuerierIntvl),
    mcast_query_intvl: big(d.mcastQueryIntvl),
    mcast_query_response_intvl: big(d.mcastQueryResponseIntvl),
    mcast_startup_query_intvl: big(d.mcastStartupQueryIntvl),
    mcast_stats_enabled: num(d.mcastStatsEnabled),
    mcast_igmp_version: num(d.mcastIgmpVersion),
    mcast_mld_version: num(d.mcastMldVersion),
    nf_call_iptables: num(d.nfCallIptables),
    nf_call_ip6tables: num(d.nfCallIp6tables),
    nf_call_arptables: num(d.nfCallArptables),
  });
  return o;
}

const PORT_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];
// fwd_mask_tbl of iplink_bridge_slave.c: bits with names.
const FWD_MASK_NAMES: Readonly<Record<number, string>> = { 0: 'stp', 2: 'lacp', 14: 'lldp' };

function fwdMaskStr(mask: number): string {
  const parts: string[] = [];
  for (let i = 0; mask >> i; i++)
    if ((mask >> i) & 1) parts.push(FWD_MASK_NAMES[i] ?? `0x${(1 << i).toString(16)}`);
  return parts.length ? parts.join(',') : '0x0';
}

function bridgeSlave(d: Data, env: KindEnv): Obj {
  const o: Obj = {};
  if (d.state !== undefined) {
    const s = Number(d.state);
    o.state = PORT_STATES[s] ?? String(s);
  }
  Object.assign(o, {
    priority: num(d.priority),
    cost: num(d.cost),
    hairpin: bool(d.mode),
    guard: bool(d.guard),
    root_block: bool(d.protect),
    fastleave: bool(d.fastLeave),
    learning: bool(d.learning),
    flood: bool(d.unicastFlood),
    id: d.id === undefined ? undefined : hex0x(Number(d.id)),
    no: d.no === undefined ? undefined : hex0x(Number(d.no)),
    designated_port: num(d.designatedPort),
    designated_cost: num(d.designatedCost),
    bridge_id: bridgeId(d.bridgeId),
    root_id: bridgeId(d.rootId),
    hold_timer: timer(d.holdTimer),
    message_age_timer: timer(d.messageAgeTimer),
    forward_delay_timer: timer(d.forwardDelayTimer),
    topology_change_ack: num(d.topologyChangeAck),
    config_pending: num(d.configPending),
    proxy_arp: bool(d.proxyarp),
    proxy_arp_wifi: bool(d.proxyarpWifi),
    multicast_router: num(d.multicastRouter),
    mcast_flood: bool(d.mcastFlood),
    bcast_flood: bool(d.bcastFlood),
    mcast_to_unicast: bool(d.mcastToUcast),
    neigh_suppress: bool(d.neighSuppress),
  });
  if (d.groupFwdMask !== undefined) {
    const m = Number(d.groupFwdMask);
    o.group_fwd_mask = hex0x(m);
    o.group_fwd_mask_str = fwdMaskStr(m);
  }
  Object.assign(o, {
    vlan_tunnel: bool(d.vlanTunnel),
    isolated: bool(d.isolated),
    locked: bool(d.locked),
  });
  if (typeof d.backupPort === 'number') o.backup_port = env.ifname(d.backupPort);
  return o;
}

const isZero4 = (a: unknown) => a === undefined || a === '0.0.0.0';
const isZero6 = (a: unknown) => a === undefined || a === '::';
const v4multicast = (a: string) => {
  const f = Number(a.split('.')[0]);
  return f >= 224 && f <= 239;
};

function vxlan(d: Data, env: KindEnv): Obj {
  const o: Obj = {};
  if (num(d.collectMetadata)) o.external = true;
  if (num(d.vnifilter)) o.vnifilter = true;
  if (d.id !== undefined) o.id = num(d.id);
  if (d.group !== undefined) {
    const g = String(d.group);
    if (!isZero4(g)) o[v4multicast(g) ? 'group' : 'remote'] = g;
  } else if (d.group6 !== undefined) {
    const g = String(d.group6);
    if (!isZero6(g)) o[/^ff/i.test(g) ? 'group6' : 'remote6'] = g;
  }
  if (d.local !== undefined) {
    if (!isZero4(d.local)) o.local = String(d.local);
  } else if (d.local6 !== undefined && !isZero6(d.local6)) o.local6 = String(d.local6);
  if (num(d.link)) o.link = env.ifname(d.link as number);
  const pr = d.portRange as { low?: number; high?: number } | undefined;
  if (pr) o.port_range = { low: pr.low ?? 0, high: pr.high ?? 0 };
  if (d.port !== undefined) o.port = num(d.port);
  if (d.learning !== undefined) o.learning = Boolean(d.learning);
  if (num(d.proxy)) o.proxy = true;
  if (num(d.rsc)) o.rsc = true;
  if (num(d.l2miss)) o.l2miss = true;
  if (num(d.l3miss)) o.l3miss = true;
  if (num(d.tos)) o.tos = hex0x(d.tos as number);
  if (!(d.ttlInherit === true || num(d.ttlInherit)) && d.ttl !== undefined) o.ttl = num(d.ttl);
  if (d.df !== undefined) o.df = ['unset', 'set', 'inherit'][Number(d.df)];
  if (num(d.label)) o.label = hex0x(d.label as number);
  if (d.ageing !== undefined) o.ageing = num(d.ageing);
  if (num(d.limit)) o.limit = num(d.limit);
  if (d.udpCsum !== undefined) o.udp_csum = Boolean(d.udpCsum);
  if (d.udpZeroCsum6Tx !== undefined) o.udp_zero_csum6_tx = Boolean(d.udpZeroCsum6Tx);
  if (d.udpZeroCsum6Rx !== undefined) o.udp_zero_csum6_rx = Boolean(d.udpZeroCsum6Rx);
  if (num(d.remcsumTx)) o.remcsum_tx = true;
  if (num(d.remcsumRx)) o.remcsum_rx = true;
  if (d.gbp) o.gbp = true;
  if (d.gpe) o.gpe = true;
  return o;
}

const MACVLAN_MODES: Readonly<Record<number, string>> = {
  1: 'private',
  2: 'vepa',
  4: 'bridge',
  8: 'passthru',
  16: 'source',
};

function macvlan(d: Data): Obj {
  const o: Obj = {};
  if (d.mode === undefined) return o;
  const mode = Number(d.mode);
  o.mode = MACVLAN_MODES[mode] ?? 'unknown';
  const flags = num(d.flags) ?? 0;
  if (flags & MACVLAN_FLAG.MACVLAN_FLAG_NOPROMISC) o.nopromisc = true;
  if (flags & MACVLAN_FLAG.MACVLAN_FLAG_NODST) o.nodst = true;
  if (d.bcQueueLen !== undefined) o.bcqueuelen = num(d.bcQueueLen);
  if (d.bcQueueLenUsed !== undefined) o.usedbcqueuelen = num(d.bcQueueLenUsed);
  if (mode !== 16 || d.macaddrCount === undefined) return o;
  o.macaddr_count = num(d.macaddrCount);
  const list = (d.macaddrData as { macaddr?: string[] } | undefined)?.macaddr;
  if (list) o.macaddr_data = list;
  return o;
}

function ipvlan(d: Data): Obj {
  const o: Obj = {};
  if (d.mode !== undefined) o.mode = ['l2', 'l3', 'l3s'][Number(d.mode)] ?? 'unknown';
  if (d.flags !== undefined) {
    const f = Number(d.flags);
    if (f & IPVLAN_F.IPVLAN_F_PRIVATE) o.private = true;
    else if (f & IPVLAN_F.IPVLAN_F_VEPA) o.vepa = true;
    else o.bridge = true;
  }
  return o;
}

function tun(d: Data): Obj {
  const o: Obj = {};
  if (d.type !== undefined) o.type = d.type === 1 ? 'tun' : d.type === 2 ? 'tap' : 'unknown';
  if (d.pi !== undefined) o.pi = Boolean(d.pi);
  if (d.vnetHdr !== undefined) o.vnet_hdr = Boolean(d.vnetHdr);
  if (d.multiQueue !== undefined) o.multi_queue = Boolean(d.multiQueue);
  if (d.persist !== undefined) o.persist = Boolean(d.persist);
  if (typeof d.owner === 'number') o.user = accountName('/etc/passwd', d.owner) ?? d.owner;
  if (typeof d.group === 'number') o.group = accountName('/etc/group', d.group) ?? d.group;
  if (d.numQueues !== undefined) o.numqueues = num(d.numQueues);
  if (d.numDisabledQueues !== undefined) o.numdisabled = num(d.numDisabledQueues);
  return o;
}

const VLAN_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x1, 'REORDER_HDR'],
  [0x2, 'GVRP'],
  [0x4, 'LOOSE_BINDING'],
  [0x8, 'MVRP'],
  [0x10, 'BRIDGE_BINDING'],
];

function vlan(d: Data): Obj {
  const o: Obj = {};
  if (d.protocol !== undefined)
    o.protocol =
      d.protocol === 0x88a8 ? '802.1ad' : d.protocol === 0x8100 ? '802.1Q' : hex0x(Number(d.protocol));
  if (d.id !== undefined) o.id = num(d.id);
  const f = d.flags as { flags?: number } | undefined;
  if (f) {
    const names: JsonOut[] = [];
    let rest = f.flags ?? 0;
    for (const [bit, n] of VLAN_FLAG_NAMES)
      if (rest & bit) {
        names.push(n);
        rest &= ~bit;
      }
    if (rest) names.push(hex0x(rest));
    o.flags = names;
  }
  for (const [key, json] of [
    ['ingressQos', 'ingress_qos'],
    ['egressQos', 'egress_qos'],
  ] as const) {
    const m = (d[key] as { mapping?: { from: number; to: number }[] } | undefined)?.mapping;
    if (m) o[json] = m.map((x) => ({ from: x.from, to: x.to }));
  }
  return o;
}

/** Kinds with a printer in ip, and how it prints their data. */
const PRINTERS: Readonly<Record<string, (d: Data, env: KindEnv) => Obj>> = {
  bridge,
  vxlan,
  macvlan,
  macvtap: macvlan,
  ipvlan,
  ipvtap: ipvlan,
  tun,
  vlan,
  vrf: (d) => ({ table: num(d.table) }),
};

/** Slave kinds with a printer in ip (`bridge_slave`, `vrf_slave`). */
const SLAVE_PRINTERS: Readonly<Record<string, (d: Data, env: KindEnv) => Obj>> = {
  bridge: bridgeSlave,
  vrf: (d) => ({ table: num(d.table) }),
};

/** The `linkinfo` object of a link's IFLA_LINKINFO. */
export function linkinfoJson(
  info: { kind?: string; data?: unknown; slaveKind?: string; slaveData?: unknown },
  env: KindEnv,
): Obj {
  const o: Obj = {};
  const asData = (v: unknown): Data =>
    v && typeof v === 'object' && !(v instanceof Uint8Array) ? (v as Data) : {};
  if (info.kind !== undefined) {
    o.info_kind = info.kind;
    const p = PRINTERS[info.kind];
    if (p) o.info_data = info.data === undefined ? {} : p(asData(info.data), env);
  }
  if (info.slaveKind !== undefined) {
    o.info_slave_kind = info.slaveKind;
    const p = SLAVE_PRINTERS[info.slaveKind];
    if (p) o.info_slave_data = info.slaveData === undefined ? {} : p(asData(info.slaveData), env);
  }
  return o;
}
