/**
 * vxlan: Virtual eXtensible LAN, Ethernet over UDP (RFC 7348). IFLA_VXLAN_* set the VNI, the remote
 * or multicast group, the local address, UDP ports and the many per-device options.
 */
import { IFLA_VXLAN, IFLA_VXLAN_DF } from '../../../constants/if_link.js';
import { ipv4, ipv6 } from '../../../netlink/address.js';
import { be16, be32, binary, flag, flagU8, named, u8, u32, type ValueOf } from '../../../netlink/codec.js';
import { attrSet } from '../../../netlink/schema.js';
import { registerKind } from '../registry.js';
import { iflaVxlanPortRange } from '../structs.js';

/**
 * IFLA_VXLAN_*. Booleans the kernel sends as u8 are u8 0/1. GBP, GPE and REMCSUM_NOPARTIAL are
 * flags both ways. TTL_INHERIT is a flag in requests (NLA_FLAG policy) but the kernel dumps it as a
 * u8 (0 or 1): see flagU8.
 */
export const vxlanAttrs = attrSet('IFLA_VXLAN', IFLA_VXLAN, {
  id: ['IFLA_VXLAN_ID', u32],
  group: ['IFLA_VXLAN_GROUP', ipv4],
  link: ['IFLA_VXLAN_LINK', u32],
  local: ['IFLA_VXLAN_LOCAL', ipv4],
  ttl: ['IFLA_VXLAN_TTL', u8],
  tos: ['IFLA_VXLAN_TOS', u8],
  learning: ['IFLA_VXLAN_LEARNING', u8],
  ageing: ['IFLA_VXLAN_AGEING', u32],
  limit: ['IFLA_VXLAN_LIMIT', u32],
  portRange: ['IFLA_VXLAN_PORT_RANGE', iflaVxlanPortRange],
  proxy: ['IFLA_VXLAN_PROXY', u8],
  rsc: ['IFLA_VXLAN_RSC', u8],
  l2miss: ['IFLA_VXLAN_L2MISS', u8],
  l3miss: ['IFLA_VXLAN_L3MISS', u8],
  port: ['IFLA_VXLAN_PORT', be16],
  group6: ['IFLA_VXLAN_GROUP6', ipv6],
  local6: ['IFLA_VXLAN_LOCAL6', ipv6],
  udpCsum: ['IFLA_VXLAN_UDP_CSUM', u8],
  udpZeroCsum6Tx: ['IFLA_VXLAN_UDP_ZERO_CSUM6_TX', u8],
  udpZeroCsum6Rx: ['IFLA_VXLAN_UDP_ZERO_CSUM6_RX', u8],
  remcsumTx: ['IFLA_VXLAN_REMCSUM_TX', u8],
  remcsumRx: ['IFLA_VXLAN_REMCSUM_RX', u8],
  gbp: ['IFLA_VXLAN_GBP', flag],
  remcsumNopartial: ['IFLA_VXLAN_REMCSUM_NOPARTIAL', flag],
  collectMetadata: ['IFLA_VXLAN_COLLECT_METADATA', u8],
  label: ['IFLA_VXLAN_LABEL', be32],
  gpe: ['IFLA_VXLAN_GPE', flag],
  ttlInherit: ['IFLA_VXLAN_TTL_INHERIT', flagU8],
  df: ['IFLA_VXLAN_DF', named(u8, IFLA_VXLAN_DF)],
  vnifilter: ['IFLA_VXLAN_VNIFILTER', u8],
  localbypass: ['IFLA_VXLAN_LOCALBYPASS', u8],
  labelPolicy: ['IFLA_VXLAN_LABEL_POLICY', u32],
  reservedBits: ['IFLA_VXLAN_RESERVED_BITS', binary],
  mcRoute: ['IFLA_VXLAN_MC_ROUTE', u8],
});

/** IFLA_INFO_DATA of a vxlan. */
export type VxlanData = ValueOf<typeof vxlanAttrs>;

/** The vxlan kind. */
export const vxlan = registerKind({
  kind: 'vxlan',
  data: vxlanAttrs,
  summary: 'VXLAN tunnel: Ethernet frames in UDP, by VNI (RFC 7348)',
});
