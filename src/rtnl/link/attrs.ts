/**
 * IFLA_*: every link attribute (linux/if_link.h, with the ones newer than the 6.1 headers from the
 * running kernel's BTF), declared once. Types follow the kernel's ifla_policy and rtnl_fill_ifinfo
 * (and Documentation/netlink/specs/rt-link.yaml).
 */
import { IF_LINK_MODE, IF_OPER } from '../../constants/if.js';
import {
  IFLA,
  IFLA_EVENT,
  IFLA_PROTO_DOWN_REASON,
  IFLA_XDP,
  XDP_ATTACHED,
  XDP_FLAGS,
} from '../../constants/if_link.js';
import { RTEXT_FILTER } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import { lladdr } from '../../netlink/address.js';
import { binary, bits, named, s32, string, u8, u16, u32, uint, type ValueOf } from '../../netlink/codec.js';
import { attrSet } from '../../netlink/schema.js';
import { bridgeAfSpecAttrs } from './af-bridge.js';
import { afSpecAttrs, inet6Attrs } from './af-spec.js';
import { brportAttrs } from './brport.js';
import { byFamily } from './by-family.js';
import { linkinfoAttrs } from './linkinfo.js';
import { rtnlLinkIfmap, rtnlLinkStats, rtnlLinkStats64 } from './structs.js';
import { portAttrs, vfInfoListAttrs, vfPortsAttrs } from './vf.js';

/** IFLA_PROP_LIST's nest: alternative names (RTM_NEWLINKPROP / RTM_DELLINKPROP, and in dumps). */
export const propListAttrs = attrSet('IFLA_PROP_LIST', IFLA, {
  altIfname: ['IFLA_ALT_IFNAME', string, { multi: true }],
});

/** IFLA_PROTO_DOWN_REASON_*: why a link is held protodown (mask for setting, value as dumped). */
export const protoDownReasonAttrs = attrSet('IFLA_PROTO_DOWN_REASON', IFLA_PROTO_DOWN_REASON, {
  mask: ['IFLA_PROTO_DOWN_REASON_MASK', u32],
  value: ['IFLA_PROTO_DOWN_REASON_VALUE', u32],
});

/** IFLA_XDP_*: the attached XDP programs (ids) and, when attaching, the program fd and flags. */
export const xdpAttrs = attrSet('IFLA_XDP', IFLA_XDP, {
  fd: ['IFLA_XDP_FD', s32],
  attached: ['IFLA_XDP_ATTACHED', named(u8, XDP_ATTACHED)],
  flags: ['IFLA_XDP_FLAGS', bits(u32, XDP_FLAGS)],
  progId: ['IFLA_XDP_PROG_ID', u32],
  drvProgId: ['IFLA_XDP_DRV_PROG_ID', u32],
  skbProgId: ['IFLA_XDP_SKB_PROG_ID', u32],
  hwProgId: ['IFLA_XDP_HW_PROG_ID', u32],
  expectedFd: ['IFLA_XDP_EXPECTED_FD', s32],
});

/** IFLA_AF_SPEC: per-family nests (AF_INET, AF_INET6...), or IFLA_BRIDGE_* in AF_BRIDGE messages. */
const afSpec = byFamily<AfSpec | BridgeAfSpec>('IFLA_AF_SPEC', 'afSpec', {
  byFamily: new Map([[AF.AF_BRIDGE, bridgeAfSpecAttrs]]),
  default: afSpecAttrs,
});

/** IFLA_PROTINFO: IFLA_BRPORT_* in AF_BRIDGE messages, IFLA_INET6_* in AF_INET6 ones. */
const protinfo = byFamily<BrportAttrs | Inet6Attrs | Uint8Array>('IFLA_PROTINFO', 'protinfo', {
  byFamily: new Map([
    [AF.AF_BRIDGE, brportAttrs],
    [AF.AF_INET6, inet6Attrs],
  ]),
  default: binary,
});

/** IFLA_*: the link attribute set. */
export const linkAttrs = attrSet('IFLA', IFLA, {
  address: ['IFLA_ADDRESS', lladdr],
  broadcast: ['IFLA_BROADCAST', lladdr],
  ifname: ['IFLA_IFNAME', string],
  mtu: ['IFLA_MTU', u32],
  link: ['IFLA_LINK', u32],
  qdisc: ['IFLA_QDISC', string],
  stats: ['IFLA_STATS', rtnlLinkStats],
  cost: ['IFLA_COST', string],
  priority: ['IFLA_PRIORITY', string],
  master: ['IFLA_MASTER', u32],
  wireless: ['IFLA_WIRELESS', binary],
  protinfo: ['IFLA_PROTINFO', protinfo],
  txqlen: ['IFLA_TXQLEN', u32],
  map: ['IFLA_MAP', rtnlLinkIfmap],
  weight: ['IFLA_WEIGHT', u32],
  operstate: ['IFLA_OPERSTATE', named(u8, IF_OPER)],
  linkmode: ['IFLA_LINKMODE', named(u8, IF_LINK_MODE)],
  linkinfo: ['IFLA_LINKINFO', linkinfoAttrs],
  netnsPid: ['IFLA_NET_NS_PID', u32],
  ifalias: ['IFLA_IFALIAS', string],
  numVf: ['IFLA_NUM_VF', u32],
  vfinfoList: ['IFLA_VFINFO_LIST', vfInfoListAttrs],
  stats64: ['IFLA_STATS64', rtnlLinkStats64],
  vfPorts: ['IFLA_VF_PORTS', vfPortsAttrs],
  portSelf: ['IFLA_PORT_SELF', portAttrs],
  afSpec: ['IFLA_AF_SPEC', afSpec],
  group: ['IFLA_GROUP', u32],
  netnsFd: ['IFLA_NET_NS_FD', u32],
  extMask: ['IFLA_EXT_MASK', bits(u32, RTEXT_FILTER)],
  promiscuity: ['IFLA_PROMISCUITY', u32],
  numTxQueues: ['IFLA_NUM_TX_QUEUES', u32],
  numRxQueues: ['IFLA_NUM_RX_QUEUES', u32],
  carrier: ['IFLA_CARRIER', u8],
  physPortId: ['IFLA_PHYS_PORT_ID', binary],
  carrierChanges: ['IFLA_CARRIER_CHANGES', u32],
  physSwitchId: ['IFLA_PHYS_SWITCH_ID', binary],
  linkNetnsid: ['IFLA_LINK_NETNSID', s32],
  physPortName: ['IFLA_PHYS_PORT_NAME', string],
  protoDown: ['IFLA_PROTO_DOWN', u8],
  gsoMaxSegs: ['IFLA_GSO_MAX_SEGS', u32],
  gsoMaxSize: ['IFLA_GSO_MAX_SIZE', u32],
  pad: ['IFLA_PAD', binary],
  xdp: ['IFLA_XDP', xdpAttrs],
  event: ['IFLA_EVENT', named(u32, IFLA_EVENT)],
  newNetnsid: ['IFLA_NEW_NETNSID', s32],
  // IFLA_IF_NETNSID is the old name of the same number.
  targetNetnsid: ['IFLA_TARGET_NETNSID', s32],
  carrierUpCount: ['IFLA_CARRIER_UP_COUNT', u32],
  carrierDownCount: ['IFLA_CARRIER_DOWN_COUNT', u32],
  newIfindex: ['IFLA_NEW_IFINDEX', s32],
  minMtu: ['IFLA_MIN_MTU', u32],
  maxMtu: ['IFLA_MAX_MTU', u32],
  propList: ['IFLA_PROP_LIST', propListAttrs],
  altIfname: ['IFLA_ALT_IFNAME', string, { multi: true }],
  permAddress: ['IFLA_PERM_ADDRESS', lladdr],
  protoDownReason: ['IFLA_PROTO_DOWN_REASON', protoDownReasonAttrs],
  parentDevName: ['IFLA_PARENT_DEV_NAME', string],
  parentDevBusName: ['IFLA_PARENT_DEV_BUS_NAME', string],
  groMaxSize: ['IFLA_GRO_MAX_SIZE', u32],
  tsoMaxSize: ['IFLA_TSO_MAX_SIZE', u32],
  tsoMaxSegs: ['IFLA_TSO_MAX_SEGS', u32],
  allmulti: ['IFLA_ALLMULTI', u32],
  // Nested devlink attributes (DEVLINK_ATTR_*), which have no table here: kept as bytes.
  devlinkPort: ['IFLA_DEVLINK_PORT', binary],
  gsoIpv4MaxSize: ['IFLA_GSO_IPV4_MAX_SIZE', u32],
  groIpv4MaxSize: ['IFLA_GRO_IPV4_MAX_SIZE', u32],
  // Nested DPLL_A_PIN_* attributes, which have no table here: kept as bytes.
  dpllPin: ['IFLA_DPLL_PIN', binary],
  maxPacingOffloadHorizon: ['IFLA_MAX_PACING_OFFLOAD_HORIZON', uint],
  netnsImmutable: ['IFLA_NETNS_IMMUTABLE', u8],
  headroom: ['IFLA_HEADROOM', u16],
  tailroom: ['IFLA_TAILROOM', u16],
});

/** The decoded IFLA_* attributes of a link message. */
export type LinkAttrs = ValueOf<typeof linkAttrs>;
/** IFLA_AF_SPEC of ordinary link messages. */
export type AfSpec = ValueOf<typeof afSpecAttrs>;
/** IFLA_AF_SPEC of AF_BRIDGE link messages. */
export type BridgeAfSpec = ValueOf<typeof bridgeAfSpecAttrs>;
/** IFLA_BRPORT_* (bridge port slave data, IFLA_PROTINFO of AF_BRIDGE messages). */
export type BrportAttrs = ValueOf<typeof brportAttrs>;
/** IFLA_INET6_* (IFLA_AF_SPEC/AF_INET6, IFLA_PROTINFO of AF_INET6 messages). */
export type Inet6Attrs = ValueOf<typeof inet6Attrs>;
