/**
 * SR-IOV virtual functions: IFLA_VFINFO_LIST (one IFLA_VF_INFO nest per VF, each of IFLA_VF_*
 * structs) and the port profiles of IFLA_VF_PORTS / IFLA_PORT_SELF (IFLA_PORT_*).
 */
import {
  IFLA_PORT,
  IFLA_VF,
  IFLA_VF_INFO,
  IFLA_VF_PORT,
  IFLA_VF_STATS,
  IFLA_VF_VLAN_INFO,
  PORT_REQUEST,
  PORT_RESPONSE,
} from '../../constants/if_link.js';
import { binary, named, string, u8, u16, u32, u64 } from '../../netlink/codec.js';
import { attrSet } from '../../netlink/schema.js';
import { struct } from '../../netlink/struct.js';

/** A struct of a VF number and one u32 setting (ifla_vf_spoofchk, ifla_vf_trust...). */
const vfSetting = <K extends string>(name: string, field: string, key: K) =>
  struct(name, [
    ['vf', 'vf', 'u32'],
    [field, key, 'u32'],
  ] as const);

/** struct ifla_vf_mac. */
export const iflaVfMac = struct('ifla_vf_mac', [
  ['vf', 'vf', 'u32'],
  ['mac', 'mac', 'bytes32'],
]);
/** struct ifla_vf_vlan. */
export const iflaVfVlan = struct('ifla_vf_vlan', [
  ['vf', 'vf', 'u32'],
  ['vlan', 'vlan', 'u32'],
  ['qos', 'qos', 'u32'],
]);
/** struct ifla_vf_rate. */
export const iflaVfRate = struct('ifla_vf_rate', [
  ['vf', 'vf', 'u32'],
  ['min_tx_rate', 'minTxRate', 'u32'],
  ['max_tx_rate', 'maxTxRate', 'u32'],
]);
/** struct ifla_vf_guid (u64 aligned: 4 bytes of padding after vf). */
export const iflaVfGuid = struct('ifla_vf_guid', [
  ['vf', 'vf', 'u32'],
  ['__pad', null, 'bytes4'],
  ['guid', 'guid', 'u64'],
]);
/** struct ifla_vf_vlan_info (padded to 16 bytes). */
export const iflaVfVlanInfo = struct('ifla_vf_vlan_info', [
  ['vf', 'vf', 'u32'],
  ['vlan', 'vlan', 'u32'],
  ['qos', 'qos', 'u32'],
  ['vlan_proto', 'vlanProto', 'be16'],
  ['__pad', null, 'bytes2'],
]);
/** struct ifla_vf_broadcast. */
export const iflaVfBroadcast = struct('ifla_vf_broadcast', [['broadcast', 'broadcast', 'bytes32']]);

/** IFLA_VF_STATS_*: per-VF counters. */
export const vfStatsAttrs = attrSet('IFLA_VF_STATS', IFLA_VF_STATS, {
  rxPackets: ['IFLA_VF_STATS_RX_PACKETS', u64],
  txPackets: ['IFLA_VF_STATS_TX_PACKETS', u64],
  rxBytes: ['IFLA_VF_STATS_RX_BYTES', u64],
  txBytes: ['IFLA_VF_STATS_TX_BYTES', u64],
  broadcast: ['IFLA_VF_STATS_BROADCAST', u64],
  multicast: ['IFLA_VF_STATS_MULTICAST', u64],
  pad: ['IFLA_VF_STATS_PAD', binary],
  rxDropped: ['IFLA_VF_STATS_RX_DROPPED', u64],
  txDropped: ['IFLA_VF_STATS_TX_DROPPED', u64],
});

/** IFLA_VF_VLAN_LIST's nest: IFLA_VF_VLAN_INFO structs. */
export const vfVlanListAttrs = attrSet('IFLA_VF_VLAN_INFO', IFLA_VF_VLAN_INFO, {
  info: ['IFLA_VF_VLAN_INFO', iflaVfVlanInfo, { multi: true }],
});

/** IFLA_VF_*: one virtual function. */
export const vfAttrs = attrSet('IFLA_VF', IFLA_VF, {
  mac: ['IFLA_VF_MAC', iflaVfMac],
  vlan: ['IFLA_VF_VLAN', iflaVfVlan],
  txRate: ['IFLA_VF_TX_RATE', vfSetting('ifla_vf_tx_rate', 'rate', 'rate')],
  spoofchk: ['IFLA_VF_SPOOFCHK', vfSetting('ifla_vf_spoofchk', 'setting', 'setting')],
  linkState: ['IFLA_VF_LINK_STATE', vfSetting('ifla_vf_link_state', 'link_state', 'linkState')],
  rate: ['IFLA_VF_RATE', iflaVfRate],
  rssQueryEn: ['IFLA_VF_RSS_QUERY_EN', vfSetting('ifla_vf_rss_query_en', 'setting', 'setting')],
  stats: ['IFLA_VF_STATS', vfStatsAttrs],
  trust: ['IFLA_VF_TRUST', vfSetting('ifla_vf_trust', 'setting', 'setting')],
  ibNodeGuid: ['IFLA_VF_IB_NODE_GUID', iflaVfGuid],
  ibPortGuid: ['IFLA_VF_IB_PORT_GUID', iflaVfGuid],
  vlanList: ['IFLA_VF_VLAN_LIST', vfVlanListAttrs],
  broadcast: ['IFLA_VF_BROADCAST', iflaVfBroadcast],
});

/** IFLA_VFINFO_LIST's nest: one IFLA_VF_INFO per VF. */
export const vfInfoListAttrs = attrSet('IFLA_VF_INFO', IFLA_VF_INFO, {
  info: ['IFLA_VF_INFO', vfAttrs, { multi: true }],
});

/** struct ifla_port_vsi. */
export const iflaPortVsi = struct('ifla_port_vsi', [
  ['vsi_mgr_id', 'vsiMgrId', 'u8'],
  ['vsi_type_id', 'vsiTypeId', 'bytes3'],
  ['vsi_type_version', 'vsiTypeVersion', 'u8'],
  ['pad', null, 'bytes3'],
]);

/** IFLA_PORT_*: a port profile (802.1Qbg/802.1Qbh), in IFLA_VF_PORT and IFLA_PORT_SELF. */
export const portAttrs = attrSet('IFLA_PORT', IFLA_PORT, {
  vf: ['IFLA_PORT_VF', u32],
  profile: ['IFLA_PORT_PROFILE', string],
  vsiType: ['IFLA_PORT_VSI_TYPE', iflaPortVsi],
  instanceUuid: ['IFLA_PORT_INSTANCE_UUID', binary],
  hostUuid: ['IFLA_PORT_HOST_UUID', binary],
  request: ['IFLA_PORT_REQUEST', named(u8, PORT_REQUEST)],
  response: ['IFLA_PORT_RESPONSE', named(u16, PORT_RESPONSE)],
});

/** IFLA_VF_PORTS's nest: one IFLA_VF_PORT per VF. */
export const vfPortsAttrs = attrSet('IFLA_VF_PORT', IFLA_VF_PORT, {
  port: ['IFLA_VF_PORT', portAttrs, { multi: true }],
});
