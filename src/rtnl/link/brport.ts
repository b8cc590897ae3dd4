/**
 * IFLA_BRPORT_*: a bridge port's settings and STP state. The kernel sends them as IFLA_INFO_SLAVE_DATA
 * of a bridge port and as IFLA_PROTINFO of AF_BRIDGE link messages.
 */
import { BR_STATE, MDB_RTR_TYPE } from '../../constants/if_bridge.js';
import { BRPORT_MODE, IFLA_BRPORT } from '../../constants/if_link.js';
import { binary, flag, named, u8, u16, u32, u64 } from '../../netlink/codec.js';
import { attrSet } from '../../netlink/schema.js';
import { iflaBridgeId } from './structs.js';

/** IFLA_BRPORT_* (booleans are u8 0/1 as on the wire). */
export const brportAttrs = attrSet('IFLA_BRPORT', IFLA_BRPORT, {
  state: ['IFLA_BRPORT_STATE', named(u8, BR_STATE)],
  priority: ['IFLA_BRPORT_PRIORITY', u16],
  cost: ['IFLA_BRPORT_COST', u32],
  mode: ['IFLA_BRPORT_MODE', named(u8, BRPORT_MODE)],
  guard: ['IFLA_BRPORT_GUARD', u8],
  protect: ['IFLA_BRPORT_PROTECT', u8],
  fastLeave: ['IFLA_BRPORT_FAST_LEAVE', u8],
  learning: ['IFLA_BRPORT_LEARNING', u8],
  unicastFlood: ['IFLA_BRPORT_UNICAST_FLOOD', u8],
  proxyarp: ['IFLA_BRPORT_PROXYARP', u8],
  learningSync: ['IFLA_BRPORT_LEARNING_SYNC', u8],
  proxyarpWifi: ['IFLA_BRPORT_PROXYARP_WIFI', u8],
  rootId: ['IFLA_BRPORT_ROOT_ID', iflaBridgeId],
  bridgeId: ['IFLA_BRPORT_BRIDGE_ID', iflaBridgeId],
  designatedPort: ['IFLA_BRPORT_DESIGNATED_PORT', u16],
  designatedCost: ['IFLA_BRPORT_DESIGNATED_COST', u16],
  id: ['IFLA_BRPORT_ID', u16],
  no: ['IFLA_BRPORT_NO', u16],
  topologyChangeAck: ['IFLA_BRPORT_TOPOLOGY_CHANGE_ACK', u8],
  configPending: ['IFLA_BRPORT_CONFIG_PENDING', u8],
  messageAgeTimer: ['IFLA_BRPORT_MESSAGE_AGE_TIMER', u64],
  forwardDelayTimer: ['IFLA_BRPORT_FORWARD_DELAY_TIMER', u64],
  holdTimer: ['IFLA_BRPORT_HOLD_TIMER', u64],
  flush: ['IFLA_BRPORT_FLUSH', flag],
  multicastRouter: ['IFLA_BRPORT_MULTICAST_ROUTER', named(u8, MDB_RTR_TYPE)],
  pad: ['IFLA_BRPORT_PAD', binary],
  mcastFlood: ['IFLA_BRPORT_MCAST_FLOOD', u8],
  mcastToUcast: ['IFLA_BRPORT_MCAST_TO_UCAST', u8],
  vlanTunnel: ['IFLA_BRPORT_VLAN_TUNNEL', u8],
  bcastFlood: ['IFLA_BRPORT_BCAST_FLOOD', u8],
  groupFwdMask: ['IFLA_BRPORT_GROUP_FWD_MASK', u16],
  neighSuppress: ['IFLA_BRPORT_NEIGH_SUPPRESS', u8],
  isolated: ['IFLA_BRPORT_ISOLATED', u8],
  backupPort: ['IFLA_BRPORT_BACKUP_PORT', u32],
  mrpRingOpen: ['IFLA_BRPORT_MRP_RING_OPEN', u8],
  mrpInOpen: ['IFLA_BRPORT_MRP_IN_OPEN', u8],
  mcastEhtHostsLimit: ['IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT', u32],
  mcastEhtHostsCnt: ['IFLA_BRPORT_MCAST_EHT_HOSTS_CNT', u32],
  locked: ['IFLA_BRPORT_LOCKED', u8],
  mab: ['IFLA_BRPORT_MAB', u8],
  mcastNGroups: ['IFLA_BRPORT_MCAST_N_GROUPS', u32],
  mcastMaxGroups: ['IFLA_BRPORT_MCAST_MAX_GROUPS', u32],
  neighVlanSuppress: ['IFLA_BRPORT_NEIGH_VLAN_SUPPRESS', u8],
  backupNhid: ['IFLA_BRPORT_BACKUP_NHID', u32],
});
