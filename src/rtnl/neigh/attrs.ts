/**
 * Neighbour attribute sets (linux/neighbour.h): NDA_* of RTM_*NEIGH with NFEA_* nested in
 * NDA_FDB_EXT_ATTRS, and NDTA_* of RTM_*NEIGHTBL with NDTPA_* nested in NDTA_PARMS.
 */
import { FDB_NOTIFY, NDA, NDTA, NDTPA, NFEA, NTF, NTF_EXT, NUD } from '../../constants/neighbour.js';
import { RTPROT } from '../../constants/rtnetlink.js';
import { ipaddr, lladdr } from '../../netlink/address.js';
import {
  be16,
  binary,
  bits,
  flag,
  named,
  s32,
  string,
  u8,
  u16,
  u32,
  u64,
  type ValueOf,
} from '../../netlink/codec.js';
import { attrSet } from '../../netlink/schema.js';
import { ndaCacheinfo, ndtConfig, ndtStats } from './ndmsg.js';

/** NFEA_*: bridge FDB extension attributes, nested in NDA_FDB_EXT_ATTRS. */
export const fdbExtAttrs = attrSet('NFEA', NFEA, {
  activityNotify: ['NFEA_ACTIVITY_NOTIFY', bits(u8, FDB_NOTIFY)],
  dontRefresh: ['NFEA_DONT_REFRESH', flag],
});

/** NDA_*: neighbour and FDB entry attributes. */
export const neighAttrs = attrSet('NDA', NDA, {
  dst: ['NDA_DST', ipaddr],
  lladdr: ['NDA_LLADDR', lladdr],
  cacheinfo: ['NDA_CACHEINFO', ndaCacheinfo],
  probes: ['NDA_PROBES', u32],
  vlan: ['NDA_VLAN', u16],
  port: ['NDA_PORT', be16],
  vni: ['NDA_VNI', u32],
  ifindex: ['NDA_IFINDEX', u32],
  master: ['NDA_MASTER', u32],
  linkNetnsid: ['NDA_LINK_NETNSID', s32],
  srcVni: ['NDA_SRC_VNI', u32],
  protocol: ['NDA_PROTOCOL', named(u8, RTPROT)],
  nhId: ['NDA_NH_ID', u32],
  fdbExtAttrs: ['NDA_FDB_EXT_ATTRS', fdbExtAttrs],
  flagsExt: ['NDA_FLAGS_EXT', bits(u32, NTF_EXT)],
  stateMask: ['NDA_NDM_STATE_MASK', bits(u16, NUD)],
  flagsMask: ['NDA_NDM_FLAGS_MASK', bits(u8, NTF)],
});

/** The decoded NDA_* attributes of a neighbour message. */
export type NeighAttrs = ValueOf<typeof neighAttrs>;

/** NDTPA_*: per-device (or default) neighbour table parameters, nested in NDTA_PARMS. Times in ms. */
export const neighTableParams = attrSet('NDTPA', NDTPA, {
  ifindex: ['NDTPA_IFINDEX', u32],
  refcnt: ['NDTPA_REFCNT', u32],
  reachableTime: ['NDTPA_REACHABLE_TIME', u64],
  baseReachableTime: ['NDTPA_BASE_REACHABLE_TIME', u64],
  retransTime: ['NDTPA_RETRANS_TIME', u64],
  gcStaletime: ['NDTPA_GC_STALETIME', u64],
  delayProbeTime: ['NDTPA_DELAY_PROBE_TIME', u64],
  queueLen: ['NDTPA_QUEUE_LEN', u32],
  appProbes: ['NDTPA_APP_PROBES', u32],
  ucastProbes: ['NDTPA_UCAST_PROBES', u32],
  mcastProbes: ['NDTPA_MCAST_PROBES', u32],
  anycastDelay: ['NDTPA_ANYCAST_DELAY', u64],
  proxyDelay: ['NDTPA_PROXY_DELAY', u64],
  proxyQlen: ['NDTPA_PROXY_QLEN', u32],
  locktime: ['NDTPA_LOCKTIME', u64],
  queueLenBytes: ['NDTPA_QUEUE_LENBYTES', u32],
  mcastReprobes: ['NDTPA_MCAST_REPROBES', u32],
  pad: ['NDTPA_PAD', binary],
  intervalProbeTimeMs: ['NDTPA_INTERVAL_PROBE_TIME_MS', u64],
});

/** The decoded NDTPA_* parameters of a neighbour table. */
export type NeighTableParams = ValueOf<typeof neighTableParams>;

/** NDTA_*: neighbour table attributes (RTM_*NEIGHTBL). */
export const neighTableAttrs = attrSet('NDTA', NDTA, {
  name: ['NDTA_NAME', string],
  thresh1: ['NDTA_THRESH1', u32],
  thresh2: ['NDTA_THRESH2', u32],
  thresh3: ['NDTA_THRESH3', u32],
  config: ['NDTA_CONFIG', ndtConfig],
  parms: ['NDTA_PARMS', neighTableParams],
  stats: ['NDTA_STATS', ndtStats],
  gcInterval: ['NDTA_GC_INTERVAL', u64],
  pad: ['NDTA_PAD', binary],
});

/** The decoded NDTA_* attributes of a neighbour table message. */
export type NeighTableAttrs = ValueOf<typeof neighTableAttrs>;
