/**
 * The `type KIND ARGS...` part of `nlwire link add` and `link set`: each kind's arguments as `ip link`
 * takes them (ip/iplink_*.c parse_opt), turned into the library's create options or IFLA_INFO_DATA.
 * Kinds the library declares are accepted; their module is imported (which registers the kind).
 */
import { parseMac } from '../../netlink/address.js';
import type { IpvlanOptions, MacvlanMode, MacvlanOptions, VxlanOptions } from '../../rtnl/link/create.js';
import type { BridgeData } from '../../rtnl/link/kinds/bridge.js';
import { IpUsageError } from './errors.js';
import { parseUint, Words } from './words.js';

/** Looks up an interface index (resolved in the command's namespace). */
export type Resolve = (name: string, field: string) => Promise<number>;

/** What a kind's arguments produce for `link add`. */
export interface KindArgs {
  /** The create options' kind-specific part (`vxlan`, `bridge`, `macvlan`, `ipvlan`, `peer`, `data`). */
  options: Record<string, unknown>;
  /** Words after `peer` of a veth, parsed by the caller as link settings. */
  peerWords?: string[];
}

const LIBRARY_KINDS: Readonly<Record<string, () => Promise<unknown>>> = {
  vlan: () => import('../../rtnl/link/kinds/vlan.js'),
  vrf: () => import('../../rtnl/link/kinds/vrf.js'),
  dummy: () => import('../../rtnl/link/kinds/dummy.js'),
  gre: () => import('../../rtnl/link/kinds/gre.js'),
  gretap: () => import('../../rtnl/link/kinds/gre.js'),
  erspan: () => import('../../rtnl/link/kinds/gre.js'),
  ip6gre: () => import('../../rtnl/link/kinds/gre.js'),
  ip6gretap: () => import('../../rtnl/link/kinds/gre.js'),
  ip6erspan: () => import('../../rtnl/link/kinds/gre.js'),
  ipip: () => import('../../rtnl/link/kinds/iptun.js'),
  sit: () => import('../../rtnl/link/kinds/iptun.js'),
  ip6tnl: () => import('../../rtnl/link/kinds/ip6tnl.js'),
  vti: () => import('../../rtnl/link/kinds/vti.js'),
  vti6: () => import('../../rtnl/link/kinds/vti.js'),
  geneve: () => import('../../rtnl/link/kinds/geneve.js'),
  bond: () => import('../../rtnl/link/kinds/bond.js'),
  team: () => import('../../rtnl/link/kinds/team.js'),
  nlmon: () => import('../../rtnl/link/kinds/nlmon.js'),
  wireguard: () => import('../../rtnl/link/kinds/wireguard.js'),
};

/** Registers a kind the library declares outside its default set (vlan, vrf, gre...). */
export async function loadKind(kind: string): Promise<void> {
  await LIBRARY_KINDS[kind]?.();
}

/** Kinds `link add` takes. */
export const KINDS = [
  'veth',
  'bridge',
  'vxlan',
  'macvlan',
  'macvtap',
  'ipvlan',
  'ipvtap',
  'ifb',
  'dummy',
  'vlan',
  'vrf',
  'gre',
  'gretap',
  'erspan',
  'ip6gre',
  'ip6gretap',
  'ip6erspan',
  'ipip',
  'sit',
  'ip6tnl',
  'vti',
  'vti6',
  'geneve',
  'bond',
  'team',
  'nlmon',
  'wireguard',
] as const;

/** Kind-specific help lines, as `ip link add type KIND help` prints them. */
export const KIND_HELP: Readonly<Record<string, string>> = {
  veth: 'veth [ peer [ name ] NAME [ LINK-SETTINGS ] ]',
  bridge:
    'bridge [ forward_delay N ] [ hello_time N ] [ max_age N ] [ ageing_time N ] [ stp_state 0|1 ] [ priority N ]\n' +
    '       [ group_fwd_mask MASK ] [ group_address LLADDR ] [ vlan_filtering 0|1 ] [ vlan_protocol 802.1Q|802.1ad ]\n' +
    '       [ vlan_default_pvid N ] [ vlan_stats_enabled 0|1 ] [ mcast_snooping 0|1 ] [ mcast_router N ] ...\n' +
    '       (every IFLA_BR_* setting ip takes, times in hundredths of a second)',
  vxlan:
    'vxlan id VNI [ { group | remote } ADDR ] [ local ADDR ] [ ttl TTL|auto|inherit ] [ tos TOS|inherit ]\n' +
    '      [ df unset|set|inherit ] [ flowlabel LABEL ] [ dev PHYS_DEV ] [ dstport PORT ] [ srcport MIN MAX ]\n' +
    '      [ [no]learning ] [ [no]proxy ] [ [no]rsc ] [ [no]l2miss ] [ [no]l3miss ] [ ageing SECONDS ]\n' +
    '      [ maxaddress N ] [ [no]udpcsum ] [ [no]udp6zerocsumtx ] [ [no]udp6zerocsumrx ] [ [no]remcsumtx ]\n' +
    '      [ [no]remcsumrx ] [ [no]external ] [ gbp ] [ gpe ] [ [no]vnifilter ] [ [no]localbypass ]',
  macvlan:
    'macvlan [ mode private|vepa|bridge|passthru|source ] [ flag nopromisc|nodst|null ] [ bcqueuelen N ]',
  macvtap: 'macvtap (as macvlan)',
  ipvlan: 'ipvlan [ mode l2|l3|l3s ] [ bridge | private | vepa ]',
  ipvtap: 'ipvtap (as ipvlan)',
  vlan:
    'vlan id VLANID [ protocol 802.1Q|802.1ad ] [ reorder_hdr on|off ] [ gvrp on|off ] [ mvrp on|off ]\n' +
    '     [ loose_binding on|off ] [ bridge_binding on|off ] [ ingress-qos-map FROM:TO... ] [ egress-qos-map FROM:TO... ]',
  vrf: 'vrf table TABLE',
  gre:
    'gre [ remote ADDR ] [ local ADDR ] [ ttl TTL|inherit ] [ tos TOS|inherit ] [ [no]pmtudisc ] [ ignore-df ]\n' +
    '    [ [i|o]key KEY ] [ [i|o]seq ] [ [i|o]csum ] [ dev PHYS_DEV ] [ fwmark MARK ] [ external ]\n' +
    '    [ encap { fou | gue | none } ] [ encap-sport PORT|auto ] [ encap-dport PORT ] [ [no]encap-csum ]',
  gretap: 'gretap (as gre)',
  erspan:
    'erspan (as gre) [ erspan_ver 1|2 ] [ erspan IDX ] [ erspan_dir ingress|egress ] [ erspan_hwid HWID ]',
  ip6gre:
    'ip6gre [ remote ADDR ] [ local ADDR ] [ hoplimit TTL|inherit ] [ encaplimit N|none ] [ tclass TC|inherit ]\n' +
    '       [ flowlabel FL|inherit ] [ dscp inherit ] [ fwmark MARK|inherit ] [ allow-localremote ] [ dev DEV ]\n' +
    '       [ [i|o]key KEY ] [ [i|o]seq ] [ [i|o]csum ] [ external ] [ encap ... ]',
  ip6gretap: 'ip6gretap (as ip6gre)',
  ip6erspan: 'ip6erspan (as ip6gre, with erspan options)',
  ip6tnl: 'ip6tnl [ mode ip6ip6|ip4ip6|any ] (and the ip6gre endpoint options)',
  vti: 'vti [ remote ADDR ] [ local ADDR ] [ [i|o]key KEY ] [ fwmark MARK ] [ dev DEV ]',
  vti6: 'vti6 (as vti, IPv6 endpoints)',
  ipip: 'ipip [ remote ADDR ] [ local ADDR ] [ ttl TTL|inherit ] [ tos TOS|inherit ] [ [no]pmtudisc ] [ mode ipip|mplsip|any ] [ dev PHYS_DEV ] [ fwmark MARK ] [ external ]',
  sit: 'sit (as ipip; mode ip6ip|ipip|mplsip|any, isatap, 6rd-prefix P, 6rd-relay_prefix P)',
  geneve:
    'geneve id VNI remote ADDR [ ttl TTL|inherit ] [ tos TOS|inherit ] [ df unset|set|inherit ] [ flowlabel LABEL ]\n' +
    '       [ dstport PORT ] [ [no]external ] [ [no]udpcsum ] [ [no]udp6zerocsumtx ] [ [no]udp6zerocsumrx ]',
  bond: 'bond [ mode MODE ] [ miimon N ] [ updelay N ] [ downdelay N ] [ xmit_hash_policy POLICY ] [ lacp_rate slow|fast ] [ min_links N ]',
  ifb: 'ifb (no arguments)',
  dummy: 'dummy (no arguments)',
  team: 'team (no arguments)',
  nlmon: 'nlmon (no arguments)',
  wireguard: 'wireguard (no arguments; configure it with wg)',
};

function num(w: Words, key: string, max = 0xffffffff): number {
  return w.uintValue(key, max);
}

/** A TTL as ip takes it: a number, or auto/inherit (0). */
function ttl(w: Words, key: string): number | 'inherit' {
  const v = w.value(key);
  if (v === 'inherit') return 'inherit';
  if (v === 'auto') return 0;
  return w.uint(key, v, 255);
}

/** A TOS as ip takes it: a number (hex allowed), or inherit. */
function tos(w: Words, key: string): number | 'inherit' {
  const v = w.value(key);
  if (v === 'inherit') return 'inherit';
  return w.uint(key, v, 255);
}

const BRIDGE_U32: Readonly<Record<string, keyof BridgeData>> = {
  forward_delay: 'forwardDelay',
  hello_time: 'helloTime',
  max_age: 'maxAge',
  ageing_time: 'ageingTime',
  stp_state: 'stpState',
  mcast_hash_elasticity: 'mcastHashElasticity',
  mcast_hash_max: 'mcastHashMax',
  mcast_last_member_count: 'mcastLastMemberCnt',
  mcast_startup_query_count: 'mcastStartupQueryCnt',
};
const BRIDGE_U16: Readonly<Record<string, keyof BridgeData>> = {
  priority: 'priority',
  group_fwd_mask: 'groupFwdMask',
  vlan_default_pvid: 'vlanDefaultPvid',
};
const BRIDGE_U8: Readonly<Record<string, keyof BridgeData>> = {
  vlan_filtering: 'vlanFiltering',
  vlan_stats_enabled: 'vlanStatsEnabled',
  vlan_stats_per_port: 'vlanStatsPerPort',
  mcast_router: 'mcastRouter',
  mcast_snooping: 'mcastSnooping',
  mcast_query_use_ifaddr: 'mcastQueryUseIfaddr',
  mcast_querier: 'mcastQuerier',
  mcast_stats_enabled: 'mcastStatsEnabled',
  mcast_igmp_version: 'mcastIgmpVersion',
  mcast_mld_version: 'mcastMldVersion',
  nf_call_iptables: 'nfCallIptables',
  nf_call_ip6tables: 'nfCallIp6tables',
  nf_call_arptables: 'nfCallArptables',
};
const BRIDGE_U64: Readonly<Record<string, keyof BridgeData>> = {
  mcast_last_member_interval: 'mcastLastMemberIntvl',
  mcast_membership_interval: 'mcastMembershipIntvl',
  mcast_querier_interval: 'mcastQuerierIntvl',
  mcast_query_interval: 'mcastQueryIntvl',
  mcast_query_response_interval: 'mcastQueryResponseIntvl',
  mcast_startup_query_interval: 'mcastStartupQueryIntvl',
};

/** `type bridge` arguments: IFLA_BR_* values. */
export function bridgeArgs(w: Words): BridgeData {
  const d: Record<string, unknown> = {};
  let boolopt: { optval: number; optmask: number } | undefined;
  while (w.more) {
    const a = w.take() as string;
    if (BRIDGE_U32[a]) d[BRIDGE_U32[a]] = num(w, a);
    else if (BRIDGE_U16[a]) d[BRIDGE_U16[a]] = num(w, a, 0xffff);
    else if (BRIDGE_U8[a]) d[BRIDGE_U8[a]] = num(w, a, 0xff);
    else if (BRIDGE_U64[a]) d[BRIDGE_U64[a]] = BigInt(num(w, a));
    else if (a === 'vlan_protocol') {
      const v = w.value(a);
      if (v === '802.1Q') d.vlanProtocol = 0x8100;
      else if (v === '802.1ad') d.vlanProtocol = 0x88a8;
      else throw w.invalid(a, v, 'expected 802.1Q or 802.1ad');
    } else if (a === 'group_address') {
      const v = w.value(a);
      parseMac(v, 'group_address');
      d.groupAddr = v;
    } else if (a === 'fdb_flush') d.fdbFlush = true;
    else if (a === 'no_linklocal_learn' || a === 'mcast_vlan_snooping') {
      const bit = a === 'no_linklocal_learn' ? 1 : 2;
      const on = num(w, a, 1);
      boolopt ??= { optval: 0, optmask: 0 };
      boolopt.optmask |= bit;
      if (on) boolopt.optval |= bit;
    } else throw w.unknown(a, 'bridge option');
  }
  if (boolopt) d.multiBoolopt = boolopt;
  return d as BridgeData;
}

const BRPORT_ONOFF: Readonly<Record<string, string>> = {
  guard: 'guard',
  hairpin: 'mode',
  fastleave: 'fastLeave',
  mcast_fast_leave: 'fastLeave',
  root_block: 'protect',
  learning: 'learning',
  flood: 'unicastFlood',
  proxy_arp: 'proxyarp',
  proxy_arp_wifi: 'proxyarpWifi',
  mcast_flood: 'mcastFlood',
  bcast_flood: 'bcastFlood',
  mcast_to_unicast: 'mcastToUcast',
  neigh_suppress: 'neighSuppress',
  vlan_tunnel: 'vlanTunnel',
  isolated: 'isolated',
  locked: 'locked',
};
const BRPORT_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];

/** `type bridge_slave` arguments (for `link set`): IFLA_BRPORT_* values. */
export async function bridgeSlaveArgs(w: Words, resolve: Resolve): Promise<Record<string, unknown>> {
  const d: Record<string, unknown> = {};
  while (w.more) {
    const a = w.take() as string;
    if (BRPORT_ONOFF[a]) d[BRPORT_ONOFF[a]] = w.onOff(a) ? 1 : 0;
    else if (a === 'state') {
      const v = w.value(a);
      const i = BRPORT_STATES.indexOf(v);
      d.state = i >= 0 ? i : w.uint(a, v, 4);
    } else if (a === 'priority') d.priority = num(w, a, 0xffff);
    else if (a === 'cost') d.cost = num(w, a);
    else if (a === 'mcast_router') d.multicastRouter = num(w, a, 0xff);
    else if (a === 'group_fwd_mask') d.groupFwdMask = num(w, a, 0xffff);
    else if (a === 'fdb_flush') d.flush = true;
    else if (a === 'backup_port') d.backupPort = await resolve(w.value(a), 'backup_port');
    else if (a === 'nobackup_port') d.backupPort = 0;
    else throw w.unknown(a, 'bridge_slave option');
  }
  return d;
}

/** `type vxlan` arguments. */
export function vxlanArgs(w: Words, devs: { dev?: string }): VxlanOptions {
  const o: Partial<VxlanOptions> & Record<string, unknown> = {};
  const flags: Readonly<Record<string, keyof VxlanOptions>> = {
    learning: 'learning',
    proxy: 'proxy',
    rsc: 'rsc',
    l2miss: 'l2miss',
    l3miss: 'l3miss',
    udpcsum: 'udpCsum',
    udp6zerocsumtx: 'udp6ZeroCsumTx',
    udp6zerocsumrx: 'udp6ZeroCsumRx',
    remcsumtx: 'remcsumTx',
    remcsumrx: 'remcsumRx',
    external: 'external',
    vnifilter: 'vnifilter',
    localbypass: 'localbypass',
  };
  while (w.more) {
    const a = w.take() as string;
    if (a === 'id' || a === 'vni') o.id = num(w, a, 0xffffff);
    else if (a === 'remote' || a === 'group' || a === 'local') {
      const v = w.value(a);
      if (v !== 'any') o[a] = v;
    } else if (a === 'dev') devs.dev = w.value(a);
    else if (a === 'dstport') o.dstport = num(w, a, 0xffff);
    else if (a === 'port') {
      // the old form: `port MIN MAX` is srcport
      o.srcPortRange = [num(w, a, 0xffff), num(w, a, 0xffff)];
    } else if (a === 'srcport') o.srcPortRange = [num(w, a, 0xffff), num(w, a, 0xffff)];
    else if (a === 'ttl' || a === 'hoplimit') {
      const t = ttl(w, a);
      if (t === 'inherit') o.ttlInherit = true;
      else o.ttl = t;
    } else if (a === 'tos' || a === 'dsfield') {
      const t = tos(w, a);
      o.tos = t === 'inherit' ? 1 : t;
    } else if (a === 'df') {
      const v = w.value(a);
      if (v !== 'unset' && v !== 'set' && v !== 'inherit')
        throw w.invalid(a, v, 'expected unset, set or inherit');
      o.df = v;
    } else if (a === 'flowlabel' || a === 'label') o.label = num(w, a, 0xfffff);
    else if (a === 'ageing') {
      const v = w.value(a);
      o.ageing = v === 'none' ? 0 : w.uint(a, v);
    } else if (a === 'maxaddress' || a === 'maxaddr') {
      const v = w.value(a);
      o.maxAddresses = v === 'unlimited' ? 0 : w.uint(a, v);
    } else if (a === 'gbp') o.gbp = true;
    else if (a === 'gpe') o.gpe = true;
    else if (flags[a]) (o as Record<string, unknown>)[flags[a]] = true;
    else if (a.startsWith('no') && flags[a.slice(2)])
      (o as Record<string, unknown>)[flags[a.slice(2)]] = false;
    else throw w.unknown(a, 'vxlan option');
  }
  if (o.external === true && o.id === undefined) o.id = 0;
  if (o.id === undefined)
    throw new IpUsageError(`${w.what}: vxlan: missing virtual network identifier (id VNI)`);
  return o as VxlanOptions;
}

/** `type macvlan|macvtap` arguments. */
export function macvlanArgs(w: Words): MacvlanOptions {
  const o: MacvlanOptions & Record<string, unknown> = {};
  while (w.more) {
    const a = w.take() as string;
    if (a === 'mode') {
      const v = w.value(a);
      if (!['private', 'vepa', 'bridge', 'passthru', 'source'].includes(v))
        throw w.invalid(a, v, 'expected private, vepa, bridge, passthru or source');
      o.mode = v as MacvlanMode;
    } else if (a === 'flag') {
      const v = w.value(a);
      if (v === 'nopromisc') o.nopromisc = true;
      else if (v === 'nodst') o.nodst = true;
      else if (v !== 'null') throw w.invalid(a, v, 'expected nopromisc, nodst or null');
    } else if (a === 'nopromisc') o.nopromisc = true;
    else if (a === 'bcqueuelen') o.bcQueueLen = num(w, a);
    else if (a === 'bclim') {
      const v = w.value(a);
      const n = Number(v);
      if (!Number.isInteger(n)) throw w.invalid(a, v, 'expected an integer');
      o.bcCutoff = n;
    } else throw w.unknown(a, 'macvlan option');
  }
  return o;
}

/** `type ipvlan|ipvtap` arguments. */
export function ipvlanArgs(w: Words): IpvlanOptions {
  const o: IpvlanOptions = {};
  while (w.more) {
    const a = w.take() as string;
    if (a === 'mode') {
      const v = w.value(a);
      if (v !== 'l2' && v !== 'l3' && v !== 'l3s') throw w.invalid(a, v, 'expected l2, l3 or l3s');
      o.mode = v;
    } else if (a === 'private') o.private = true;
    else if (a === 'vepa') o.vepa = true;
    else if (a !== 'bridge') throw w.unknown(a, 'ipvlan option');
  }
  return o;
}

function qosMap(w: Words, key: string): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  while (w.more && /^\d+:\d+$/.test(w.peek() as string)) {
    const [f, t] = (w.take() as string).split(':').map((x) => Number(x));
    out.push({ from: f, to: t });
  }
  if (!out.length) throw new IpUsageError(`${w.what}: ${key} needs FROM:TO mappings`);
  return out;
}

const GRE_KINDS = ['gre', 'gretap', 'erspan'];
const GRE6_KINDS = ['ip6gre', 'ip6gretap', 'ip6erspan'];

/** A value that is a number or the word `word` (`inherit`, `none`). */
function numOr<W extends string>(w: Words, key: string, word: W, max: number): number | W {
  const v = w.value(key);
  return v === word ? word : w.uint(key, v, max);
}

/** Arguments of the IP tunnel kinds (ip/link_gre.c, link_gre6.c, link_iptnl.c, link_ip6tnl.c, link_vti*.c). */
async function tunnelData(kind: string, w: Words, resolve: Resolve): Promise<Record<string, unknown>> {
  const gre = GRE_KINDS.includes(kind);
  const gre6 = GRE6_KINDS.includes(kind);
  const v6 = gre6 || kind === 'ip6tnl';
  const vti = kind === 'vti' || kind === 'vti6';
  const o: Record<string, unknown> = {};
  const encap: Record<string, unknown> = {};
  const erspan: Record<string, unknown> = {};
  let dev: string | undefined;
  while (w.more) {
    const a = w.take() as string;
    if (a === 'remote' || a === 'local') {
      const v = w.value(a);
      if (v !== 'any') o[a] = v;
    } else if (a === 'dev') dev = w.value(a);
    else if (a === 'fwmark') o.fwmark = v6 ? numOr(w, a, 'inherit', 0xffffffff) : w.uintValue(a);
    else if (!vti && a === 'external') o.external = true;
    else if ((gre || gre6 || vti) && (a === 'key' || a === 'ikey' || a === 'okey')) {
      const v = w.value(a);
      o[a] = parseUint(v) ?? v;
    } else if ((gre || gre6) && ['seq', 'iseq', 'oseq', 'csum', 'icsum', 'ocsum'].includes(a)) o[a] = true;
    else if (!v6 && !vti && (a === 'ttl' || a === 'hoplimit')) o.ttl = ttl(w, a);
    else if (!v6 && !vti && (a === 'tos' || a === 'dsfield' || a === 'tclass')) o.tos = tos(w, a);
    else if (!v6 && !vti && a === 'pmtudisc') o.pmtudisc = true;
    else if (!v6 && !vti && a === 'nopmtudisc') o.pmtudisc = false;
    else if (gre && a === 'ignore-df') o.ignoreDf = true;
    else if (gre && a === 'noignore-df') o.ignoreDf = false;
    else if (v6 && (a === 'hoplimit' || a === 'ttl')) o.hopLimit = numOr(w, a, 'inherit', 255);
    else if (v6 && a === 'encaplimit') o.encapLimit = numOr(w, a, 'none', 255);
    else if (v6 && (a === 'tclass' || a === 'tos' || a === 'dsfield')) o.tclass = numOr(w, a, 'inherit', 255);
    else if (v6 && a === 'flowlabel') o.flowlabel = numOr(w, a, 'inherit', 0xfffff);
    else if (v6 && a === 'dscp') {
      const v = w.value(a);
      if (v !== 'inherit') throw w.invalid(a, v, 'expected inherit');
      o.dscpInherit = true;
    } else if (v6 && a === 'allow-localremote') o.allowLocalRemote = true;
    else if (v6 && a === 'noallow-localremote') o.allowLocalRemote = false;
    else if (kind === 'ip6tnl' && a === 'mode') {
      const v = w.value(a);
      const m = {
        ip6ip6: 'ip6ip6',
        ipv6: 'ip6ip6',
        ip4ip6: 'ipip6',
        ipip6: 'ipip6',
        ipv4: 'ipip6',
        any: 'any',
      }[v];
      if (!m) throw w.invalid(a, v, 'expected ip6ip6, ip4ip6 or any');
      o.mode = m;
    } else if ((kind === 'ipip' || kind === 'sit') && a === 'mode') {
      const v = w.value(a);
      const m = {
        ipip: 'ipip',
        'ip/ip': 'ipip',
        mplsip: 'mplsip',
        'mpls/ip': 'mplsip',
        any: 'any',
        ip6ip: 'ip6ip',
        'ipv6/ipv4': 'ip6ip',
      }[v];
      if (!m) throw w.invalid(a, v, 'expected ipip, mplsip, any (or ip6ip for sit)');
      o.mode = m;
    } else if (kind === 'sit' && a === 'isatap') o.isatap = true;
    else if (kind === 'sit' && a === '6rd-prefix') o.sixrdPrefix = w.value(a);
    else if (kind === 'sit' && (a === '6rd-relay_prefix' || a === '6rd-relay-prefix'))
      o.sixrdRelayPrefix = w.value(a);
    else if (!vti && a === 'encap') {
      const v = w.value(a);
      if (!['fou', 'gue', 'none', 'mpls'].includes(v)) throw w.invalid(a, v, 'expected fou, gue or none');
      encap.type = v;
    } else if (!vti && a === 'encap-sport') {
      const v = w.value(a);
      encap.sport = v === 'auto' ? 'auto' : w.uint(a, v, 0xffff);
    } else if (!vti && a === 'encap-dport') encap.dport = w.uintValue(a, 0xffff);
    else if (!vti && (a === 'encap-csum' || a === 'noencap-csum')) encap.csum = a === 'encap-csum';
    else if (!vti && (a === 'encap-csum6' || a === 'noencap-csum6')) encap.csum6 = a === 'encap-csum6';
    else if (!vti && (a === 'encap-remcsum' || a === 'noencap-remcsum'))
      encap.remcsum = a === 'encap-remcsum';
    else if ((kind === 'erspan' || kind === 'ip6erspan') && a === 'erspan_ver')
      erspan.version = w.uintValue(a, 2, 1);
    else if ((kind === 'erspan' || kind === 'ip6erspan') && a === 'erspan')
      erspan.index = w.uintValue(a, 0xfffff);
    else if ((kind === 'erspan' || kind === 'ip6erspan') && a === 'erspan_dir') erspan.dir = w.value(a);
    else if ((kind === 'erspan' || kind === 'ip6erspan') && a === 'erspan_hwid')
      erspan.hwid = w.uintValue(a, 0x3f);
    else throw w.unknown(a, `${kind} option`);
  }
  if (Object.keys(encap).length) {
    encap.type ??= 'none';
    o.encap = encap;
  }
  if (Object.keys(erspan).length || kind === 'erspan' || kind === 'ip6erspan') {
    erspan.version ??= 1;
    o.erspan = erspan;
  }
  if (dev !== undefined) o.link = await resolve(dev, 'dev');
  if (gre) {
    const { buildGreData } = await import('../../rtnl/link/kinds/gre.js');
    return buildGreData(o) as Record<string, unknown>;
  }
  if (gre6) {
    const { buildIp6greData } = await import('../../rtnl/link/kinds/gre.js');
    return buildIp6greData(o) as Record<string, unknown>;
  }
  if (kind === 'ip6tnl') {
    const { buildIp6tnlData } = await import('../../rtnl/link/kinds/ip6tnl.js');
    return buildIp6tnlData(o as never) as Record<string, unknown>;
  }
  if (vti) {
    const m = await import('../../rtnl/link/kinds/vti.js');
    return (kind === 'vti' ? m.buildVtiData(o) : m.buildVti6Data(o)) as Record<string, unknown>;
  }
  const t = await import('../../rtnl/link/kinds/iptun.js');
  return (kind === 'sit' ? t.buildSitData(o as never) : t.buildIpipData(o as never)) as Record<
    string,
    unknown
  >;
}

/** Kind data of the kinds declared outside the default set, built with the library's builders. */
async function libraryKindData(
  kind: string,
  w: Words,
  resolve: Resolve,
): Promise<Record<string, unknown> | undefined> {
  switch (kind) {
    case 'vlan': {
      const { buildVlanData } = await import('../../rtnl/link/kinds/vlan.js');
      const o: Record<string, unknown> = {};
      const flags: Record<string, boolean> = {};
      const flagKeys: Record<string, string> = {
        reorder_hdr: 'reorderHdr',
        gvrp: 'gvrp',
        mvrp: 'mvrp',
        loose_binding: 'looseBinding',
        bridge_binding: 'bridgeBinding',
      };
      while (w.more) {
        const a = w.take() as string;
        if (a === 'id') o.id = num(w, a, 4095);
        else if (a === 'protocol') {
          const v = w.value(a);
          if (v.toLowerCase() === '802.1q') o.protocol = '802.1Q';
          else if (v.toLowerCase() === '802.1ad') o.protocol = '802.1ad';
          else throw w.invalid(a, v, 'expected 802.1Q or 802.1ad');
        } else if (flagKeys[a]) flags[flagKeys[a]] = w.onOff(a);
        else if (a === 'ingress-qos-map') o.ingressQos = qosMap(w, a);
        else if (a === 'egress-qos-map') o.egressQos = qosMap(w, a);
        else throw w.unknown(a, 'vlan option');
      }
      if (Object.keys(flags).length) o.flags = flags;
      if (o.id === undefined) throw new IpUsageError(`${w.what}: vlan: id is required`);
      return buildVlanData(o as never) as Record<string, unknown>;
    }
    case 'vrf': {
      const { buildVrfData } = await import('../../rtnl/link/kinds/vrf.js');
      let table: number | undefined;
      while (w.more) {
        const a = w.take() as string;
        if (a === 'table') table = num(w, a);
        else throw w.unknown(a, 'vrf option');
      }
      if (table === undefined) throw new IpUsageError(`${w.what}: vrf: table is required`);
      return buildVrfData({ table }) as Record<string, unknown>;
    }
    case 'gre':
    case 'gretap':
    case 'erspan':
    case 'ip6gre':
    case 'ip6gretap':
    case 'ip6erspan':
    case 'ipip':
    case 'sit':
    case 'ip6tnl':
    case 'vti':
    case 'vti6':
      return tunnelData(kind, w, resolve);
    case 'geneve': {
      const { buildGeneveData } = await import('../../rtnl/link/kinds/geneve.js');
      const o: Record<string, unknown> = {};
      const flags: Record<string, string> = {
        external: 'external',
        udpcsum: 'udpCsum',
        udp6zerocsumtx: 'udp6ZeroCsumTx',
        udp6zerocsumrx: 'udp6ZeroCsumRx',
        inner_proto_inherit: 'innerProtoInherit',
      };
      while (w.more) {
        const a = w.take() as string;
        if (a === 'id' || a === 'vni') o.id = num(w, a, 0xffffff);
        else if (a === 'remote') o.remote = w.value(a);
        else if (a === 'ttl' || a === 'hoplimit') o.ttl = ttl(w, a);
        else if (a === 'tos') o.tos = tos(w, a);
        else if (a === 'df') o.df = w.value(a);
        else if (a === 'flowlabel') o.flowlabel = num(w, a, 0xfffff);
        else if (a === 'dstport') o.port = num(w, a, 0xffff);
        else if (flags[a]) o[flags[a]] = true;
        else if (a.startsWith('no') && flags[a.slice(2)]) o[flags[a.slice(2)]] = false;
        else throw w.unknown(a, 'geneve option');
      }
      return buildGeneveData(o as never) as Record<string, unknown>;
    }
    case 'bond': {
      const { buildBondData } = await import('../../rtnl/link/kinds/bond.js');
      const o: Record<string, unknown> = {};
      const nums: Record<string, string> = {
        miimon: 'miimon',
        updelay: 'updelay',
        downdelay: 'downdelay',
        min_links: 'minLinks',
        arp_interval: 'arpInterval',
        resend_igmp: 'resendIgmp',
        num_grat_arp: 'numPeerNotif',
        num_unsol_na: 'numPeerNotif',
        peer_notify_delay: 'peerNotifyDelay',
        packets_per_slave: 'packetsPerSlave',
        lp_interval: 'lpInterval',
        ad_actor_sys_prio: 'adActorSysPrio',
        ad_user_port_key: 'adUserPortKey',
      };
      const strs: Record<string, string> = {
        mode: 'mode',
        xmit_hash_policy: 'xmitHashPolicy',
        lacp_rate: 'lacpRate',
        ad_select: 'adSelect',
        arp_validate: 'arpValidate',
        arp_all_targets: 'arpAllTargets',
        primary_reselect: 'primaryReselect',
        fail_over_mac: 'failOverMac',
        ad_actor_system: 'adActorSystem',
      };
      while (w.more) {
        const a = w.take() as string;
        if (nums[a]) o[nums[a]] = num(w, a);
        else if (strs[a]) o[strs[a]] = w.value(a);
        else if (a === 'arp_ip_target') o.arpIpTargets = w.value(a).split(',');
        else if (a === 'ns_ip6_target') o.nsIp6Targets = w.value(a).split(',');
        else if (a === 'use_carrier') o.useCarrier = num(w, a, 1) === 1;
        else if (a === 'all_slaves_active') o.allSlavesActive = num(w, a, 1) === 1;
        else if (a === 'tlb_dynamic_lb') o.tlbDynamicLb = num(w, a, 1) === 1;
        else if (a === 'lacp_active') o.lacpActive = w.onOff(a);
        else if (a === 'arp_missed_max') o.missedMax = num(w, a, 255);
        else if (a === 'primary') o.primary = await resolve(w.value(a), 'primary');
        else if (a === 'active_slave') o.activeSlave = await resolve(w.value(a), 'active_slave');
        else throw w.unknown(a, 'bond option');
      }
      return buildBondData(o as never) as Record<string, unknown>;
    }
    case 'dummy':
    case 'ifb':
    case 'team':
    case 'nlmon':
    case 'wireguard':
      if (w.more) throw w.unknown(w.take() as string, `${kind} takes no options`);
      return undefined;
  }
  return undefined;
}

/**
 * Parses `type KIND ARGS...` for `link add`. `devs.link` may be set (a lower device named inside the
 * kind's arguments, like vxlan's `dev`).
 */
export async function kindArgs(
  kind: string,
  words: string[],
  what: string,
  resolve: Resolve,
  devs: { link?: string; vxlanDev?: string },
): Promise<KindArgs> {
  const w = new Words(words, `${what} type ${kind}`);
  switch (kind) {
    case 'veth': {
      if (!w.more) return { options: {} };
      const a = w.take() as string;
      if (a !== 'peer') throw w.unknown(a, 'expected "peer"');
      return { options: {}, peerWords: w.rest() };
    }
    case 'bridge':
      return { options: { bridge: bridgeArgs(w) } };
    case 'vxlan': {
      const d: { dev?: string } = {};
      const v = vxlanArgs(w, d);
      if (d.dev !== undefined) devs.vxlanDev = d.dev;
      return { options: { vxlan: v } };
    }
    case 'macvlan':
    case 'macvtap':
      return { options: { macvlan: macvlanArgs(w) } };
    case 'ipvlan':
    case 'ipvtap':
      return { options: { ipvlan: ipvlanArgs(w) } };
    default: {
      await loadKind(kind);
      const data = await libraryKindData(kind, w, resolve);
      if (w.more) throw w.unknown(w.take() as string);
      return { options: data === undefined ? {} : { data } };
    }
  }
}
