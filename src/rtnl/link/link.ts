/**
 * The Link type: one network device as RTM_NEWLINK describes it, with the common fields lifted out
 * of the attributes and everything decoded still in `attrs`.
 */
import { IF_OPER, IFF } from '../../constants/if.js';
import type { ValueOf } from '../../netlink/codec.js';
import type { EntryReader } from '../../netlink/entry.js';
import { contextOf, decodeHead, expectEntry, type Message } from '../../netlink/message.js';
import { type LinkAttrs, linkAttrs } from './attrs.js';
import type { BridgeData, BridgePortData } from './kinds/bridge.js';
import type { IpvlanData } from './kinds/ipvlan.js';
import type { MacvlanData } from './kinds/macvlan.js';
import type { TunData } from './kinds/tun.js';
import type { VethData } from './kinds/veth.js';
import type { VxlanData } from './kinds/vxlan.js';
import { type IfInfoMsg, RTM_NEWLINK } from './messages.js';
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

/**
 * A network device. `attrs`, `data`, `slaveData` and `stats64` are decoded on first access (from a
 * copy of the kernel's bytes): listing thousands of links decodes only the fields above them. They
 * are getters, so a spread (`{ ...link }`) or `structuredClone` leaves them out; `JSON.stringify`
 * includes them.
 */
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
  readonly data?: Record<string, unknown> | Uint8Array;
  /** Kind of the master, for ports (bridge, bond...). */
  slaveKind?: string;
  /** Port data (IFLA_INFO_SLAVE_DATA) decoded with the master kind's set. */
  readonly slaveData?: Record<string, unknown> | Uint8Array;
  /** 64-bit counters. */
  readonly stats64?: LinkStats64;
  /** Every decoded attribute. */
  readonly attrs: LinkAttrs;
}

const OPER_NAMES = new Map<number, OperState>(
  Object.entries(IF_OPER).map(([k, v]) => [v, k.slice('IF_OPER_'.length) as OperState]),
);

/** The attributes a Link lifts into its own fields: all that a dump decodes up front. */
const LIFTED = {
  ifname: true,
  operstate: true,
  mtu: true,
  address: true,
  broadcast: true,
  permAddress: true,
  master: true,
  link: true,
  linkNetnsid: true,
  txqlen: true,
  group: true,
  ifalias: true,
  propList: true,
  linkinfo: { kind: true, slaveKind: true },
} as const;

const EMPTY_NAMES: string[] = [];

/** A Link whose attributes are decoded on first access, from `src[off, off + len)`. */
class LinkRecord implements Link {
  index: number;
  name: string;
  family: number;
  type: number;
  flags: number;
  up: boolean;
  running: boolean;
  lowerUp: boolean;
  declare operstate?: OperState;
  declare mtu?: number;
  declare address?: string;
  declare broadcast?: string;
  declare permAddress?: string;
  declare master?: number;
  declare link?: number;
  declare linkNetnsid?: number;
  declare txqlen?: number;
  declare group?: number;
  declare alias?: string;
  altnames: string[];
  declare kind?: string;
  declare slaveKind?: string;
  #attrs: LinkAttrs | undefined;
  #src: Buffer | undefined;
  #off: number;
  #len: number;

  constructor(
    h: IfInfoMsg,
    a: Partial<LinkAttrs>,
    full: LinkAttrs | undefined,
    src?: Buffer,
    off = 0,
    len = 0,
  ) {
    const flags = h.flags ?? 0;
    this.index = h.index ?? 0;
    this.name = a.ifname ?? '';
    this.family = h.family ?? 0;
    this.type = h.type ?? 0;
    this.flags = flags;
    this.up = (flags & IFF.IFF_UP) !== 0;
    this.running = (flags & IFF.IFF_RUNNING) !== 0;
    this.lowerUp = (flags & IFF.IFF_LOWER_UP) !== 0;
    this.altnames = a.propList?.altIfname ?? EMPTY_NAMES;
    this.#attrs = full;
    this.#src = src;
    this.#off = off;
    this.#len = len;
    if (a.operstate !== undefined) this.operstate = OPER_NAMES.get(a.operstate) ?? 'UNKNOWN';
    if (a.mtu !== undefined) this.mtu = a.mtu;
    if (a.address !== undefined) this.address = a.address;
    if (a.broadcast !== undefined) this.broadcast = a.broadcast;
    if (a.permAddress !== undefined) this.permAddress = a.permAddress;
    if (a.master !== undefined) this.master = a.master;
    if (a.link !== undefined) this.link = a.link;
    if (a.linkNetnsid !== undefined) this.linkNetnsid = a.linkNetnsid;
    if (a.txqlen !== undefined) this.txqlen = a.txqlen;
    if (a.group !== undefined) this.group = a.group;
    if (a.ifalias !== undefined) this.alias = a.ifalias;
    const info = a.linkinfo;
    if (info?.kind !== undefined) this.kind = info.kind;
    if (info?.slaveKind !== undefined) this.slaveKind = info.slaveKind;
  }

  get attrs(): LinkAttrs {
    if (this.#attrs === undefined) {
      const src = this.#src as Buffer;
      this.#attrs = this.#len ? linkAttrs.decode(src, this.#off, this.#len, { family: this.family }) : {};
      this.#src = undefined;
    }
    return this.#attrs;
  }

  get data(): Record<string, unknown> | Uint8Array | undefined {
    return this.attrs.linkinfo?.data;
  }

  get slaveData(): Record<string, unknown> | Uint8Array | undefined {
    return this.attrs.linkinfo?.slaveData;
  }

  get stats64(): LinkStats64 | undefined {
    return this.attrs.stats64;
  }

  /** Every field, the decoded ones included (for JSON.stringify). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { ...(this as object) };
    for (const k of ['data', 'slaveData', 'stats64'] as const) if (this[k] !== undefined) out[k] = this[k];
    out.attrs = this.attrs;
    return out;
  }
}

/** Builds a Link from a decoded RTM_NEWLINK (from a get, an echo or an event). */
export function toLink(m: Message<IfInfoMsg, LinkAttrs>): Link {
  return new LinkRecord(m.header, m.attrs, m.attrs);
}

const pickLifted = linkAttrs.picker(LIFTED);

/**
 * Reads an RTM_NEWLINK of a dump (see Connection.dumpMap): decodes the header and the lifted
 * attributes now, and the rest from a copy of the datagram when first asked for.
 */
export const readLink: EntryReader<Link> = (e) => {
  expectEntry(RTM_NEWLINK, e);
  const { header: h, attrsAt, attrsLen } = decodeHead(RTM_NEWLINK, e.buf, e.off, e.nl);
  if (!attrsLen) return new LinkRecord(h, {}, {});
  const a = pickLifted(e.buf, attrsAt, attrsLen, contextOf(RTM_NEWLINK, h)) as Partial<LinkAttrs>;
  return new LinkRecord(h, a, undefined, e.stable(), attrsAt, attrsLen);
};

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
