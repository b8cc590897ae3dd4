/**
 * The fixed C structs carried by link attributes (linux/if_link.h, linux/if_bridge.h; fields past the
 * 6.1 headers from the running kernel's BTF).
 */
import { struct } from '../../netlink/struct.js';

/** struct rtnl_link_stats (IFLA_STATS): 32-bit counters. */
export const rtnlLinkStats = struct('rtnl_link_stats', [
  ['rx_packets', 'rxPackets', 'u32'],
  ['tx_packets', 'txPackets', 'u32'],
  ['rx_bytes', 'rxBytes', 'u32'],
  ['tx_bytes', 'txBytes', 'u32'],
  ['rx_errors', 'rxErrors', 'u32'],
  ['tx_errors', 'txErrors', 'u32'],
  ['rx_dropped', 'rxDropped', 'u32'],
  ['tx_dropped', 'txDropped', 'u32'],
  ['multicast', 'multicast', 'u32'],
  ['collisions', 'collisions', 'u32'],
  ['rx_length_errors', 'rxLengthErrors', 'u32'],
  ['rx_over_errors', 'rxOverErrors', 'u32'],
  ['rx_crc_errors', 'rxCrcErrors', 'u32'],
  ['rx_frame_errors', 'rxFrameErrors', 'u32'],
  ['rx_fifo_errors', 'rxFifoErrors', 'u32'],
  ['rx_missed_errors', 'rxMissedErrors', 'u32'],
  ['tx_aborted_errors', 'txAbortedErrors', 'u32'],
  ['tx_carrier_errors', 'txCarrierErrors', 'u32'],
  ['tx_fifo_errors', 'txFifoErrors', 'u32'],
  ['tx_heartbeat_errors', 'txHeartbeatErrors', 'u32'],
  ['tx_window_errors', 'txWindowErrors', 'u32'],
  ['rx_compressed', 'rxCompressed', 'u32'],
  ['tx_compressed', 'txCompressed', 'u32'],
  ['rx_nohandler', 'rxNohandler', 'u32'],
]);

/** struct rtnl_link_stats64 (IFLA_STATS64): 64-bit counters, including rx_otherhost_dropped (5.17+). */
export const rtnlLinkStats64 = struct('rtnl_link_stats64', [
  ['rx_packets', 'rxPackets', 'u64'],
  ['tx_packets', 'txPackets', 'u64'],
  ['rx_bytes', 'rxBytes', 'u64'],
  ['tx_bytes', 'txBytes', 'u64'],
  ['rx_errors', 'rxErrors', 'u64'],
  ['tx_errors', 'txErrors', 'u64'],
  ['rx_dropped', 'rxDropped', 'u64'],
  ['tx_dropped', 'txDropped', 'u64'],
  ['multicast', 'multicast', 'u64'],
  ['collisions', 'collisions', 'u64'],
  ['rx_length_errors', 'rxLengthErrors', 'u64'],
  ['rx_over_errors', 'rxOverErrors', 'u64'],
  ['rx_crc_errors', 'rxCrcErrors', 'u64'],
  ['rx_frame_errors', 'rxFrameErrors', 'u64'],
  ['rx_fifo_errors', 'rxFifoErrors', 'u64'],
  ['rx_missed_errors', 'rxMissedErrors', 'u64'],
  ['tx_aborted_errors', 'txAbortedErrors', 'u64'],
  ['tx_carrier_errors', 'txCarrierErrors', 'u64'],
  ['tx_fifo_errors', 'txFifoErrors', 'u64'],
  ['tx_heartbeat_errors', 'txHeartbeatErrors', 'u64'],
  ['tx_window_errors', 'txWindowErrors', 'u64'],
  ['rx_compressed', 'rxCompressed', 'u64'],
  ['tx_compressed', 'txCompressed', 'u64'],
  ['rx_nohandler', 'rxNohandler', 'u64'],
  ['rx_otherhost_dropped', 'rxOtherhostDropped', 'u64'],
]);

/** struct rtnl_link_ifmap (IFLA_MAP); 28 bytes of fields padded to 32 by the u64 alignment. */
export const rtnlLinkIfmap = struct('rtnl_link_ifmap', [
  ['mem_start', 'memStart', 'u64'],
  ['mem_end', 'memEnd', 'u64'],
  ['base_addr', 'baseAddr', 'u64'],
  ['irq', 'irq', 'u16'],
  ['dma', 'dma', 'u8'],
  ['port', 'port', 'u8'],
  ['__pad', null, 'bytes4'],
]);

/** struct ifla_cacheinfo (IFLA_INET6_CACHEINFO): times in ms, tstamp in hundredths of a second. */
export const iflaCacheinfo = struct('ifla_cacheinfo', [
  ['max_reasm_len', 'maxReasmLen', 'u32'],
  ['tstamp', 'tstamp', 'u32'],
  ['reachable_time', 'reachableTime', 'u32'],
  ['retrans_time', 'retransTime', 'u32'],
]);

/** struct ifla_bridge_id (IFLA_BR_ROOT_ID, IFLA_BRPORT_BRIDGE_ID...): priority (network order) and MAC. */
export const iflaBridgeId = struct('ifla_bridge_id', [
  ['prio', 'priority', 'be16'],
  ['addr', 'address', 'bytes6'],
]);

/** struct br_boolopt_multi (IFLA_BR_MULTI_BOOLOPT): bit i is BR_BOOLOPT_* i. */
export const brBooloptMulti = struct('br_boolopt_multi', [
  ['optval', 'optval', 'u32'],
  ['optmask', 'optmask', 'u32'],
]);

/** struct ifla_vxlan_port_range (IFLA_VXLAN_PORT_RANGE): UDP source ports, network order. */
export const iflaVxlanPortRange = struct('ifla_vxlan_port_range', [
  ['low', 'low', 'be16'],
  ['high', 'high', 'be16'],
]);

/** struct bridge_vlan_info (IFLA_BRIDGE_VLAN_INFO). */
export const bridgeVlanInfo = struct('bridge_vlan_info', [
  ['flags', 'flags', 'u16'],
  ['vid', 'vid', 'u16'],
]);
