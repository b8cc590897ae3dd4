/**
 * The bridge forwarding database (`bridge fdb`): AF_BRIDGE neighbour messages. Entries live on a
 * bridge port (NTF_MASTER: the bridge's table) or on the device itself (NTF_SELF: its own unicast list,
 * or a VXLAN device's remote destinations).
 */
import { NTF, NUD } from '../../constants/neighbour.js';
import { NLM_F } from '../../constants/netlink.js';
import { AF } from '../../constants/socket.js';
import { parseMac } from '../../netlink/address.js';
import type { Connection } from '../../netlink/connection.js';
import { ValidationError } from '../../netlink/errors.js';
import type { Message } from '../../netlink/message.js';
import { Links } from '../link/api.js';
import type { LinkRef } from '../link/plan.js';
import { validateAddress, validateInt, validatePort, validateVni } from '../validate.js';
import type { NeighAttrs } from './attrs.js';
import { type NdMsg, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH } from './messages.js';
import { type NeighFlag, type NeighState, neighFlagNames, neighStateNames } from './names.js';
import { showDev } from './show-dev.js';

/**
 * How an FDB entry ages, as `bridge fdb` names it: 'permanent' (NUD_PERMANENT: a local address of
 * the bridge), 'static' (NUD_NOARP: never ages), 'stale' (NUD_STALE) or 'dynamic' (learned, ages).
 */
export type FdbState = 'permanent' | 'static' | 'stale' | 'dynamic';

/** An FDB entry, as the kernel reports it. */
export interface FdbEntry {
  /** The MAC address (NDA_LLADDR). */
  lladdr: string;
  /** The device the entry is on (ndm_ifindex): a bridge port, a bridge, or a VXLAN device. */
  ifindex: number;
  /** The bridge it belongs to (NDA_MASTER). */
  master?: number;
  /** VLAN id (NDA_VLAN). */
  vlan?: number;
  /** VXLAN remote (NDA_DST). */
  dst?: string;
  /** VXLAN network id of the remote (NDA_VNI). */
  vni?: number;
  /** VXLAN UDP port of the remote (NDA_PORT), when it differs from the device's. */
  port?: number;
  /** VXLAN source VNI in collect-metadata mode (NDA_SRC_VNI). */
  srcVni?: number;
  /** Interface the VXLAN remote is reached through (NDA_IFINDEX). */
  via?: number;
  /** Nexthop group id for the remote (NDA_NH_ID). */
  nhId?: number;
  /** The state, as `bridge fdb` shows it. */
  state: FdbState;
  /** The raw NUD_* states. */
  nud: NeighState[];
  /** The NTF_* flags (self, master, ext_learned, offloaded, sticky, router...). */
  flags: NeighFlag[];
  /** Every attribute the kernel sent. */
  attrs: NeighAttrs;
}

/** Which entries {@link Fdb.list} returns. */
export interface FdbFilter {
  /** Only entries on this device (NDA_IFINDEX, filtered by the kernel). */
  dev?: LinkRef;
  /** Only entries of this bridge and its ports (NDA_MASTER, filtered by the kernel). */
  master?: LinkRef;
  /** Only entries of this VLAN (filtered here). */
  vlan?: number;
}

/** Names an FDB entry, for {@link Fdb.delete}. */
export interface FdbKey {
  /** The MAC address. */
  lladdr: string;
  /** The device: a bridge port, a bridge, or a VXLAN device. */
  dev: LinkRef;
  /** The bridge's table (NTF_MASTER). With neither master nor self, self is assumed, as `bridge` does. */
  master?: boolean;
  /** The device's own table (NTF_SELF). */
  self?: boolean;
  /** VLAN id (NDA_VLAN, 1..4094). */
  vlan?: number;
  /** VXLAN remote IP (NDA_DST). */
  dst?: string;
  /** VXLAN network id of the remote (NDA_VNI). */
  vni?: number;
  /** VXLAN UDP port of the remote (NDA_PORT). */
  port?: number;
  /** VXLAN source VNI (NDA_SRC_VNI). */
  srcVni?: number;
  /** Interface to reach the VXLAN remote through (NDA_IFINDEX). */
  via?: LinkRef;
  /** Nexthop group id for the remote (NDA_NH_ID). */
  nhId?: number;
}

/** An FDB entry to add, replace or append (`bridge fdb add|replace|append`). */
export interface FdbSpec extends FdbKey {
  /** 'permanent' (default, as `bridge` does), 'static' or 'dynamic'. */
  state?: 'permanent' | 'static' | 'dynamic';
  /** Learned by an external control plane (NTF_EXT_LEARNED). */
  externLearn?: boolean;
  /** Never moves to another port (NTF_STICKY). */
  sticky?: boolean;
  /** The remote is a router (NTF_ROUTER, VXLAN). */
  router?: boolean;
}

// ndm_state as `bridge fdb` sends it.
const STATES = {
  permanent: NUD.NUD_NOARP | NUD.NUD_PERMANENT,
  static: NUD.NUD_NOARP | NUD.NUD_REACHABLE,
  dynamic: NUD.NUD_REACHABLE,
} as const;

function fdbState(nud: number): FdbState {
  if (nud & NUD.NUD_PERMANENT) return 'permanent';
  if (nud & NUD.NUD_NOARP) return 'static';
  if (nud & NUD.NUD_STALE) return 'stale';
  return 'dynamic';
}

/** The API view of an AF_BRIDGE RTM_NEWNEIGH message. */
export function toFdbEntry(m: Message<NdMsg, NeighAttrs>): FdbEntry {
  const h = m.header;
  const a = m.attrs;
  const e: FdbEntry = {
    lladdr: a.lladdr ?? '',
    ifindex: h.ifindex ?? 0,
    state: fdbState(h.state ?? 0),
    nud: neighStateNames(h.state ?? 0),
    flags: neighFlagNames(h.flags ?? 0),
    attrs: a,
  };
  if (a.master !== undefined) e.master = a.master;
  if (a.vlan !== undefined) e.vlan = a.vlan;
  if (a.dst !== undefined) e.dst = a.dst;
  if (a.vni !== undefined) e.vni = a.vni;
  if (a.port !== undefined) e.port = a.port;
  if (a.srcVni !== undefined) e.srcVni = a.srcVni;
  if (a.ifindex !== undefined) e.via = a.ifindex;
  if (a.nhId !== undefined) e.nhId = a.nhId;
  return e;
}

function describe(k: FdbKey): string {
  if (typeof k !== 'object' || k === null) throw new ValidationError('fdb entry', k, 'expected an object');
  const parts = [k.lladdr, 'dev', showDev(k.dev)];
  if (k.vlan !== undefined) parts.push('vlan', String(k.vlan));
  if (k.dst !== undefined) parts.push('dst', k.dst);
  return parts.join(' ');
}

/** The forwarding databases of bridges, bridge ports and VXLAN devices in the connection's namespace. */
export class Fdb {
  /** The rtnetlink connection requests go through. */
  readonly conn: Connection;

  private readonly links: Links;

  /** Uses `conn`, an rtnetlink connection (`Connection.open(rtnetlink, { netns })`). */
  constructor(conn: Connection) {
    this.conn = conn;
    this.links = new Links(conn);
  }

  /** Lists FDB entries, like `bridge fdb show [br BRIDGE] [dev DEV] [vlan VID]`. */
  async list(filter: FdbFilter = {}): Promise<FdbEntry[]> {
    if (filter.vlan !== undefined) validateInt('vlan', filter.vlan, 1, 4094);
    const attrs: NeighAttrs = {};
    if (filter.dev !== undefined) attrs.ifindex = await this.links.index(filter.dev, 'fdb show', 'dev');
    if (filter.master !== undefined)
      attrs.master = await this.links.index(filter.master, 'fdb show', 'master');
    const msgs = await this.conn.dump(RTM_GETNEIGH, { family: AF.AF_BRIDGE }, attrs, {
      context: 'fdb show',
    });
    const out = msgs.map((m) => toFdbEntry(m as Message<NdMsg, NeighAttrs>));
    return filter.vlan === undefined ? out : out.filter((e) => e.vlan === filter.vlan);
  }

  /** Adds an entry (`bridge fdb add`); EEXIST when it exists. */
  add(entry: FdbSpec): Promise<void> {
    return this.write(entry, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL, 'fdb add');
  }

  /** Adds or replaces an entry (`bridge fdb replace`). */
  replace(entry: FdbSpec): Promise<void> {
    return this.write(entry, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_REPLACE, 'fdb replace');
  }

  /**
   * Adds one more remote to a VXLAN entry (`bridge fdb append`, NLM_F_APPEND); with the all-zeros MAC
   * these are the default destinations that flood traffic is copied to.
   */
  append(entry: FdbSpec): Promise<void> {
    return this.write(entry, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_APPEND, 'fdb append');
  }

  /**
   * Deletes an entry (`bridge fdb del`). On a VXLAN device with `dst`, only the remote that matches
   * dst, port, vni and via exactly; the kernel acks a delete that matched no remote.
   */
  async delete(key: FdbKey): Promise<void> {
    const context = `fdb del ${describe(key)}`;
    const { header, attrs } = await this.encode(key, context);
    await this.conn.request(RTM_DELNEIGH, header, attrs, { context });
  }

  private async encode(k: FdbKey, context: string): Promise<{ header: NdMsg; attrs: NeighAttrs }> {
    parseMac(k.lladdr, 'lladdr');
    if (k.vlan !== undefined) validateInt('vlan', k.vlan, 1, 4094);
    if (k.dst !== undefined) validateAddress(k.dst, 'dst');
    if (k.vni !== undefined) validateVni(k.vni, 'vni');
    if (k.srcVni !== undefined) validateVni(k.srcVni, 'srcVni');
    if (k.port !== undefined) validatePort(k.port, 'port');
    if (k.nhId !== undefined) validateInt('nhId', k.nhId, 1, 0xffffffff);
    let flags = (k.master ? NTF.NTF_MASTER : 0) | (k.self ? NTF.NTF_SELF : 0);
    if (flags === 0) flags = NTF.NTF_SELF;
    const ifindex = await this.links.index(k.dev, context, 'dev');
    const attrs: NeighAttrs = { lladdr: k.lladdr };
    if (k.dst !== undefined) attrs.dst = k.dst;
    if (k.vlan !== undefined) attrs.vlan = k.vlan;
    if (k.port !== undefined) attrs.port = k.port;
    if (k.vni !== undefined) attrs.vni = k.vni;
    if (k.srcVni !== undefined) attrs.srcVni = k.srcVni;
    if (k.via !== undefined) attrs.ifindex = await this.links.index(k.via, context, 'via');
    if (k.nhId !== undefined) attrs.nhId = k.nhId;
    return { header: { family: AF.AF_BRIDGE, ifindex, flags }, attrs };
  }

  private async write(entry: FdbSpec, nlFlags: number, what: string): Promise<void> {
    const context = `${what} ${describe(entry)}`;
    const stateName = entry.state ?? 'permanent';
    const state = (STATES as Record<string, number>)[stateName];
    if (state === undefined)
      throw new ValidationError('state', stateName, "expected 'permanent', 'static' or 'dynamic'");
    const { header, attrs } = await this.encode(entry, context);
    header.state = state;
    header.flags =
      (header.flags ?? 0) |
      (entry.externLearn ? NTF.NTF_EXT_LEARNED : 0) |
      (entry.sticky ? NTF.NTF_STICKY : 0) |
      (entry.router ? NTF.NTF_ROUTER : 0);
    await this.conn.request(RTM_NEWNEIGH, header, attrs, { flags: nlFlags, context });
  }
}
