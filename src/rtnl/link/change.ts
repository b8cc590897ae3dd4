/**
 * Options of {@link Links.change} and how they become an RTM_NEWLINK request on an existing link.
 */
import { IFF } from '../../constants/if.js';
import { ValidationError } from '../../netlink/errors.js';
import type { NetnsRef } from '../../netns/ref.js';
import { validateIfname, validateU32 } from '../validate.js';
import type { LinkAttrs } from './attrs.js';
import { applySettings, type LinkSettings, type PlannedRequest } from './create.js';
import type { IfInfoMsg } from './messages.js';
import { type LinkRef, Plan } from './plan.js';

/** Where to move a link: a namespace, or a namespace by its nsid as seen from the connection's. */
export type NetnsTarget = NetnsRef | { readonly nsid: number };

/** Options of {@link Links.change}. */
export interface ChangeLinkOptions extends LinkSettings {
  /** Rename it. */
  name?: string;
  /** Make it a port of this master; null removes it from its master (`nomaster`). */
  master?: LinkRef | null;
  /** Move it to another namespace. */
  netns?: NetnsTarget;
  /** Promiscuous mode (IFF_PROMISC). */
  promisc?: boolean;
  /** Receive all multicast (IFF_ALLMULTI). */
  allmulti?: boolean;
  /** ARP (clears IFF_NOARP when true). */
  arp?: boolean;
  /** Carrier, for devices that let it be set (IFLA_CARRIER). */
  carrier?: boolean;
  /** Hold the link down (IFLA_PROTO_DOWN). */
  protoDown?: boolean;
  /** Kind data (IFLA_INFO_DATA), in the kind's attribute set: the changes the kind allows. */
  data?: Record<string, unknown>;
  /** Port data (IFLA_INFO_SLAVE_DATA), in the master kind's set (bridge port cost, state...). */
  slaveData?: Record<string, unknown>;
  /** Return the request's bytes instead of sending it. */
  dryRun?: boolean;
}

const KEYS = [
  'name',
  'master',
  'netns',
  'promisc',
  'allmulti',
  'arp',
  'carrier',
  'protoDown',
  'data',
  'slaveData',
  'dryRun',
  'mtu',
  'address',
  'broadcast',
  'txqlen',
  'group',
  'alias',
  'up',
  'attrs',
];

function flagBit(header: IfInfoMsg, field: string, v: unknown, bit: number, setWhen: boolean): void {
  if (typeof v !== 'boolean') throw new ValidationError(field, v, 'expected a boolean');
  header.change = (header.change ?? 0) | bit;
  if (v === setWhen) header.flags = (header.flags ?? 0) | bit;
  else header.flags = (header.flags ?? 0) & ~bit;
}

/**
 * Plans the RTM_NEWLINK of {@link Links.change}. `kind` and `slaveKind` are the link's, needed to
 * encode data and slaveData.
 */
export function planChange(
  opts: ChangeLinkOptions,
  kinds: { kind?: string; slaveKind?: string } = {},
): PlannedRequest {
  if (typeof opts !== 'object' || opts === null)
    throw new ValidationError('options', opts, 'expected an object');
  for (const k of Object.keys(opts))
    if (!KEYS.includes(k) && (opts as Record<string, unknown>)[k] !== undefined)
      throw new ValidationError(k, (opts as Record<string, unknown>)[k], 'unknown option');
  const plan = new Plan();
  const header: IfInfoMsg = {};
  const attrs: LinkAttrs = {};
  if (opts.name !== undefined) attrs.ifname = validateIfname(opts.name, 'name');
  applySettings('', opts, attrs, header, { clearAlias: true });
  if (opts.promisc !== undefined) flagBit(header, 'promisc', opts.promisc, IFF.IFF_PROMISC, true);
  if (opts.allmulti !== undefined) flagBit(header, 'allmulti', opts.allmulti, IFF.IFF_ALLMULTI, true);
  if (opts.arp !== undefined) flagBit(header, 'arp', opts.arp, IFF.IFF_NOARP, false);
  if (opts.carrier !== undefined) {
    if (typeof opts.carrier !== 'boolean')
      throw new ValidationError('carrier', opts.carrier, 'expected a boolean');
    attrs.carrier = opts.carrier ? 1 : 0;
  }
  if (opts.protoDown !== undefined) {
    if (typeof opts.protoDown !== 'boolean')
      throw new ValidationError('protoDown', opts.protoDown, 'expected a boolean');
    attrs.protoDown = opts.protoDown ? 1 : 0;
  }
  if (opts.master === null) attrs.master = 0;
  else if (opts.master !== undefined)
    plan.link(opts.master, 'master', (i) => {
      attrs.master = i;
    });
  if (opts.netns !== undefined) {
    const t = opts.netns;
    if (typeof t === 'object' && t !== null && 'nsid' in t)
      attrs.targetNetnsid = validateU32('netns.nsid', t.nsid) <= 0x7fffffff ? t.nsid : invalidNsid(t.nsid);
    else
      plan.netns(t, 'netns', (fd) => {
        attrs.netnsFd = fd;
      });
  }
  if (opts.data !== undefined || opts.slaveData !== undefined) {
    const info: NonNullable<LinkAttrs['linkinfo']> = {};
    if (opts.data !== undefined) {
      if (!kinds.kind) throw new ValidationError('data', opts.data, 'the link has no kind to change data of');
      info.kind = kinds.kind;
      info.data = opts.data;
    }
    if (opts.slaveData !== undefined) {
      if (!kinds.slaveKind)
        throw new ValidationError('slaveData', opts.slaveData, 'the link is not a port of a master');
      info.slaveKind = kinds.slaveKind;
      info.slaveData = opts.slaveData;
    }
    attrs.linkinfo = info;
  }
  if (opts.attrs !== undefined) Object.assign(attrs, opts.attrs);
  return { header, attrs, plan };
}

function invalidNsid(v: number): never {
  throw new ValidationError('netns.nsid', v, 'an nsid is from 0 to 2147483647');
}
