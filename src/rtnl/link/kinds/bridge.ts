/**
 * bridge: an Ethernet bridge. IFLA_BR_* configure the bridge (STP, ageing, VLAN filtering, multicast
 * snooping...) and report its STP state and timers; its ports carry IFLA_BRPORT_* as slave data.
 */
import { BRIDGE_QUERIER, MDB_RTR_TYPE } from '../../../constants/if_bridge.js';
import { IFLA_BR } from '../../../constants/if_link.js';
import { ipv4, ipv6, lladdr } from '../../../netlink/address.js';
import { be16, binary, flag, named, u8, u16, u32, u64, type ValueOf } from '../../../netlink/codec.js';
import { attrSet } from '../../../netlink/schema.js';
import { brportAttrs } from '../brport.js';
import { registerKind } from '../registry.js';
import { brBooloptMulti, iflaBridgeId } from '../structs.js';

/** BRIDGE_QUERIER_*: the multicast querier the bridge has elected (IFLA_BR_MCAST_QUERIER_STATE). */
export const bridgeQuerierAttrs = attrSet('BRIDGE_QUERIER', BRIDGE_QUERIER, {
  ipAddress: ['BRIDGE_QUERIER_IP_ADDRESS', ipv4],
  ipPort: ['BRIDGE_QUERIER_IP_PORT', u32],
  ipOtherTimer: ['BRIDGE_QUERIER_IP_OTHER_TIMER', u64],
  pad: ['BRIDGE_QUERIER_PAD', binary],
  ipv6Address: ['BRIDGE_QUERIER_IPV6_ADDRESS', ipv6],
  ipv6Port: ['BRIDGE_QUERIER_IPV6_PORT', u32],
  ipv6OtherTimer: ['BRIDGE_QUERIER_IPV6_OTHER_TIMER', u64],
});

/**
 * IFLA_BR_*. Times and timers are in hundredths of a second (clock_t): forward_delay 1500 is 15 s, as
 * `ip -d` prints it. Booleans are u8 0/1 as on the wire.
 */
export const bridgeAttrs = attrSet('IFLA_BR', IFLA_BR, {
  forwardDelay: ['IFLA_BR_FORWARD_DELAY', u32],
  helloTime: ['IFLA_BR_HELLO_TIME', u32],
  maxAge: ['IFLA_BR_MAX_AGE', u32],
  ageingTime: ['IFLA_BR_AGEING_TIME', u32],
  stpState: ['IFLA_BR_STP_STATE', u32],
  priority: ['IFLA_BR_PRIORITY', u16],
  vlanFiltering: ['IFLA_BR_VLAN_FILTERING', u8],
  vlanProtocol: ['IFLA_BR_VLAN_PROTOCOL', be16],
  groupFwdMask: ['IFLA_BR_GROUP_FWD_MASK', u16],
  rootId: ['IFLA_BR_ROOT_ID', iflaBridgeId],
  bridgeId: ['IFLA_BR_BRIDGE_ID', iflaBridgeId],
  rootPort: ['IFLA_BR_ROOT_PORT', u16],
  rootPathCost: ['IFLA_BR_ROOT_PATH_COST', u32],
  topologyChange: ['IFLA_BR_TOPOLOGY_CHANGE', u8],
  topologyChangeDetected: ['IFLA_BR_TOPOLOGY_CHANGE_DETECTED', u8],
  helloTimer: ['IFLA_BR_HELLO_TIMER', u64],
  tcnTimer: ['IFLA_BR_TCN_TIMER', u64],
  topologyChangeTimer: ['IFLA_BR_TOPOLOGY_CHANGE_TIMER', u64],
  gcTimer: ['IFLA_BR_GC_TIMER', u64],
  groupAddr: ['IFLA_BR_GROUP_ADDR', lladdr],
  fdbFlush: ['IFLA_BR_FDB_FLUSH', flag],
  mcastRouter: ['IFLA_BR_MCAST_ROUTER', named(u8, MDB_RTR_TYPE)],
  mcastSnooping: ['IFLA_BR_MCAST_SNOOPING', u8],
  mcastQueryUseIfaddr: ['IFLA_BR_MCAST_QUERY_USE_IFADDR', u8],
  mcastQuerier: ['IFLA_BR_MCAST_QUERIER', u8],
  mcastHashElasticity: ['IFLA_BR_MCAST_HASH_ELASTICITY', u32],
  mcastHashMax: ['IFLA_BR_MCAST_HASH_MAX', u32],
  mcastLastMemberCnt: ['IFLA_BR_MCAST_LAST_MEMBER_CNT', u32],
  mcastStartupQueryCnt: ['IFLA_BR_MCAST_STARTUP_QUERY_CNT', u32],
  mcastLastMemberIntvl: ['IFLA_BR_MCAST_LAST_MEMBER_INTVL', u64],
  mcastMembershipIntvl: ['IFLA_BR_MCAST_MEMBERSHIP_INTVL', u64],
  mcastQuerierIntvl: ['IFLA_BR_MCAST_QUERIER_INTVL', u64],
  mcastQueryIntvl: ['IFLA_BR_MCAST_QUERY_INTVL', u64],
  mcastQueryResponseIntvl: ['IFLA_BR_MCAST_QUERY_RESPONSE_INTVL', u64],
  mcastStartupQueryIntvl: ['IFLA_BR_MCAST_STARTUP_QUERY_INTVL', u64],
  nfCallIptables: ['IFLA_BR_NF_CALL_IPTABLES', u8],
  nfCallIp6tables: ['IFLA_BR_NF_CALL_IP6TABLES', u8],
  nfCallArptables: ['IFLA_BR_NF_CALL_ARPTABLES', u8],
  vlanDefaultPvid: ['IFLA_BR_VLAN_DEFAULT_PVID', u16],
  pad: ['IFLA_BR_PAD', binary],
  vlanStatsEnabled: ['IFLA_BR_VLAN_STATS_ENABLED', u8],
  mcastStatsEnabled: ['IFLA_BR_MCAST_STATS_ENABLED', u8],
  mcastIgmpVersion: ['IFLA_BR_MCAST_IGMP_VERSION', u8],
  mcastMldVersion: ['IFLA_BR_MCAST_MLD_VERSION', u8],
  vlanStatsPerPort: ['IFLA_BR_VLAN_STATS_PER_PORT', u8],
  multiBoolopt: ['IFLA_BR_MULTI_BOOLOPT', brBooloptMulti],
  mcastQuerierState: ['IFLA_BR_MCAST_QUERIER_STATE', bridgeQuerierAttrs],
  fdbNLearned: ['IFLA_BR_FDB_N_LEARNED', u32],
  fdbMaxLearned: ['IFLA_BR_FDB_MAX_LEARNED', u32],
});

/** IFLA_INFO_DATA of a bridge. */
export type BridgeData = ValueOf<typeof bridgeAttrs>;
/** IFLA_INFO_SLAVE_DATA of a bridge port. */
export type BridgePortData = ValueOf<typeof brportAttrs>;

/** The bridge kind; its ports' slave data is IFLA_BRPORT_*. */
export const bridge = registerKind({
  kind: 'bridge',
  data: bridgeAttrs,
  slaveData: brportAttrs,
  summary: 'Ethernet bridge: forwards frames between its ports (STP, VLAN filtering, multicast snooping)',
});
