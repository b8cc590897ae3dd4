/**
 * ARP and NDP neighbours (`ip neigh`): list, get, add, replace and delete entries of the IPv4 and
 * IPv6 neighbour tables, including proxy entries (NTF_PROXY).
 */
import { NTF, NTF_EXT } from '../../constants/neighbour.js';
import { NLM_F } from '../../constants/netlink.js';
import { AF } from '../../constants/socket.js';
import { parseMac } from '../../netlink/address.js';
import type { ValueOf } from '../../netlink/codec.js';
import type { Connection } from '../../netlink/connection.js';
import { ValidationError } from '../../netlink/errors.js';
import type { Message } from '../../netlink/message.js';
import { NetlinkError } from '../../netlink/netlink-error.js';
import { Links } from '../link/api.js';
import type { LinkRef } from '../link/plan.js';
import { validateAddress, validateInt } from '../validate.js';
import type { NeighAttrs } from './attrs.js';
import { type NdMsg, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH } from './messages.js';
import {
  type NeighFlag,
  type NeighState,
  neighFlagNames,
  neighStateMask,
  neighStateNames,
  neighStateValue,
} from './names.js';
import type { ndaCacheinfo } from './ndmsg.js';
import { showDev } from './show-dev.js';

/** The address families with a neighbour table. */
export type NeighFamily = 'inet' | 'inet6';

/** NDA_CACHEINFO: when the entry was last confirmed, used and updated (clock ticks ago), and its refcount. */
export type NeighCacheinfo = ValueOf<typeof ndaCacheinfo>;

/** A neighbour table entry, as the kernel reports it. */
export interface Neighbour {
  /** 'inet' (ARP) or 'inet6' (NDP); the number for any other family. */
  family: NeighFamily | number;
  /** The interface (ndm_ifindex); 0 for a proxy entry without a device. */
  ifindex: number;
  /** The neighbour's IP address (NDA_DST). */
  dst?: string;
  /** Its link-layer address (NDA_LLADDR), when resolved. */
  lladdr?: string;
  /** The NUD_* states set (usually one); empty for NUD_NONE. */
  state: NeighState[];
  /** The NTF_* flags set. */
  flags: NeighFlag[];
  /** A proxy entry (NTF_PROXY). */
  proxy: boolean;
  /** The neighbour is a router (NTF_ROUTER, IPv6). */
  router: boolean;
  /** Learned by an external control plane (NTF_EXT_LEARNED). */
  externLearned: boolean;
  /** Kept resolved by the kernel (NTF_EXT_MANAGED in NDA_FLAGS_EXT). */
  managed: boolean;
  /** Who installed it (NDA_PROTOCOL, RTPROT_* numbers), when set. */
  protocol?: number;
  /** Probes sent (NDA_PROBES). */
  probes?: number;
  /** Ages and reference count (NDA_CACHEINFO). */
  cacheinfo?: NeighCacheinfo;
  /** Every attribute the kernel sent. */
  attrs: NeighAttrs;
}

/** Which entries {@link Neighbours.list} returns. */
export interface NeighbourFilter {
  /** Only this family (default: both). */
  family?: NeighFamily;
  /** Only entries on this interface (NDA_IFINDEX, filtered by the kernel). */
  dev?: LinkRef;
  /** Only entries on ports of this master (NDA_MASTER, filtered by the kernel). */
  master?: LinkRef;
  /** true: the proxy entries instead of the neighbours (NTF_PROXY in the request). */
  proxy?: boolean;
  /** Only entries in one of these states (filtered here: the kernel has no state filter for dumps). */
  state?: NeighState | 'none' | readonly (NeighState | 'none')[];
}

/** Names a neighbour entry: for {@link Neighbours.get} and {@link Neighbours.delete}. */
export interface NeighbourKey {
  /** The IPv4 or IPv6 address. */
  dst: string;
  /** The interface; optional for proxy entries only. */
  dev?: LinkRef;
  /** A proxy entry (NTF_PROXY). */
  proxy?: boolean;
}

/** A neighbour entry to add or replace (`ip neigh add|replace`). */
export interface NeighbourSpec extends NeighbourKey {
  /** Link-layer address (e.g. 02:00:00:00:00:01); needed by most states, not by proxy entries. */
  lladdr?: string;
  /** NUD state. Default 'permanent', as `ip neigh` does. */
  state?: NeighState | 'none';
  /** Mark the neighbour a router (NTF_ROUTER, IPv6). */
  router?: boolean;
  /** Learned by an external control plane (NTF_EXT_LEARNED). */
  externLearned?: boolean;
  /** Have the kernel keep it resolved (NTF_EXT_MANAGED). */
  managed?: boolean;
  /** Originator (NDA_PROTOCOL, an RTPROT_* number, 0..255). */
  protocol?: number;
}

const FAMILIES: Record<NeighFamily, number> = { inet: AF.AF_INET, inet6: AF.AF_INET6 };

function familyName(n: number): NeighFamily | number {
  return n === AF.AF_INET ? 'inet' : n === AF.AF_INET6 ? 'inet6' : n;
}

/** The API view of an RTM_NEWNEIGH message. */
export function toNeighbour(m: Message<NdMsg, NeighAttrs>): Neighbour {
  const h = m.header;
  const a = m.attrs;
  const flags = h.flags ?? 0;
  const n: Neighbour = {
    family: familyName(h.family ?? 0),
    ifindex: h.ifindex ?? 0,
    state: neighStateNames(h.state ?? 0),
    flags: neighFlagNames(flags),
    proxy: (flags & NTF.NTF_PROXY) !== 0,
    router: (flags & NTF.NTF_ROUTER) !== 0,
    externLearned: (flags & NTF.NTF_EXT_LEARNED) !== 0,
    managed: ((a.flagsExt ?? 0) & NTF_EXT.NTF_EXT_MANAGED) !== 0,
    attrs: a,
  };
  if (a.dst !== undefined) n.dst = a.dst;
  if (a.lladdr !== undefined) n.lladdr = a.lladdr;
  if (a.protocol !== undefined) n.protocol = a.protocol;
  if (a.probes !== undefined) n.probes = a.probes;
  if (a.cacheinfo !== undefined) n.cacheinfo = a.cacheinfo;
  return n;
}

function describeKey(k: NeighbourKey): string {
  if (typeof k !== 'object' || k === null) throw new ValidationError('neighbour', k, 'expected an object');
  const dev = k.dev === undefined ? '' : ` dev ${showDev(k.dev)}`;
  return `${k.proxy ? 'proxy ' : ''}${k.dst}${dev}`;
}

/** The IPv4 and IPv6 neighbour tables of the connection's namespace. */
export class Neighbours {
  /** The rtnetlink connection requests go through. */
  readonly conn: Connection;

  private readonly links: Links;

  /** Uses `conn`, an rtnetlink connection (`Connection.open(rtnetlink, { netns })`). */
  constructor(conn: Connection) {
    this.conn = conn;
    this.links = new Links(conn);
  }

  /** Lists neighbours (or, with `proxy: true`, proxy entries), like `ip neigh show [proxy]`. */
  async list(filter: NeighbourFilter = {}): Promise<Neighbour[]> {
    const family = filter.family === undefined ? AF.AF_UNSPEC : FAMILIES[filter.family];
    if (family === undefined)
      throw new ValidationError('family', filter.family, "expected 'inet' or 'inet6'");
    const states = filter.state === undefined ? undefined : neighStateMask(filter.state);
    const attrs: NeighAttrs = {};
    const context = filter.proxy ? 'neigh show proxy' : 'neigh show';
    if (filter.dev !== undefined) attrs.ifindex = await this.links.index(filter.dev, context, 'dev');
    if (filter.master !== undefined) attrs.master = await this.links.index(filter.master, context, 'master');
    const msgs = await this.conn.dump(
      RTM_GETNEIGH,
      { family, flags: filter.proxy ? NTF.NTF_PROXY : 0 },
      attrs,
      { context },
    );
    const out = msgs.map((m) => toNeighbour(m as Message<NdMsg, NeighAttrs>));
    if (states === undefined) return out;
    return out.filter((n) => {
      const s = neighStateMask(n.state);
      return states === 0 ? s === 0 : (s & states) !== 0;
    });
  }

  /** Gets one entry (RTM_GETNEIGH); undefined when there is none. */
  async get(key: NeighbourKey): Promise<Neighbour | undefined> {
    const context = `neigh get ${describeKey(key)}`;
    const { header, attrs } = await this.keyOf(key, context);
    try {
      const [m] = await this.conn.request(RTM_GETNEIGH, header, attrs, { context });
      return m ? toNeighbour(m as Message<NdMsg, NeighAttrs>) : undefined;
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Adds an entry (`ip neigh add`); fails with EEXIST when it exists. */
  add(entry: NeighbourSpec): Promise<void> {
    return this.write(entry, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL, 'neigh add');
  }

  /** Adds or replaces an entry (`ip neigh replace`). */
  replace(entry: NeighbourSpec): Promise<void> {
    return this.write(entry, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_REPLACE, 'neigh replace');
  }

  /** Deletes an entry (`ip neigh del`). */
  async delete(key: NeighbourKey): Promise<void> {
    const context = `neigh del ${describeKey(key)}`;
    const { header, attrs } = await this.keyOf(key, context);
    await this.conn.request(RTM_DELNEIGH, header, attrs, { context });
  }

  private async keyOf(key: NeighbourKey, context: string): Promise<{ header: NdMsg; attrs: NeighAttrs }> {
    const { family } = validateAddress(key.dst, 'dst');
    if (key.dev === undefined && !key.proxy)
      throw new ValidationError('dev', key.dev, 'an interface is needed (only proxy entries may go without)');
    const ifindex = key.dev === undefined ? 0 : await this.links.index(key.dev, context, 'dev');
    return {
      header: { family, ifindex, flags: key.proxy ? NTF.NTF_PROXY : 0 },
      attrs: { dst: key.dst },
    };
  }

  private async write(entry: NeighbourSpec, flags: number, what: string): Promise<void> {
    const context = `${what} ${describeKey(entry)}`;
    if (entry.lladdr !== undefined) parseMac(entry.lladdr, 'lladdr');
    const state = neighStateValue(entry.state ?? 'permanent');
    if (entry.protocol !== undefined) validateInt('protocol', entry.protocol, 0, 255);
    const { header, attrs } = await this.keyOf(entry, context);
    header.state = state;
    header.flags =
      (header.flags ?? 0) |
      (entry.router ? NTF.NTF_ROUTER : 0) |
      (entry.externLearned ? NTF.NTF_EXT_LEARNED : 0);
    if (entry.lladdr !== undefined) attrs.lladdr = entry.lladdr;
    if (entry.protocol !== undefined) attrs.protocol = entry.protocol;
    if (entry.managed) attrs.flagsExt = NTF_EXT.NTF_EXT_MANAGED;
    await this.conn.request(RTM_NEWNEIGH, header, attrs, { flags, context });
  }
}
