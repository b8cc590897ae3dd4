/**
 * The fixed headers of neighbour messages: struct ndmsg (RTM_*NEIGH), struct ndtmsg (RTM_*NEIGHTBL)
 * and the structs carried in their attributes (linux/neighbour.h).
 */
import { NTF, NUD } from '../../constants/neighbour.js';
import { RTN } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import { struct } from '../../netlink/struct.js';

/** struct ndmsg: the header of RTM_NEWNEIGH, RTM_DELNEIGH and RTM_GETNEIGH. */
export const ndmsg = struct('ndmsg', [
  ['ndm_family', 'family', 'u8', { enum: AF }],
  ['ndm_pad1', null, 'u8'],
  ['ndm_pad2', null, 'u16'],
  ['ndm_ifindex', 'ifindex', 's32'],
  ['ndm_state', 'state', 'u16', { bits: NUD }],
  ['ndm_flags', 'flags', 'u8', { bits: NTF }],
  ['ndm_type', 'type', 'u8', { enum: RTN }],
]);

/** Names of ndm_state bits (NUD_*). */
export const NUD_NAMES = NUD;
/** Names of ndm_flags bits (NTF_*). */
export const NTF_NAMES = NTF;

/** struct nda_cacheinfo (NDA_CACHEINFO): ages in clock ticks (USER_HZ), and the reference count. */
export const ndaCacheinfo = struct('nda_cacheinfo', [
  ['ndm_confirmed', 'confirmed', 'u32'],
  ['ndm_used', 'used', 'u32'],
  ['ndm_updated', 'updated', 'u32'],
  ['ndm_refcnt', 'refcnt', 'u32'],
]);

/** struct ndtmsg: the header of RTM_NEWNEIGHTBL, RTM_GETNEIGHTBL and RTM_SETNEIGHTBL. */
export const ndtmsg = struct('ndtmsg', [
  ['ndtm_family', 'family', 'u8'],
  ['ndtm_pad1', null, 'u8'],
  ['ndtm_pad2', null, 'u16'],
]);

/** struct ndt_config (NDTA_CONFIG): a neighbour table's sizes and hash state. */
export const ndtConfig = struct('ndt_config', [
  ['ndtc_key_len', 'keyLen', 'u16'],
  ['ndtc_entry_size', 'entrySize', 'u16'],
  ['ndtc_entries', 'entries', 'u32'],
  ['ndtc_last_flush', 'lastFlush', 'u32'],
  ['ndtc_last_rand', 'lastRand', 'u32'],
  ['ndtc_hash_rnd', 'hashRnd', 'u32'],
  ['ndtc_hash_mask', 'hashMask', 'u32'],
  ['ndtc_hash_chain_gc', 'hashChainGc', 'u32'],
  ['ndtc_proxy_qlen', 'proxyQlen', 'u32'],
]);

/** struct ndt_stats (NDTA_STATS): a neighbour table's counters. */
export const ndtStats = struct('ndt_stats', [
  ['ndts_allocs', 'allocs', 'u64'],
  ['ndts_destroys', 'destroys', 'u64'],
  ['ndts_hash_grows', 'hashGrows', 'u64'],
  ['ndts_res_failed', 'resFailed', 'u64'],
  ['ndts_lookups', 'lookups', 'u64'],
  ['ndts_hits', 'hits', 'u64'],
  ['ndts_rcv_probes_mcast', 'rcvProbesMcast', 'u64'],
  ['ndts_rcv_probes_ucast', 'rcvProbesUcast', 'u64'],
  ['ndts_periodic_gc_runs', 'periodicGcRuns', 'u64'],
  ['ndts_forced_gc_runs', 'forcedGcRuns', 'u64'],
  ['ndts_table_fulls', 'tableFulls', 'u64'],
]);
