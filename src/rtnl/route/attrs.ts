/**
 * RTA_* route attributes (linux/rtnetlink.h), the RTAX_* metrics nested in RTA_METRICS, and the
 * attributes inside each RTA_MULTIPATH record.
 */

import { IPPROTO } from '../../constants/in.js';
import { RTA, RTAX, RTAX_FEATURE, RTNL_FAMILY } from '../../constants/rtnetlink.js';
import { ipaddr } from '../../netlink/address.js';
import {
  be16,
  be32,
  binary,
  bits,
  named,
  string,
  u8,
  u16,
  u32,
  u64,
  type ValueOf,
} from '../../netlink/codec.js';
import { attrSet, records, selector } from '../../netlink/schema.js';
import { rtaCacheinfo, rtaMfcStats, rtnexthop } from './rtmsg.js';
import { rtvia } from './rtvia.js';

/** RTAX_LOCK's bits: bit N locks metric N (1 << RTAX_MTU locks the MTU). */
export const RTAX_LOCK_BITS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(RTAX)
    .filter(([k]) => k !== 'RTAX_UNSPEC' && k !== 'RTAX_LOCK')
    .map(([k, v]) => [k, 2 ** v]),
);

/** RTAX_* metrics (RTA_METRICS): u32 each, but the congestion control algorithm is a name. */
export const metricsAttrs = attrSet('RTAX', RTAX, {
  lock: ['RTAX_LOCK', bits(u32, RTAX_LOCK_BITS)],
  mtu: ['RTAX_MTU', u32],
  window: ['RTAX_WINDOW', u32],
  rtt: ['RTAX_RTT', u32],
  rttvar: ['RTAX_RTTVAR', u32],
  ssthresh: ['RTAX_SSTHRESH', u32],
  cwnd: ['RTAX_CWND', u32],
  advmss: ['RTAX_ADVMSS', u32],
  reordering: ['RTAX_REORDERING', u32],
  hoplimit: ['RTAX_HOPLIMIT', u32],
  initcwnd: ['RTAX_INITCWND', u32],
  features: ['RTAX_FEATURES', bits(u32, RTAX_FEATURE)],
  rtoMin: ['RTAX_RTO_MIN', u32],
  initrwnd: ['RTAX_INITRWND', u32],
  quickack: ['RTAX_QUICKACK', u32],
  ccAlgo: ['RTAX_CC_ALGO', string],
  fastopenNoCookie: ['RTAX_FASTOPEN_NO_COOKIE', u32],
});

/** Decoded RTAX_* metrics. */
export type MetricsAttrs = ValueOf<typeof metricsAttrs>;

/** The RTA_* attributes a multipath record may carry (per-path gateway, encapsulation...). */
export const nexthopAttrs = attrSet('RTA', RTA, {
  gateway: ['RTA_GATEWAY', ipaddr],
  flow: ['RTA_FLOW', u32],
  via: ['RTA_VIA', rtvia],
  newdst: ['RTA_NEWDST', binary],
  encapType: ['RTA_ENCAP_TYPE', u16],
  encap: ['RTA_ENCAP', binary],
});

/** Decoded attributes of one multipath record. */
export type NexthopAttrs = ValueOf<typeof nexthopAttrs>;

/** RTA_MULTIPATH: records of struct rtnexthop followed by their attributes. */
export const multipath = records(rtnexthop, 'rtnh_len', nexthopAttrs);

const isMroute = (family: number | undefined): boolean =>
  family === RTNL_FAMILY.RTNL_FAMILY_IPMR || family === RTNL_FAMILY.RTNL_FAMILY_IP6MR;

/** RTA_* attributes (linux/rtnetlink.h). */
export const routeAttrs = attrSet('RTA', RTA, {
  dst: ['RTA_DST', ipaddr],
  src: ['RTA_SRC', ipaddr],
  iif: ['RTA_IIF', u32],
  oif: ['RTA_OIF', u32],
  gateway: ['RTA_GATEWAY', ipaddr],
  priority: ['RTA_PRIORITY', u32],
  prefsrc: ['RTA_PREFSRC', ipaddr],
  metrics: ['RTA_METRICS', metricsAttrs],
  multipath: ['RTA_MULTIPATH', multipath],
  protoinfo: ['RTA_PROTOINFO', binary],
  flow: ['RTA_FLOW', u32],
  cacheinfo: ['RTA_CACHEINFO', rtaCacheinfo],
  session: ['RTA_SESSION', binary],
  mpAlgo: ['RTA_MP_ALGO', u32],
  table: ['RTA_TABLE', u32],
  mark: ['RTA_MARK', u32],
  mfcStats: ['RTA_MFC_STATS', rtaMfcStats],
  via: ['RTA_VIA', rtvia],
  newdst: ['RTA_NEWDST', binary],
  /** ICMPV6_ROUTER_PREF_*: 0 medium, 1 high, 3 low. */
  pref: ['RTA_PREF', u8],
  /** LWTUNNEL_ENCAP_* (1 mpls, 2 ip, 4 ip6, 5 seg6...). */
  encapType: ['RTA_ENCAP_TYPE', u16],
  encap: ['RTA_ENCAP', binary],
  /** Seconds for IPv6 requests (u32); clock ticks in multicast route dumps (u64). */
  expires: [
    'RTA_EXPIRES',
    selector<number | bigint>('RTA_EXPIRES', (_s, ctx) => (isMroute(ctx.family) ? u64 : undefined), u32),
  ],
  pad: ['RTA_PAD', binary],
  uid: ['RTA_UID', u32],
  ttlPropagate: ['RTA_TTL_PROPAGATE', u8],
  ipProto: ['RTA_IP_PROTO', named(u8, IPPROTO)],
  sport: ['RTA_SPORT', be16],
  dport: ['RTA_DPORT', be16],
  nhId: ['RTA_NH_ID', u32],
  flowlabel: ['RTA_FLOWLABEL', be32],
});

/** Decoded RTA_* attributes. */
export type RouteAttrs = ValueOf<typeof routeAttrs>;
