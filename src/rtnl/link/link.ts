/**
 * The Link type: one network device as RTM_NEWLINK describes it, with the common fields lifted out
 * of the attributes and everything decoded still in `attrs`.
 */
import { IF_OPER, IFF } from '../../constants/if.js';
import type { ValueOf } from '../../netlink/codec.js';
import type { Message } from '../../netlink/message.js';
import type { LinkAttrs } from './attrs.js';
import type { BridgeData, BridgePortData } from './kinds/bridge.js';
import type { IpvlanData } from './kinds/ipvlan.js';
import type { MacvlanData } from './kinds/macvlan.js';
import type { TunData } from './kinds/tun.js';
import type { VethData } from './kinds/veth.js';
import type { VxlanData } from './kinds/vxlan.js';
import type { IfInfoMsg } from './messages.js';
import type { rtnlLinkStats64 } from './structs.js';

/** Counters of IFLA_STATS64 (bigints). */
export type LinkStats64 = ValueOf<typeof rtnlLinkStats64>;

/** RFC 2863 operational state, as `ip link` prints it. */
export type OperState = 'UNKNOWN' | 'NOTPRESENT' | 'DOWN' | 'LOWERLAYERDOWN' | 'TESTING' | 'DORMANT' | 'UP';

/**
 * IFLA_INFO_DATA by kind, for {@link linkData}. Kinds declared in other modules add themselves by
 * declaration merging: `declare module '.../link.js' { interface KindDataMap { vlan: VlanData } }`.
 */
export interface KindDataMap {
  /** veth (data only in create requests). */
  veth: VethData;
  /** bridge. */
  bridge: BridgeData;
  /** vxlan. */
  vxlan: VxlanData;
  /** macvlan. */
  macvlan: MacvlanData;
  /** macvtap. */
  macvtap: MacvlanData;
  /** ipvlan. */
  ipvlan: IpvlanData;
  /** ipvtap. */
  ipvtap: IpvlanData;
  /** tun and tap. */
  tun: TunData;
}

/** IFLA_INFO_SLAVE_DATA by the master's kind, for {@link linkSlaveData}; extensible like {@link KindDataMap}. */
export interface SlaveDataMap {
  /** A bridge port. */
  bridge: BridgePortData;
}

/** A network device. */
export interface Link {
  /** Interface index (ifi_index). */
  index: number;
  /** Name (IFLA_IFNAME). */
  name: string;
  /** Address family of the message (AF_UNSPEC for ordinary link messages). */
  family: number;
  /** Hardware type (ifi_type, ARPHRD_*: 1 Ethernet, 772 loopback...). */
  type: number;
  /** Device flags (ifi_flags, IFF_*). */
  flags: number;
  /** IFF_UP: administratively up. */
  up: boolean;
  /** IFF_RUNNING: operationally up (RFC 2863 up). */
  running: boolean;
  /** IFF_LOWER_UP: the driver signals carrier. */
  lowerUp: boolean;
  /** Operational state (IFLA_OPERSTATE). */
  operstate?: OperState;
  /** MTU. */
  mtu?: number;
  /** Link-layer address (IFLA_ADDRESS). */
  address?: string;
  /** Link-layer broadcast address. */
  broadcast?: string;
  /** Permanent hardware address, for devices that have one. */
  permAddress?: string;
  /** Index of the master (bridge, bond, vrf...) this link is a port of. */
  master?: number;
  /** Index of the lower or peer device (IFLA_LINK); in the namespace of linkNetnsid when that is set. */
  link?: number;
  /** The namespace (nsid, as seen from here) of the device `link` refers to. */
  linkNetnsid?: number;
  /** Transmit queue length. */
  txqlen?: number;
  /** Device group. */
  group?: number;
  /** Alias (IFLA_IFALIAS). */
  alias?: string;
  /** Alternative names (IFLA_PROP_LIST). */
  altnames: string[];
  /** Link kind (veth, bridge, vxlan...), for devices created through rtnetlink. */
  kind?: string;
  /** Kind data (IFLA_INFO_DATA) decoded with the kind's attribute set; raw bytes for unknown kinds. */
  data?: Record<string, unknown> | Uint8Array;
  /** Kind of the master, for ports (bridge, bond...). */
  slaveKind?: string;
  /** Port data (IFLA_INFO_SLAVE_DATA) decoded with the master kind's set. */
  slaveData?: Record<string, unknown> | Uint8Array;
  /** 64-bit counters. */
  stats64?: LinkStats64;
  /** Every decoded attribute. */
  attrs: LinkAttrs;
}

const OPER_NAMES = new Map<number, OperState>(
  Object.entries(IF_OPER).map(([k, v]) => [v, k.slice('IF_OPER_'.length) as OperState]),
);

/** Builds a Link from a decoded RTM_NEWLINK (from a dump, a get, an echo or an event). */
export function toLink(m: Message<IfInfoMsg, LinkAttrs>): Link {
  const h = m.header;
  const a = m.attrs;
  const flags = h.flags ?? 0;
  const info = a.linkinfo;
  const link: Link = {
    index: h.index ?? 0,
    name: a.ifname ?? '',
    family: h.family ?? 0,
    type: h.type ?? 0,
    flags,
    up: (flags & IFF.IFF_UP) !== 0,
    running: (flags & IFF.IFF_RUNNING) !== 0,
    lowerUp: (flags & IFF.IFF_LOWER_UP) !== 0,
    altnames: a.propList?.altIfname ?? [],
    attrs: a,
  };
  if (a.operstate !== undefined) link.operstate = OPER_NAMES.get(a.operstate) ?? 'UNKNOWN';
  if (a.mtu !== undefined) link.mtu = a.mtu;
  if (a.address !== undefined) link.address = a.address;
  if (a.broadcast !== undefined) link.broadcast = a.broadcast;
  if (a.permAddress !== undefined) link.permAddress = a.permAddress;
  if (a.master !== undefined) link.master = a.master;
  if (a.link !== undefined) link.link = a.link;
  if (a.linkNetnsid !== undefined) link.linkNetnsid = a.linkNetnsid;
  if (a.txqlen !== undefined) link.txqlen = a.txqlen;
  if (a.group !== undefined) link.group = a.group;
  if (a.ifalias !== undefined) link.alias = a.ifalias;
  if (info?.kind !== undefined) link.kind = info.kind;
  if (info?.data !== undefined) link.data = info.data;
  if (info?.slaveKind !== undefined) link.slaveKind = info.slaveKind;
  if (info?.slaveData !== undefined) link.slaveData = info.slaveData;
  if (a.stats64 !== undefined) link.stats64 = a.stats64;
  return link;
}

/** The link's kind data, typed, when it is of kind `kind` (undefined otherwise). */
export function linkData<K extends keyof KindDataMap>(link: Link, kind: K): KindDataMap[K] | undefined {
  if (link.kind !== kind || link.data === undefined || link.data instanceof Uint8Array) return undefined;
  return link.data as KindDataMap[K];
}

/** The link's port data, typed, when its master is of kind `kind` (undefined otherwise). */
export function linkSlaveData<K extends keyof SlaveDataMap>(
  link: Link,
  kind: K,
): SlaveDataMap[K] | undefined {
  if (link.slaveKind !== kind || link.slaveData === undefined || link.slaveData instanceof Uint8Array)
    return undefined;
  return link.slaveData as SlaveDataMap[K];
}
