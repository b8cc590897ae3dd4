/**
 * Addresses: list, add, replace, delete and flush IPv4/IPv6 addresses, the way `ip address` does.
 */
import { IFAPROT } from '../../constants/if_addr.js';
import { NLM_F } from '../../constants/netlink.js';
import { RT_SCOPE } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import { formatIPv4, parseIP, parseIPv4 } from '../../netlink/address.js';
import type { BatchResult, Connection } from '../../netlink/connection.js';
import { ValidationError } from '../../netlink/errors.js';
import { convertEntries, type Message } from '../../netlink/message.js';
import { NetlinkError } from '../../netlink/netlink-error.js';
import {
  type Family,
  familyNumber,
  type Scope,
  scopeName,
  scopeNumber,
  suffixNames,
} from '../route/names.js';
import { checkEach, parsePrefix, validateAddress, validateU32 } from '../validate.js';
import type { AddrAttrs } from './attrs.js';
import { type DevRef, resolveDev } from './dev.js';
import { type AddrFlag, addrFlagBits, addrFlagNames, type SettableAddrFlag } from './flags.js';
import type { IfAddrMsg } from './ifaddrmsg.js';
import { rtmDelAddr, rtmGetAddr, rtmNewAddr } from './messages.js';

/** A lifetime in seconds, or `forever`. */
export type Lifetime = number | 'forever';

/** IFA_PROTO names (IFAPROT_*): unspec, kernel_lo, kernel_ra, kernel_ll. */
export const ADDR_PROTOCOLS = suffixNames(IFAPROT, 'IFAPROT_');
/** An address protocol: its name or a number 0..255. */
export type AddrProto = keyof typeof ADDR_PROTOCOLS | number;

/** INFINITY_LIFE_TIME: the kernel's `forever`. */
const FOREVER = 0xffffffff;

/** Options of {@link Addresses.add} and {@link Addresses.replace}. */
export interface AddressOptions {
  /** The peer of a point-to-point address ('10.0.0.2' or '10.0.0.2/24'); sent as IFA_ADDRESS. */
  peer?: string;
  /** IPv4 broadcast address; `+` sets the host bits of the prefix, `-` clears them (as `ip`). */
  broadcast?: string;
  /** IPv4 label (at most 15 bytes), e.g. 'eth0:1'. */
  label?: string;
  /** Scope; by default `host` for 127.0.0.0/8, `global` otherwise (IPv6 scopes are the kernel's). */
  scope?: Scope;
  /** Flags to set. */
  flags?: SettableAddrFlag[];
  /** Valid lifetime (seconds or 'forever'). */
  validLft?: Lifetime;
  /** Preferred lifetime (seconds or 'forever'); at most validLft. Defaults to validLft. */
  preferredLft?: Lifetime;
  /** Metric of the prefix route (IFA_RT_PRIORITY). */
  metric?: number;
  /** Who added it (IFA_PROTO). */
  proto?: AddrProto;
}

/** An address as the kernel reports it. */
export interface Address {
  /** AF_INET or AF_INET6. */
  family: number;
  /** Prefix length. */
  prefixlen: number;
  /** Interface index. */
  index: number;
  /** Scope. */
  scope: Scope;
  /** Flags by name (IFA_FLAGS when present, else ifa_flags); a frozen array shared by equal values. */
  flags: readonly (AddrFlag | `0x${string}`)[];
  /** The flag bits. */
  rawFlags: number;
  /** The interface's own address (IFA_LOCAL, or IFA_ADDRESS when there is no IFA_LOCAL). */
  local?: string;
  /** IFA_ADDRESS: equal to local, or the peer on a point-to-point address. */
  address?: string;
  /** The peer, when IFA_ADDRESS differs from IFA_LOCAL. */
  peer?: string;
  /** IPv4 label. */
  label?: string;
  /** IPv4 broadcast address. */
  broadcast?: string;
  /** IFA_ANYCAST. */
  anycast?: string;
  /** IFA_MULTICAST. */
  multicast?: string;
  /** Valid lifetime left. */
  validLft?: Lifetime;
  /** Preferred lifetime left. */
  preferredLft?: Lifetime;
  /** IFA_CACHEINFO as sent. */
  cacheinfo?: { preferred?: number; valid?: number; cstamp?: number; tstamp?: number };
  /** Prefix route metric (IFA_RT_PRIORITY). */
  metric?: number;
  /** IFA_PROTO. */
  proto?: number;
}

/** A request's ifaddrmsg and attributes. */
export interface AddrRequest {
  /** The ifaddrmsg. */
  header: IfAddrMsg;
  /** The IFA_* attributes. */
  attrs: AddrAttrs;
}

const lifetime = (v: Lifetime, field: string): number => (v === 'forever' ? FOREVER : validateU32(field, v));

const showLifetime = (v: number | undefined): Lifetime | undefined =>
  v === undefined ? undefined : v === FOREVER ? 'forever' : v;

function v4(bytes: Uint8Array): number {
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

function fromV4(n: number): string {
  return formatIPv4(new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]));
}

/**
 * Builds the RTM_NEWADDR of `ip address add PREFIX dev INDEX ...`: IFA_LOCAL is the address and
 * IFA_ADDRESS the peer (or the address again). Throws ValidationError before anything is sent.
 */
export function buildAddress(index: number, prefix: string, opts: AddressOptions = {}): AddrRequest {
  const local = parsePrefix(prefix, 'address');
  const family = local.family;
  let prefixlen = local.prefixlen;
  const attrs: AddrAttrs = { local: local.address };
  if (opts.label !== undefined) {
    if (family !== AF.AF_INET)
      throw new ValidationError('label', opts.label, 'labels are for IPv4 addresses');
    if (typeof opts.label !== 'string' || opts.label === '' || Buffer.byteLength(opts.label) > 15)
      throw new ValidationError('label', opts.label, 'a label is 1 to 15 bytes');
    attrs.label = opts.label;
  }
  let base = local;
  if (opts.peer !== undefined) {
    const peer = parsePrefix(opts.peer, 'peer');
    if (peer.family !== family)
      throw new ValidationError('peer', opts.peer, 'not the address family of the address');
    if (opts.peer.includes('/') || !prefix.includes('/')) prefixlen = peer.prefixlen;
    attrs.address = peer.address;
    base = peer;
  } else {
    attrs.address = local.address;
  }
  if (opts.broadcast !== undefined) {
    const b = opts.broadcast;
    if (family !== AF.AF_INET) throw new ValidationError('broadcast', b, 'broadcast addresses are IPv4 only');
    if (b === '+' || b === '-') {
      // Like ip: only for prefixes of 30 bits or fewer.
      if (prefixlen <= 30) {
        const mask = prefixlen === 0 ? 0 : (0xffffffff << (32 - prefixlen)) >>> 0;
        const n = v4(parseIPv4(base.address));
        attrs.broadcast = fromV4(b === '+' ? (n | ~mask) >>> 0 : (n & mask) >>> 0);
      }
    } else {
      const fa = validateAddress(b, 'broadcast');
      if (fa.family !== AF.AF_INET) throw new ValidationError('broadcast', b, 'not an IPv4 address');
      attrs.broadcast = b;
    }
  }
  let scope: number;
  if (opts.scope !== undefined) scope = scopeNumber(opts.scope);
  else scope = family === AF.AF_INET && local.address.startsWith('127.') ? RT_SCOPE.RT_SCOPE_HOST : 0;
  const flags = opts.flags === undefined ? 0 : addrFlagBits(opts.flags);
  if (flags > 0xff) attrs.flags = flags;
  if (opts.validLft !== undefined || opts.preferredLft !== undefined) {
    const valid = lifetime(opts.validLft ?? 'forever', 'validLft');
    const preferred = lifetime(opts.preferredLft ?? opts.validLft ?? 'forever', 'preferredLft');
    if (valid === 0) throw new ValidationError('validLft', opts.validLft, 'must not be 0');
    if (preferred > valid)
      throw new ValidationError('preferredLft', opts.preferredLft, 'must not be greater than validLft');
    attrs.cacheinfo = { preferred, valid, cstamp: 0, tstamp: 0 };
  }
  if (opts.metric !== undefined) attrs.rtPriority = validateU32('metric', opts.metric);
  if (opts.proto !== undefined) {
    const p = opts.proto;
    if (typeof p === 'string') {
      if (!Object.hasOwn(ADDR_PROTOCOLS, p))
        throw new ValidationError('proto', p, 'unknown address protocol');
      attrs.proto = ADDR_PROTOCOLS[p];
    } else if (!Number.isInteger(p) || p < 0 || p > 255) {
      throw new ValidationError('proto', p, 'expected a name or an integer from 0 to 255');
    } else attrs.proto = p;
  }
  return {
    header: { family, prefixlen, flags: flags > 0xff ? 0 : flags, scope, index },
    attrs,
  };
}

/** Turns an RTM_NEWADDR into an {@link Address}. */
export function addressFromMessage(m: Message<IfAddrMsg, AddrAttrs>): Address {
  const h = m.header;
  const a = m.attrs;
  const family = h.family ?? 0;
  const raw = a.flags ?? h.flags ?? 0;
  const local = a.local ?? a.address;
  // Usually the same text twice (IFA_LOCAL and IFA_ADDRESS): keep one string.
  const address = a.address === local ? local : (a.address ?? a.local);
  const out: Address = {
    family,
    prefixlen: h.prefixlen ?? 0,
    index: h.index ?? 0,
    scope: scopeName(h.scope ?? 0),
    flags: addrFlagNames(raw, family),
    rawFlags: raw,
  };
  if (local !== undefined) out.local = local;
  if (address !== undefined) out.address = address;
  if (a.local !== undefined && a.address !== undefined && a.local !== a.address) out.peer = a.address;
  if (a.label !== undefined) out.label = a.label;
  if (a.broadcast !== undefined) out.broadcast = a.broadcast;
  if (a.anycast !== undefined) out.anycast = a.anycast;
  if (a.multicast !== undefined) out.multicast = a.multicast;
  if (a.cacheinfo) {
    out.cacheinfo = a.cacheinfo;
    out.validLft = showLifetime(a.cacheinfo.valid);
    out.preferredLft = showLifetime(a.cacheinfo.preferred);
  }
  if (a.rtPriority !== undefined) out.metric = a.rtPriority;
  if (a.proto !== undefined) out.proto = a.proto;
  return out;
}

const readAddress = convertEntries(rtmNewAddr, addressFromMessage);

/** Filter of {@link Addresses.list}. */
export interface AddressFilter {
  /** Only this family (default: IPv4 and IPv6). */
  family?: Family;
  /** Only this interface (filtered by the kernel: ifa_index in the dump request). */
  dev?: DevRef;
}

/** IPv4 and IPv6 addresses, on one rtnetlink connection (and so in its namespace). */
export class Addresses {
  /** The connection requests go through. */
  readonly conn: Connection;

  /** Uses `conn`, an rtnetlink connection (`Connection.open(rtnetlink, { netns })`). */
  constructor(conn: Connection) {
    this.conn = conn;
  }

  /** Lists addresses, IPv4 before IPv6, in the kernel's order. */
  async list(filter: AddressFilter = {}): Promise<Address[]> {
    const families = filter.family === undefined ? [AF.AF_INET, AF.AF_INET6] : [familyNumber(filter.family)];
    const index = filter.dev === undefined ? 0 : await resolveDev(this.conn, filter.dev, 'address list');
    const out: Address[] = [];
    for (const family of families) {
      const addrs = await this.conn.dumpMap(rtmGetAddr, { family, index }, {}, readAddress, {
        context: 'address list',
        retries: 3,
      });
      if (families.length === 1) return addrs;
      for (const a of addrs) out.push(a);
    }
    return out;
  }

  /** Adds an address (`ip address add PREFIX dev DEV ...`); EEXIST if it is there already. */
  async add(dev: DevRef, prefix: string, opts: AddressOptions = {}): Promise<void> {
    await this.modify('add', dev, prefix, opts, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL);
  }

  /**
   * Adds many addresses to one interface in one pipelined batch (`ip -batch` of `address add`
   * lines, without an ack each). Every prefix is checked, and the interface looked up, before
   * anything is sent: a bad one throws ValidationError naming it (`prefixes[3].address`) and nothing
   * changes. Resolves with one result per prefix, in order: undefined when added, the kernel's
   * NetlinkError when refused (EEXIST...; the others are added all the same).
   */
  async addMany(dev: DevRef, prefixes: readonly string[], opts: AddressOptions = {}): Promise<BatchResult[]> {
    checkEach(prefixes, 'prefixes', (p) => buildAddress(1, p, opts));
    const context = `address add dev ${devText(dev)}`;
    const index = await resolveDev(this.conn, dev, context);
    const flags = NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL;
    return this.conn.batchOf(prefixes.length, (i) => {
      const req = buildAddress(index, prefixes[i], opts);
      return {
        spec: rtmNewAddr,
        header: req.header,
        attrs: req.attrs,
        flags,
        context: `address add ${prefixes[i]} dev ${devText(dev)}`,
      };
    });
  }

  /** Adds an address or changes the one there (`ip address replace`). */
  async replace(dev: DevRef, prefix: string, opts: AddressOptions = {}): Promise<void> {
    await this.modify('replace', dev, prefix, opts, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_REPLACE);
  }

  private async modify(
    verb: string,
    dev: DevRef,
    prefix: string,
    opts: AddressOptions,
    flags: number,
  ): Promise<void> {
    const context = `address ${verb} ${prefix}`;
    buildAddress(1, prefix, opts); // validate before resolving anything
    const index = await resolveDev(this.conn, dev, context);
    const req = buildAddress(index, prefix, opts);
    await this.conn.request(rtmNewAddr, req.header, req.attrs, {
      flags,
      context: `${context} dev ${devText(dev)}`,
    });
  }

  /**
   * Deletes an address. Without a prefix length, the address is found on the interface and its own
   * length used; a missing address rejects with NetlinkError EADDRNOTAVAIL.
   */
  async delete(dev: DevRef, prefix: string, opts: { peer?: string } = {}): Promise<void> {
    const context = `address delete ${prefix} dev ${devText(dev)}`;
    const p = parsePrefix(prefix, 'address');
    if (opts.peer !== undefined) parsePrefix(opts.peer, 'peer');
    const index = await resolveDev(this.conn, dev, context);
    let peer = opts.peer;
    let text = prefix;
    if (!prefix.includes('/') && opts.peer === undefined) {
      const mine = (await this.list({ dev: { index } })).find(
        (a) => a.local !== undefined && same(a.local, p.address),
      );
      if (mine) {
        text = `${p.address}/${mine.prefixlen}`;
        peer = mine.peer === undefined ? undefined : `${mine.peer}/${mine.prefixlen}`;
      }
    }
    const req = buildAddress(index, text, { peer });
    await this.conn.request(rtmDelAddr, req.header, req.attrs, { context });
  }

  /** Deletes every address of an interface (of one family, if given); resolves with how many went. */
  async flush(dev: DevRef, family?: Family): Promise<number> {
    const context = `address flush dev ${devText(dev)}`;
    const index = await resolveDev(this.conn, dev, context);
    const all = await this.list({ dev: { index }, family });
    // Secondaries first: deleting an IPv4 primary takes its secondaries with it.
    const items = all.reverse().map((a) => ({
      spec: rtmDelAddr,
      header: { family: a.family, prefixlen: a.prefixlen, flags: 0, scope: 0, index },
      attrs: { local: a.local, address: a.address } as AddrAttrs,
      context: `${context}: ${a.local}/${a.prefixlen}`,
    }));
    const results = await this.conn.batch(items);
    let n = 0;
    for (const r of results) {
      if (r === undefined) n++;
      else if (!(r instanceof NetlinkError && r.code === 'EADDRNOTAVAIL')) throw r;
    }
    return n;
  }
}

/** Whether two address texts name the same address (fe80::1 and fe80:0::1 do). */
function same(a: string, b: string): boolean {
  return a === b || Buffer.compare(Buffer.from(parseIP(a)), Buffer.from(parseIP(b))) === 0;
}

function devText(dev: DevRef): string {
  return typeof dev === 'object' && dev !== null ? String(dev.index) : String(dev);
}
