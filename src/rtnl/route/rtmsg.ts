/**
 * The structs of route messages (linux/rtnetlink.h): rtmsg, rtnexthop (RTA_MULTIPATH records),
 * rta_cacheinfo (RTA_CACHEINFO) and rta_mfc_stats (RTA_MFC_STATS).
 */

import { RT_SCOPE, RT_TABLE, RTM_F, RTN, RTNH_F, RTPROT } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import type { ValueOf } from '../../netlink/codec.js';
import { struct } from '../../netlink/struct.js';

/** struct rtmsg. */
export const rtmsg = struct('rtmsg', [
  ['rtm_family', 'family', 'u8', { enum: AF }],
  ['rtm_dst_len', 'dstLen', 'u8'],
  ['rtm_src_len', 'srcLen', 'u8'],
  ['rtm_tos', 'tos', 'u8'],
  ['rtm_table', 'table', 'u8', { enum: RT_TABLE }],
  ['rtm_protocol', 'protocol', 'u8', { enum: RTPROT }],
  ['rtm_scope', 'scope', 'u8', { enum: RT_SCOPE }],
  ['rtm_type', 'type', 'u8', { enum: RTN }],
  ['rtm_flags', 'flags', 'u32', { bits: RTM_F }],
]);

/** A decoded struct rtmsg. */
export type RtMsg = ValueOf<typeof rtmsg>;

/** struct rtnexthop: one path of RTA_MULTIPATH; the weight is rtnh_hops + 1. */
export const rtnexthop = struct('rtnexthop', [
  ['rtnh_len', 'len', 'u16'],
  ['rtnh_flags', 'flags', 'u8', { bits: RTNH_F }],
  ['rtnh_hops', 'hops', 'u8'],
  ['rtnh_ifindex', 'ifindex', 's32'],
]);

/** struct rta_cacheinfo: times in clock ticks (USER_HZ), rta_expires may be negative. */
export const rtaCacheinfo = struct('rta_cacheinfo', [
  ['rta_clntref', 'clntref', 'u32'],
  ['rta_lastuse', 'lastuse', 'u32'],
  ['rta_expires', 'expires', 's32'],
  ['rta_error', 'error', 'u32'],
  ['rta_used', 'used', 'u32'],
  ['rta_id', 'id', 'u32'],
  ['rta_ts', 'ts', 'u32'],
  ['rta_tsage', 'tsage', 'u32'],
]);

/** struct rta_mfc_stats: multicast forwarding cache counters. */
export const rtaMfcStats = struct('rta_mfc_stats', [
  ['mfcs_packets', 'packets', 'u64'],
  ['mfcs_bytes', 'bytes', 'u64'],
  ['mfcs_wrong_if', 'wrongIf', 'u64'],
]);
