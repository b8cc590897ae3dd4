/**
 * IFLA_AF_SPEC of AF_BRIDGE link messages (`bridge link`, `bridge vlan`): IFLA_BRIDGE_* with VLANs,
 * VLAN tunnels, MRP and CFM state and MST port states.
 */
import {
  BR_STATE,
  BRIDGE_FLAGS,
  BRIDGE_MODE,
  BRIDGE_VLAN_INFO,
  IFLA_BRIDGE,
  IFLA_BRIDGE_CFM,
  IFLA_BRIDGE_CFM_CC_CCM_TX,
  IFLA_BRIDGE_CFM_CC_CONFIG,
  IFLA_BRIDGE_CFM_CC_PEER_MEP,
  IFLA_BRIDGE_CFM_CC_PEER_STATUS,
  IFLA_BRIDGE_CFM_CC_RDI,
  IFLA_BRIDGE_CFM_MEP_CONFIG,
  IFLA_BRIDGE_CFM_MEP_CREATE,
  IFLA_BRIDGE_CFM_MEP_DELETE,
  IFLA_BRIDGE_CFM_MEP_STATUS,
  IFLA_BRIDGE_MRP,
  IFLA_BRIDGE_MRP_IN_ROLE,
  IFLA_BRIDGE_MRP_IN_STATE,
  IFLA_BRIDGE_MRP_INFO,
  IFLA_BRIDGE_MRP_INSTANCE,
  IFLA_BRIDGE_MRP_PORT_ROLE,
  IFLA_BRIDGE_MRP_PORT_STATE,
  IFLA_BRIDGE_MRP_RING_ROLE,
  IFLA_BRIDGE_MRP_RING_STATE,
  IFLA_BRIDGE_MRP_START_IN_TEST,
  IFLA_BRIDGE_MRP_START_TEST,
  IFLA_BRIDGE_MST,
  IFLA_BRIDGE_MST_ENTRY,
  IFLA_BRIDGE_VLAN_TUNNEL,
} from '../../constants/if_bridge.js';
import { lladdr } from '../../netlink/address.js';
import { binary, bits, named, u8, u16, u32 } from '../../netlink/codec.js';
import { attrSet } from '../../netlink/schema.js';
import { bridgeVlanInfo } from './structs.js';

/** IFLA_BRIDGE_VLAN_TUNNEL_*: one VLAN to tunnel-id mapping. */
export const bridgeVlanTunnelAttrs = attrSet('IFLA_BRIDGE_VLAN_TUNNEL', IFLA_BRIDGE_VLAN_TUNNEL, {
  id: ['IFLA_BRIDGE_VLAN_TUNNEL_ID', u32],
  vid: ['IFLA_BRIDGE_VLAN_TUNNEL_VID', u16],
  flags: ['IFLA_BRIDGE_VLAN_TUNNEL_FLAGS', bits(u16, BRIDGE_VLAN_INFO)],
});

/** IFLA_BRIDGE_MRP_INFO_*: state of one MRP instance, as dumped. */
export const mrpInfoAttrs = attrSet('IFLA_BRIDGE_MRP_INFO', IFLA_BRIDGE_MRP_INFO, {
  ringId: ['IFLA_BRIDGE_MRP_INFO_RING_ID', u32],
  pIfindex: ['IFLA_BRIDGE_MRP_INFO_P_IFINDEX', u32],
  sIfindex: ['IFLA_BRIDGE_MRP_INFO_S_IFINDEX', u32],
  prio: ['IFLA_BRIDGE_MRP_INFO_PRIO', u16],
  ringState: ['IFLA_BRIDGE_MRP_INFO_RING_STATE', u32],
  ringRole: ['IFLA_BRIDGE_MRP_INFO_RING_ROLE', u32],
  testInterval: ['IFLA_BRIDGE_MRP_INFO_TEST_INTERVAL', u32],
  testMaxMiss: ['IFLA_BRIDGE_MRP_INFO_TEST_MAX_MISS', u32],
  testMonitor: ['IFLA_BRIDGE_MRP_INFO_TEST_MONITOR', u32],
  iIfindex: ['IFLA_BRIDGE_MRP_INFO_I_IFINDEX', u32],
  inState: ['IFLA_BRIDGE_MRP_INFO_IN_STATE', u32],
  inRole: ['IFLA_BRIDGE_MRP_INFO_IN_ROLE', u32],
  inTestInterval: ['IFLA_BRIDGE_MRP_INFO_IN_TEST_INTERVAL', u32],
  inTestMaxMiss: ['IFLA_BRIDGE_MRP_INFO_IN_TEST_MAX_MISS', u32],
});

/** IFLA_BRIDGE_MRP_*: MRP requests and, in dumps, IFLA_BRIDGE_MRP_INFO per instance. */
export const mrpAttrs = attrSet('IFLA_BRIDGE_MRP', IFLA_BRIDGE_MRP, {
  instance: [
    'IFLA_BRIDGE_MRP_INSTANCE',
    attrSet('IFLA_BRIDGE_MRP_INSTANCE', IFLA_BRIDGE_MRP_INSTANCE, {
      ringId: ['IFLA_BRIDGE_MRP_INSTANCE_RING_ID', u32],
      pIfindex: ['IFLA_BRIDGE_MRP_INSTANCE_P_IFINDEX', u32],
      sIfindex: ['IFLA_BRIDGE_MRP_INSTANCE_S_IFINDEX', u32],
      prio: ['IFLA_BRIDGE_MRP_INSTANCE_PRIO', u16],
    }),
  ],
  portState: [
    'IFLA_BRIDGE_MRP_PORT_STATE',
    attrSet('IFLA_BRIDGE_MRP_PORT_STATE', IFLA_BRIDGE_MRP_PORT_STATE, {
      state: ['IFLA_BRIDGE_MRP_PORT_STATE_STATE', u32],
    }),
  ],
  portRole: [
    'IFLA_BRIDGE_MRP_PORT_ROLE',
    attrSet('IFLA_BRIDGE_MRP_PORT_ROLE', IFLA_BRIDGE_MRP_PORT_ROLE, {
      role: ['IFLA_BRIDGE_MRP_PORT_ROLE_ROLE', u32],
    }),
  ],
  ringState: [
    'IFLA_BRIDGE_MRP_RING_STATE',
    attrSet('IFLA_BRIDGE_MRP_RING_STATE', IFLA_BRIDGE_MRP_RING_STATE, {
      ringId: ['IFLA_BRIDGE_MRP_RING_STATE_RING_ID', u32],
      state: ['IFLA_BRIDGE_MRP_RING_STATE_STATE', u32],
    }),
  ],
  ringRole: [
    'IFLA_BRIDGE_MRP_RING_ROLE',
    attrSet('IFLA_BRIDGE_MRP_RING_ROLE', IFLA_BRIDGE_MRP_RING_ROLE, {
      ringId: ['IFLA_BRIDGE_MRP_RING_ROLE_RING_ID', u32],
      role: ['IFLA_BRIDGE_MRP_RING_ROLE_ROLE', u32],
    }),
  ],
  startTest: [
    'IFLA_BRIDGE_MRP_START_TEST',
    attrSet('IFLA_BRIDGE_MRP_START_TEST', IFLA_BRIDGE_MRP_START_TEST, {
      ringId: ['IFLA_BRIDGE_MRP_START_TEST_RING_ID', u32],
      interval: ['IFLA_BRIDGE_MRP_START_TEST_INTERVAL', u32],
      maxMiss: ['IFLA_BRIDGE_MRP_START_TEST_MAX_MISS', u32],
      period: ['IFLA_BRIDGE_MRP_START_TEST_PERIOD', u32],
      monitor: ['IFLA_BRIDGE_MRP_START_TEST_MONITOR', u32],
    }),
  ],
  info: ['IFLA_BRIDGE_MRP_INFO', mrpInfoAttrs, { multi: true }],
  inRole: [
    'IFLA_BRIDGE_MRP_IN_ROLE',
    attrSet('IFLA_BRIDGE_MRP_IN_ROLE', IFLA_BRIDGE_MRP_IN_ROLE, {
      ringId: ['IFLA_BRIDGE_MRP_IN_ROLE_RING_ID', u32],
      inId: ['IFLA_BRIDGE_MRP_IN_ROLE_IN_ID', u16],
      role: ['IFLA_BRIDGE_MRP_IN_ROLE_ROLE', u32],
      iIfindex: ['IFLA_BRIDGE_MRP_IN_ROLE_I_IFINDEX', u32],
    }),
  ],
  inState: [
    'IFLA_BRIDGE_MRP_IN_STATE',
    attrSet('IFLA_BRIDGE_MRP_IN_STATE', IFLA_BRIDGE_MRP_IN_STATE, {
      inId: ['IFLA_BRIDGE_MRP_IN_STATE_IN_ID', u32],
      state: ['IFLA_BRIDGE_MRP_IN_STATE_STATE', u32],
    }),
  ],
  startInTest: [
    'IFLA_BRIDGE_MRP_START_IN_TEST',
    attrSet('IFLA_BRIDGE_MRP_START_IN_TEST', IFLA_BRIDGE_MRP_START_IN_TEST, {
      inId: ['IFLA_BRIDGE_MRP_START_IN_TEST_IN_ID', u32],
      interval: ['IFLA_BRIDGE_MRP_START_IN_TEST_INTERVAL', u32],
      maxMiss: ['IFLA_BRIDGE_MRP_START_IN_TEST_MAX_MISS', u32],
      period: ['IFLA_BRIDGE_MRP_START_IN_TEST_PERIOD', u32],
    }),
  ],
});

/** IFLA_BRIDGE_CFM_MEP_CREATE_*. */
export const cfmMepCreateAttrs = attrSet('IFLA_BRIDGE_CFM_MEP_CREATE', IFLA_BRIDGE_CFM_MEP_CREATE, {
  instance: ['IFLA_BRIDGE_CFM_MEP_CREATE_INSTANCE', u32],
  domain: ['IFLA_BRIDGE_CFM_MEP_CREATE_DOMAIN', u32],
  direction: ['IFLA_BRIDGE_CFM_MEP_CREATE_DIRECTION', u32],
  ifindex: ['IFLA_BRIDGE_CFM_MEP_CREATE_IFINDEX', u32],
});
/** IFLA_BRIDGE_CFM_MEP_DELETE_*. */
export const cfmMepDeleteAttrs = attrSet('IFLA_BRIDGE_CFM_MEP_DELETE', IFLA_BRIDGE_CFM_MEP_DELETE, {
  instance: ['IFLA_BRIDGE_CFM_MEP_DELETE_INSTANCE', u32],
});
/** IFLA_BRIDGE_CFM_MEP_CONFIG_*. */
export const cfmMepConfigAttrs = attrSet('IFLA_BRIDGE_CFM_MEP_CONFIG', IFLA_BRIDGE_CFM_MEP_CONFIG, {
  instance: ['IFLA_BRIDGE_CFM_MEP_CONFIG_INSTANCE', u32],
  unicastMac: ['IFLA_BRIDGE_CFM_MEP_CONFIG_UNICAST_MAC', lladdr],
  mdlevel: ['IFLA_BRIDGE_CFM_MEP_CONFIG_MDLEVEL', u32],
  mepid: ['IFLA_BRIDGE_CFM_MEP_CONFIG_MEPID', u32],
});
/** IFLA_BRIDGE_CFM_CC_CONFIG_*. */
export const cfmCcConfigAttrs = attrSet('IFLA_BRIDGE_CFM_CC_CONFIG', IFLA_BRIDGE_CFM_CC_CONFIG, {
  instance: ['IFLA_BRIDGE_CFM_CC_CONFIG_INSTANCE', u32],
  enable: ['IFLA_BRIDGE_CFM_CC_CONFIG_ENABLE', u32],
  expInterval: ['IFLA_BRIDGE_CFM_CC_CONFIG_EXP_INTERVAL', u32],
  expMaid: ['IFLA_BRIDGE_CFM_CC_CONFIG_EXP_MAID', binary],
});
/** IFLA_BRIDGE_CFM_CC_PEER_MEP_* (add, remove and dumped info). */
export const cfmCcPeerMepAttrs = attrSet('IFLA_BRIDGE_CFM_CC_PEER_MEP', IFLA_BRIDGE_CFM_CC_PEER_MEP, {
  instance: ['IFLA_BRIDGE_CFM_CC_PEER_MEP_INSTANCE', u32],
  mepid: ['IFLA_BRIDGE_CFM_CC_PEER_MEPID', u32],
});
/** IFLA_BRIDGE_CFM_CC_RDI_*. */
export const cfmCcRdiAttrs = attrSet('IFLA_BRIDGE_CFM_CC_RDI', IFLA_BRIDGE_CFM_CC_RDI, {
  instance: ['IFLA_BRIDGE_CFM_CC_RDI_INSTANCE', u32],
  rdi: ['IFLA_BRIDGE_CFM_CC_RDI_RDI', u32],
});
/** IFLA_BRIDGE_CFM_CC_CCM_TX_*. */
export const cfmCcCcmTxAttrs = attrSet('IFLA_BRIDGE_CFM_CC_CCM_TX', IFLA_BRIDGE_CFM_CC_CCM_TX, {
  instance: ['IFLA_BRIDGE_CFM_CC_CCM_TX_INSTANCE', u32],
  dmac: ['IFLA_BRIDGE_CFM_CC_CCM_TX_DMAC', lladdr],
  seqNoUpdate: ['IFLA_BRIDGE_CFM_CC_CCM_TX_SEQ_NO_UPDATE', u32],
  period: ['IFLA_BRIDGE_CFM_CC_CCM_TX_PERIOD', u32],
  ifTlv: ['IFLA_BRIDGE_CFM_CC_CCM_TX_IF_TLV', u32],
  ifTlvValue: ['IFLA_BRIDGE_CFM_CC_CCM_TX_IF_TLV_VALUE', u8],
  portTlv: ['IFLA_BRIDGE_CFM_CC_CCM_TX_PORT_TLV', u32],
  portTlvValue: ['IFLA_BRIDGE_CFM_CC_CCM_TX_PORT_TLV_VALUE', u8],
});
/** IFLA_BRIDGE_CFM_MEP_STATUS_*. */
export const cfmMepStatusAttrs = attrSet('IFLA_BRIDGE_CFM_MEP_STATUS', IFLA_BRIDGE_CFM_MEP_STATUS, {
  instance: ['IFLA_BRIDGE_CFM_MEP_STATUS_INSTANCE', u32],
  opcodeUnexpSeen: ['IFLA_BRIDGE_CFM_MEP_STATUS_OPCODE_UNEXP_SEEN', u32],
  versionUnexpSeen: ['IFLA_BRIDGE_CFM_MEP_STATUS_VERSION_UNEXP_SEEN', u32],
  rxLevelLowSeen: ['IFLA_BRIDGE_CFM_MEP_STATUS_RX_LEVEL_LOW_SEEN', u32],
});
/** IFLA_BRIDGE_CFM_CC_PEER_STATUS_*. */
export const cfmCcPeerStatusAttrs = attrSet(
  'IFLA_BRIDGE_CFM_CC_PEER_STATUS',
  IFLA_BRIDGE_CFM_CC_PEER_STATUS,
  {
    instance: ['IFLA_BRIDGE_CFM_CC_PEER_STATUS_INSTANCE', u32],
    peerMepid: ['IFLA_BRIDGE_CFM_CC_PEER_STATUS_PEER_MEPID', u32],
    ccmDefect: ['IFLA_BRIDGE_CFM_CC_PEER_STATUS_CCM_DEFECT', u32],
    rdi: ['IFLA_BRIDGE_CFM_CC_PEER_STATUS_RDI', u32],
    portTlvValue: ['IFLA_BRIDGE_CFM_CC_PEER_STATUS_PORT_TLV_VALUE', u8],
    ifTlvValue: ['IFLA_BRIDGE_CFM_CC_PEER_STATUS_IF_TLV_VALUE', u8],
    seen: ['IFLA_BRIDGE_CFM_CC_PEER_STATUS_SEEN', u32],
    tlvSeen: ['IFLA_BRIDGE_CFM_CC_PEER_STATUS_TLV_SEEN', u32],
    seqUnexpSeen: ['IFLA_BRIDGE_CFM_CC_PEER_STATUS_SEQ_UNEXP_SEEN', u32],
  },
);

/** IFLA_BRIDGE_CFM_*: CFM requests and, in dumps, the *_INFO entries (one per instance). */
export const cfmAttrs = attrSet('IFLA_BRIDGE_CFM', IFLA_BRIDGE_CFM, {
  mepCreate: ['IFLA_BRIDGE_CFM_MEP_CREATE', cfmMepCreateAttrs],
  mepDelete: ['IFLA_BRIDGE_CFM_MEP_DELETE', cfmMepDeleteAttrs],
  mepConfig: ['IFLA_BRIDGE_CFM_MEP_CONFIG', cfmMepConfigAttrs],
  ccConfig: ['IFLA_BRIDGE_CFM_CC_CONFIG', cfmCcConfigAttrs],
  ccPeerMepAdd: ['IFLA_BRIDGE_CFM_CC_PEER_MEP_ADD', cfmCcPeerMepAttrs],
  ccPeerMepRemove: ['IFLA_BRIDGE_CFM_CC_PEER_MEP_REMOVE', cfmCcPeerMepAttrs],
  ccRdi: ['IFLA_BRIDGE_CFM_CC_RDI', cfmCcRdiAttrs],
  ccCcmTx: ['IFLA_BRIDGE_CFM_CC_CCM_TX', cfmCcCcmTxAttrs],
  mepCreateInfo: ['IFLA_BRIDGE_CFM_MEP_CREATE_INFO', cfmMepCreateAttrs, { multi: true }],
  mepConfigInfo: ['IFLA_BRIDGE_CFM_MEP_CONFIG_INFO', cfmMepConfigAttrs, { multi: true }],
  ccConfigInfo: ['IFLA_BRIDGE_CFM_CC_CONFIG_INFO', cfmCcConfigAttrs, { multi: true }],
  ccRdiInfo: ['IFLA_BRIDGE_CFM_CC_RDI_INFO', cfmCcRdiAttrs, { multi: true }],
  ccCcmTxInfo: ['IFLA_BRIDGE_CFM_CC_CCM_TX_INFO', cfmCcCcmTxAttrs, { multi: true }],
  ccPeerMepInfo: ['IFLA_BRIDGE_CFM_CC_PEER_MEP_INFO', cfmCcPeerMepAttrs, { multi: true }],
  mepStatusInfo: ['IFLA_BRIDGE_CFM_MEP_STATUS_INFO', cfmMepStatusAttrs, { multi: true }],
  ccPeerStatusInfo: ['IFLA_BRIDGE_CFM_CC_PEER_STATUS_INFO', cfmCcPeerStatusAttrs, { multi: true }],
});

/** IFLA_BRIDGE_MST_ENTRY_*: a port's state in one MST instance. */
export const mstEntryAttrs = attrSet('IFLA_BRIDGE_MST_ENTRY', IFLA_BRIDGE_MST_ENTRY, {
  msti: ['IFLA_BRIDGE_MST_ENTRY_MSTI', u16],
  state: ['IFLA_BRIDGE_MST_ENTRY_STATE', named(u8, BR_STATE)],
});

/** IFLA_BRIDGE_MST_*. */
export const mstAttrs = attrSet('IFLA_BRIDGE_MST', IFLA_BRIDGE_MST, {
  entry: ['IFLA_BRIDGE_MST_ENTRY', mstEntryAttrs, { multi: true }],
});

/** IFLA_BRIDGE_*: IFLA_AF_SPEC of AF_BRIDGE link messages. */
export const bridgeAfSpecAttrs = attrSet('IFLA_BRIDGE', IFLA_BRIDGE, {
  flags: ['IFLA_BRIDGE_FLAGS', bits(u16, BRIDGE_FLAGS)],
  mode: ['IFLA_BRIDGE_MODE', named(u16, BRIDGE_MODE)],
  vlanInfo: ['IFLA_BRIDGE_VLAN_INFO', bridgeVlanInfo, { multi: true }],
  vlanTunnelInfo: ['IFLA_BRIDGE_VLAN_TUNNEL_INFO', bridgeVlanTunnelAttrs, { multi: true }],
  mrp: ['IFLA_BRIDGE_MRP', mrpAttrs],
  cfm: ['IFLA_BRIDGE_CFM', cfmAttrs],
  mst: ['IFLA_BRIDGE_MST', mstAttrs],
});
