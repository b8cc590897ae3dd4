/**
 * Options of {@link Links.create}, per kind, and how they become an RTM_NEWLINK request. Everything
 * is checked while the request is planned, before the kernel is asked anything.
 */
import { IFF } from '../../constants/if.js';
import {
  IFLA_VXLAN_DF,
  IPVLAN_F,
  IPVLAN_MODE,
  MACVLAN_FLAG,
  MACVLAN_MACADDR,
  MACVLAN_MODE,
} from '../../constants/if_link.js';
import { parseMac } from '../../netlink/address.js';
import { ValidationError } from '../../netlink/errors.js';
import type { NetnsRef } from '../../netns/ref.js';
import {
  validateAddress,
  validateIfname,
  validateInt,
  validatePort,
  validateU32,
  validateVni,
} from '../validate.js';
import type { LinkAttrs } from './attrs.js';
import type { BridgeData } from './kinds/bridge.js';
import type { IpvlanData } from './kinds/ipvlan.js';
import type { MacvlanData } from './kinds/macvlan.js';
import type { VxlanData } from './kinds/vxlan.js';
import type { IfInfoMsg } from './messages.js';
import { type LinkRef, Plan } from './plan.js';
import { linkKind } from './registry.js';

/** Settings every link takes when created (and, most of them, when changed). */
export interface LinkSettings {
  /** MTU. */
  mtu?: number;
  /** Link-layer address, e.g. '02:00:00:00:00:01'. */
  address?: string;
  /** Link-layer broadcast address. */
  broadcast?: string;
  /** Transmit queue length. */
  txqlen?: number;
  /** Device group (0..2^32-1; 0 is the default group). */
  group?: number;
  /** Alias (IFLA_IFALIAS), at most 255 bytes. */
  alias?: string;
  /** Bring it up (IFF_UP). */
  up?: boolean;
  /** Extra IFLA_* attributes, merged over the ones the options produce. */
  attrs?: LinkAttrs;
}

/** Options shared by every kind in {@link Links.create}. */
export interface CreateCommon extends LinkSettings {
  /** The new link's name (1-15 bytes). */
  name: string;
  /** Make it a port of this master (bridge...). */
  master?: LinkRef;
  /** Create it in this namespace instead (IFLA_NET_NS_FD; the descriptor is closed afterwards). */
  netns?: NetnsRef;
  /** Number of transmit queues. */
  numTxQueues?: number;
  /** Number of receive queues. */
  numRxQueues?: number;
  /** Return the request's bytes instead of sending it. */
  dryRun?: boolean;
}

/** The far end of a veth pair. */
export interface VethPeerOptions extends LinkSettings {
  /** Its name; the kernel picks vethN when absent. */
  name?: string;
  /** Put it in this namespace. */
  netns?: NetnsRef;
  /** Number of transmit queues. */
  numTxQueues?: number;
  /** Number of receive queues. */
  numRxQueues?: number;
}

/** A veth pair. */
export interface VethCreateOptions extends CreateCommon {
  /** veth. */
  kind: 'veth';
  /** The peer. */
  peer?: VethPeerOptions;
}

/** A bridge, with IFLA_BR_* settings (times in hundredths of a second, as the kernel takes them). */
export interface BridgeCreateOptions extends CreateCommon {
  /** bridge. */
  kind: 'bridge';
  /** IFLA_BR_* attributes. */
  bridge?: BridgeData;
}

/** VXLAN settings, the way `ip link add type vxlan` takes them. */
export interface VxlanOptions {
  /** VNI, 0..16777215. */
  id: number;
  /** Unicast remote VTEP (IPv4 or IPv6). */
  remote?: string;
  /** Multicast group (IPv4 or IPv6). */
  group?: string;
  /** Local address (same family as remote/group). */
  local?: string;
  /** Underlying device for multicast and for the route. */
  dev?: LinkRef;
  /** Destination UDP port (IANA 4789; the kernel's default is 8472). */
  dstport?: number;
  /** Source UDP port range [low, high]. */
  srcPortRange?: readonly [number, number];
  /** TTL (0 means the route's default). */
  ttl?: number;
  /** Copy the TTL from the inner packet. */
  ttlInherit?: boolean;
  /** TOS (1 means inherit). */
  tos?: number;
  /** Don't Fragment: unset, set or inherit. */
  df?: 'unset' | 'set' | 'inherit';
  /** IPv6 flow label (20 bits). */
  label?: number;
  /** Learn remote MACs (default on). */
  learning?: boolean;
  /** ARP/ND proxy. */
  proxy?: boolean;
  /** Route short-circuit. */
  rsc?: boolean;
  /** Report L2 misses. */
  l2miss?: boolean;
  /** Report L3 misses. */
  l3miss?: boolean;
  /** FDB entry lifetime in seconds. */
  ageing?: number;
  /** Maximum FDB entries (0: no limit). */
  maxAddresses?: number;
  /** UDP checksums over IPv4. */
  udpCsum?: boolean;
  /** Send zero UDP checksums over IPv6. */
  udp6ZeroCsumTx?: boolean;
  /** Accept zero UDP checksums over IPv6. */
  udp6ZeroCsumRx?: boolean;
  /** Remote checksum offload, transmit. */
  remcsumTx?: boolean;
  /** Remote checksum offload, receive. */
  remcsumRx?: boolean;
  /** Group Based Policy extension. */
  gbp?: boolean;
  /** Generic Protocol Extension. */
  gpe?: boolean;
  /** Metadata mode (collect_metadata, `external`). */
  external?: boolean;
  /** VNI filtering (with external). */
  vnifilter?: boolean;
  /** Bypass the tunnel for local destinations. */
  localbypass?: boolean;
}

/** A VXLAN device. */
export interface VxlanCreateOptions extends CreateCommon {
  /** vxlan. */
  kind: 'vxlan';
  /** Its settings. */
  vxlan: VxlanOptions;
  /** Raw IFLA_VXLAN_* attributes, merged over the ones `vxlan` produces. */
  data?: VxlanData;
}

/** macvlan modes. */
export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';

/** macvlan/macvtap settings. */
export interface MacvlanOptions {
  /** Mode (the kernel's default is vepa). */
  mode?: MacvlanMode;
  /** passthru: do not put the lower device in promiscuous mode. */
  nopromisc?: boolean;
  /** source mode: do not also deliver to the destination-matched device. */
  nodst?: boolean;
  /** Source MACs allowed in source mode. */
  macaddrs?: readonly string[];
  /** Broadcast/multicast queue length. */
  bcQueueLen?: number;
  /** Broadcast cutoff (number of macvlans above which broadcast is not queued; -1 disables). */
  bcCutoff?: number;
}

/** A macvlan or macvtap on top of `link`. */
export interface MacvlanCreateOptions extends CreateCommon {
  /** macvlan or macvtap. */
  kind: 'macvlan' | 'macvtap';
  /** The lower device. */
  link: LinkRef;
  /** Its settings. */
  macvlan?: MacvlanOptions;
  /** Raw IFLA_MACVLAN_* attributes, merged over the ones `macvlan` produces. */
  data?: MacvlanData;
}

/** ipvlan modes. */
export type IpvlanMode = 'l2' | 'l3' | 'l3s';

/** ipvlan/ipvtap settings. */
export interface IpvlanOptions {
  /** Mode (the kernel's default is l3). */
  mode?: IpvlanMode;
  /** Port isolation: private. */
  private?: boolean;
  /** Send everything to the lower device's switch: vepa. */
  vepa?: boolean;
}

/** An ipvlan or ipvtap on top of `link`. */
export interface IpvlanCreateOptions extends CreateCommon {
  /** ipvlan or ipvtap. */
  kind: 'ipvlan' | 'ipvtap';
  /** The lower device. */
  link: LinkRef;
  /** Its settings. */
  ipvlan?: IpvlanOptions;
  /** Raw IFLA_IPVLAN_* attributes, merged over the ones `ipvlan` produces. */
  data?: IpvlanData;
}

/**
 * Any other kind (ifb, or kinds registered by other modules): `data` is its IFLA_INFO_DATA, as the
 * kind's attribute set (API keys) when the kind is registered, else raw bytes.
 */
export interface GenericCreateOptions extends CreateCommon {
  /** The kind. */
  kind: string;
  /** The lower device (IFLA_LINK), for kinds that have one. */
  link?: LinkRef;
  /** IFLA_INFO_DATA. */
  data?: Record<string, unknown> | Uint8Array;
  /** Only for kind veth. */
  peer?: never;
  /** Only for kind bridge. */
  bridge?: never;
  /** Only for kind vxlan. */
  vxlan?: never;
  /** Only for kinds macvlan and macvtap. */
  macvlan?: never;
  /** Only for kinds ipvlan and ipvtap. */
  ipvlan?: never;
}

/** Options of {@link Links.create}: one shape per kind, and a generic one for the rest. */
export type CreateLinkOptions =
  | VethCreateOptions
  | BridgeCreateOptions
  | VxlanCreateOptions
  | MacvlanCreateOptions
  | IpvlanCreateOptions
  | GenericCreateOptions;

/** A planned request: header, attributes, and what remains to resolve and open. */
export interface PlannedRequest {
  /** ifinfomsg. */
  header: IfInfoMsg;
  /** IFLA_* attributes (completed by the plan). */
  attrs: LinkAttrs;
  /** Pending names and namespaces. */
  plan: Plan;
}

const bool = (field: string, v: unknown): number => {
  if (typeof v !== 'boolean') throw new ValidationError(field, v, 'expected a boolean');
  return v ? 1 : 0;
};

function checkObject(field: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ValidationError(field, v, 'expected an object');
  return v as Record<string, unknown>;
}

function checkKeys(field: string, v: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(v))
    if (!allowed.includes(k) && v[k] !== undefined)
      throw new ValidationError(`${field}.${k}`, v[k], `unknown option (known: ${allowed.join(', ')})`);
}

/** Applies LinkSettings to attributes (and the up flag to the header); checks each value. */
export function applySettings(
  field: string,
  s: LinkSettings,
  attrs: LinkAttrs,
  header: IfInfoMsg,
  opts: { clearAlias?: boolean } = {},
): void {
  const f = (k: string) => (field ? `${field}.${k}` : k);
  if (s.mtu !== undefined) attrs.mtu = validateU32(f('mtu'), s.mtu);
  if (s.address !== undefined) {
    parseMac(s.address, f('address'));
    attrs.address = s.address;
  }
  if (s.broadcast !== undefined) {
    parseMac(s.broadcast, f('broadcast'));
    attrs.broadcast = s.broadcast;
  }
  if (s.txqlen !== undefined) attrs.txqlen = validateU32(f('txqlen'), s.txqlen);
  if (s.group !== undefined) attrs.group = validateU32(f('group'), s.group);
  if (s.alias !== undefined) {
    if (typeof s.alias !== 'string' || Buffer.byteLength(s.alias) > 255 || s.alias.includes('\0'))
      throw new ValidationError(f('alias'), s.alias, 'an alias is a string of at most 255 bytes');
    if (s.alias === '' && !opts.clearAlias)
      throw new ValidationError(f('alias'), s.alias, 'must not be empty');
    attrs.ifalias = s.alias;
  }
  if (s.up !== undefined) {
    bool(f('up'), s.up);
    header.flags = s.up ? IFF.IFF_UP : 0;
    header.change = IFF.IFF_UP;
  }
  if (s.attrs !== undefined) Object.assign(attrs, checkObject(f('attrs'), s.attrs));
}

const isMulticast = (a: { family: number; address: string }): boolean =>
  a.family === 2
    ? Number(a.address.split('.')[0]) >= 224 && Number(a.address.split('.')[0]) <= 239
    : /^ff/i.test(a.address);

const VXLAN_KEYS = [
  'id',
  'remote',
  'group',
  'local',
  'dev',
  'dstport',
  'srcPortRange',
  'ttl',
  'ttlInherit',
  'tos',
  'df',
  'label',
  'learning',
  'proxy',
  'rsc',
  'l2miss',
  'l3miss',
  'ageing',
  'maxAddresses',
  'udpCsum',
  'udp6ZeroCsumTx',
  'udp6ZeroCsumRx',
  'remcsumTx',
  'remcsumRx',
  'gbp',
  'gpe',
  'external',
  'vnifilter',
  'localbypass',
] as const;

/** IFLA_VXLAN_* from VxlanOptions. */
export function vxlanData(o: VxlanOptions, plan: Plan, field = 'vxlan'): VxlanData {
  const v = checkObject(field, o) as unknown as VxlanOptions;
  checkKeys(field, v as unknown as Record<string, unknown>, VXLAN_KEYS);
  const f = (k: string) => `${field}.${k}`;
  const d: VxlanData = { id: validateVni(v.id, f('id')) };
  if (v.remote !== undefined && v.group !== undefined)
    throw new ValidationError(f('group'), v.group, 'remote and group are exclusive');
  let family: number | undefined;
  for (const key of ['remote', 'group'] as const) {
    if (v[key] === undefined) continue;
    const a = validateAddress(v[key], f(key));
    if (key === 'remote' && isMulticast(a))
      throw new ValidationError(f(key), v[key], 'is multicast: use group');
    if (key === 'group' && !isMulticast(a))
      throw new ValidationError(f(key), v[key], 'is not multicast: use remote');
    family = a.family;
    if (a.family === 2) d.group = a.address;
    else d.group6 = a.address;
  }
  if (v.local !== undefined) {
    const a = validateAddress(v.local, f('local'));
    if (family !== undefined && a.family !== family)
      throw new ValidationError(f('local'), v.local, 'local and remote/group must be of the same family');
    if (a.family === 2) d.local = a.address;
    else d.local6 = a.address;
  }
  if (v.dev !== undefined)
    plan.link(v.dev, f('dev'), (i) => {
      d.link = i;
    });
  if (v.dstport !== undefined) d.port = validatePort(v.dstport, f('dstport'));
  if (v.srcPortRange !== undefined) {
    const r = v.srcPortRange;
    if (!Array.isArray(r) || r.length !== 2)
      throw new ValidationError(f('srcPortRange'), r, 'expected [low, high]');
    const low = validatePort(r[0], f('srcPortRange'));
    const high = validatePort(r[1], f('srcPortRange'));
    if (high < low) throw new ValidationError(f('srcPortRange'), r, 'high is below low');
    d.portRange = { low, high };
  }
  if (v.ttl !== undefined) d.ttl = validateInt(f('ttl'), v.ttl, 0, 255);
  if (v.ttlInherit !== undefined && bool(f('ttlInherit'), v.ttlInherit)) d.ttlInherit = true;
  if (v.tos !== undefined) d.tos = validateInt(f('tos'), v.tos, 0, 255);
  if (v.df !== undefined) {
    const df = {
      unset: IFLA_VXLAN_DF.VXLAN_DF_UNSET,
      set: IFLA_VXLAN_DF.VXLAN_DF_SET,
      inherit: IFLA_VXLAN_DF.VXLAN_DF_INHERIT,
    }[v.df];
    if (df === undefined) throw new ValidationError(f('df'), v.df, 'expected unset, set or inherit');
    d.df = df;
  }
  if (v.label !== undefined) {
    d.label = validateInt(f('label'), v.label, 0, 0xfffff);
    if (d.group6 === undefined && d.local6 === undefined)
      throw new ValidationError(f('label'), v.label, 'a flow label needs an IPv6 remote, group or local');
  }
  if (v.learning !== undefined) d.learning = bool(f('learning'), v.learning);
  if (v.proxy !== undefined) d.proxy = bool(f('proxy'), v.proxy);
  if (v.rsc !== undefined) d.rsc = bool(f('rsc'), v.rsc);
  if (v.l2miss !== undefined) d.l2miss = bool(f('l2miss'), v.l2miss);
  if (v.l3miss !== undefined) d.l3miss = bool(f('l3miss'), v.l3miss);
  if (v.ageing !== undefined) d.ageing = validateU32(f('ageing'), v.ageing);
  if (v.maxAddresses !== undefined) d.limit = validateU32(f('maxAddresses'), v.maxAddresses);
  if (v.udpCsum !== undefined) d.udpCsum = bool(f('udpCsum'), v.udpCsum);
  if (v.udp6ZeroCsumTx !== undefined) d.udpZeroCsum6Tx = bool(f('udp6ZeroCsumTx'), v.udp6ZeroCsumTx);
  if (v.udp6ZeroCsumRx !== undefined) d.udpZeroCsum6Rx = bool(f('udp6ZeroCsumRx'), v.udp6ZeroCsumRx);
  if (v.remcsumTx !== undefined) d.remcsumTx = bool(f('remcsumTx'), v.remcsumTx);
  if (v.remcsumRx !== undefined) d.remcsumRx = bool(f('remcsumRx'), v.remcsumRx);
  if (v.gbp !== undefined && bool(f('gbp'), v.gbp)) d.gbp = true;
  if (v.gpe !== undefined && bool(f('gpe'), v.gpe)) d.gpe = true;
  if (v.external !== undefined) d.collectMetadata = bool(f('external'), v.external);
  if (v.vnifilter !== undefined) d.vnifilter = bool(f('vnifilter'), v.vnifilter);
  if (v.localbypass !== undefined) d.localbypass = bool(f('localbypass'), v.localbypass);
  return d;
}

const MACVLAN_MODES: Record<MacvlanMode, number> = {
  private: MACVLAN_MODE.MACVLAN_MODE_PRIVATE,
  vepa: MACVLAN_MODE.MACVLAN_MODE_VEPA,
  bridge: MACVLAN_MODE.MACVLAN_MODE_BRIDGE,
  passthru: MACVLAN_MODE.MACVLAN_MODE_PASSTHRU,
  source: MACVLAN_MODE.MACVLAN_MODE_SOURCE,
};

/** IFLA_MACVLAN_* from MacvlanOptions. */
export function macvlanData(o: MacvlanOptions, field = 'macvlan'): MacvlanData {
  const v = checkObject(field, o) as MacvlanOptions;
  checkKeys(field, v as Record<string, unknown>, [
    'mode',
    'nopromisc',
    'nodst',
    'macaddrs',
    'bcQueueLen',
    'bcCutoff',
  ]);
  const f = (k: string) => `${field}.${k}`;
  const d: MacvlanData = {};
  if (v.mode !== undefined) {
    const m = MACVLAN_MODES[v.mode];
    if (m === undefined)
      throw new ValidationError(
        f('mode'),
        v.mode,
        `expected one of ${Object.keys(MACVLAN_MODES).join(', ')}`,
      );
    d.mode = m;
  }
  let flags = 0;
  if (v.nopromisc !== undefined && bool(f('nopromisc'), v.nopromisc))
    flags |= MACVLAN_FLAG.MACVLAN_FLAG_NOPROMISC;
  if (v.nodst !== undefined && bool(f('nodst'), v.nodst)) flags |= MACVLAN_FLAG.MACVLAN_FLAG_NODST;
  if (v.nopromisc !== undefined || v.nodst !== undefined) d.flags = flags;
  if (v.macaddrs !== undefined) {
    if (!Array.isArray(v.macaddrs)) throw new ValidationError(f('macaddrs'), v.macaddrs, 'expected an array');
    for (const m of v.macaddrs) parseMac(m, f('macaddrs'));
    d.macaddrMode = MACVLAN_MACADDR.MACVLAN_MACADDR_SET;
    d.macaddrData = { macaddr: [...v.macaddrs] };
  }
  if (v.bcQueueLen !== undefined) d.bcQueueLen = validateU32(f('bcQueueLen'), v.bcQueueLen);
  if (v.bcCutoff !== undefined) d.bcCutoff = validateInt(f('bcCutoff'), v.bcCutoff, -0x80000000, 0x7fffffff);
  return d;
}

const IPVLAN_MODES: Record<IpvlanMode, number> = {
  l2: IPVLAN_MODE.IPVLAN_MODE_L2,
  l3: IPVLAN_MODE.IPVLAN_MODE_L3,
  l3s: IPVLAN_MODE.IPVLAN_MODE_L3S,
};

/** IFLA_IPVLAN_* from IpvlanOptions. */
export function ipvlanData(o: IpvlanOptions, field = 'ipvlan'): IpvlanData {
  const v = checkObject(field, o) as IpvlanOptions;
  checkKeys(field, v as Record<string, unknown>, ['mode', 'private', 'vepa']);
  const f = (k: string) => `${field}.${k}`;
  const d: IpvlanData = {};
  if (v.mode !== undefined) {
    const m = IPVLAN_MODES[v.mode];
    if (m === undefined) throw new ValidationError(f('mode'), v.mode, 'expected l2, l3 or l3s');
    d.mode = m;
  }
  if (v.private !== undefined || v.vepa !== undefined) {
    const priv = v.private !== undefined && bool(f('private'), v.private);
    const vepa = v.vepa !== undefined && bool(f('vepa'), v.vepa);
    if (priv && vepa) throw new ValidationError(f('vepa'), v.vepa, 'private and vepa are exclusive');
    d.flags = (priv ? IPVLAN_F.IPVLAN_F_PRIVATE : 0) | (vepa ? IPVLAN_F.IPVLAN_F_VEPA : 0);
  }
  return d;
}

function peerAttrs(o: VethPeerOptions, plan: Plan): { header: IfInfoMsg; attrs: LinkAttrs } {
  const v = checkObject('peer', o) as VethPeerOptions;
  checkKeys('peer', v as Record<string, unknown>, [
    'name',
    'netns',
    'numTxQueues',
    'numRxQueues',
    'mtu',
    'address',
    'broadcast',
    'txqlen',
    'group',
    'alias',
    'up',
    'attrs',
  ]);
  const header: IfInfoMsg = {};
  const attrs: LinkAttrs = {};
  if (v.name !== undefined) attrs.ifname = validateIfname(v.name, 'peer.name');
  if (v.numTxQueues !== undefined)
    attrs.numTxQueues = validateInt('peer.numTxQueues', v.numTxQueues, 1, 4096);
  if (v.numRxQueues !== undefined)
    attrs.numRxQueues = validateInt('peer.numRxQueues', v.numRxQueues, 1, 4096);
  applySettings('peer', v, attrs, header);
  if (v.netns !== undefined)
    plan.netns(v.netns, 'peer.netns', (fd) => {
      attrs.netnsFd = fd;
    });
  return { header, attrs };
}

/** Plans the RTM_NEWLINK of {@link Links.create}: checks every option. */
export function planCreate(opts: CreateLinkOptions): PlannedRequest {
  const o = checkObject('options', opts) as CreateLinkOptions & Record<string, unknown>;
  const plan = new Plan();
  const header: IfInfoMsg = {};
  const attrs: LinkAttrs = { ifname: validateIfname(o.name, 'name') };
  if (typeof o.kind !== 'string' || o.kind === '' || o.kind.length > 63)
    throw new ValidationError('kind', o.kind, 'expected a link kind, like veth or bridge');
  const only: Record<string, readonly string[]> = {
    peer: ['veth'],
    bridge: ['bridge'],
    vxlan: ['vxlan'],
    macvlan: ['macvlan', 'macvtap'],
    ipvlan: ['ipvlan', 'ipvtap'],
  };
  for (const [k, kinds] of Object.entries(only))
    if (o[k] !== undefined && !kinds.includes(o.kind))
      throw new ValidationError(k, o[k], `is an option of kind ${kinds.join(' or ')}, not ${o.kind}`);
  if (o.numTxQueues !== undefined) attrs.numTxQueues = validateInt('numTxQueues', o.numTxQueues, 1, 4096);
  if (o.numRxQueues !== undefined) attrs.numRxQueues = validateInt('numRxQueues', o.numRxQueues, 1, 4096);
  if (o.master !== undefined)
    plan.link(o.master, 'master', (i) => {
      attrs.master = i;
    });
  if (o.link !== undefined)
    plan.link(o.link, 'link', (i) => {
      attrs.link = i;
    });
  else if (o.kind === 'macvlan' || o.kind === 'macvtap' || o.kind === 'ipvlan' || o.kind === 'ipvtap')
    throw new ValidationError('link', o.link, `a ${o.kind} needs a lower device`);
  let data: Record<string, unknown> | Uint8Array | undefined;
  switch (o.kind) {
    case 'veth': {
      const p = (o as VethCreateOptions).peer;
      if (p !== undefined) data = { peer: peerAttrs(p, plan) };
      break;
    }
    case 'bridge': {
      const b = (o as BridgeCreateOptions).bridge;
      if (b !== undefined) data = checkObject('bridge', b);
      break;
    }
    case 'vxlan':
      data = vxlanData((o as VxlanCreateOptions).vxlan, plan);
      break;
    case 'macvlan':
    case 'macvtap': {
      const m = (o as MacvlanCreateOptions).macvlan;
      if (m !== undefined) data = macvlanData(m);
      break;
    }
    case 'ipvlan':
    case 'ipvtap': {
      const m = (o as IpvlanCreateOptions).ipvlan;
      if (m !== undefined) data = ipvlanData(m);
      break;
    }
  }
  if (o.data !== undefined) {
    if (o.data instanceof Uint8Array) {
      if (data !== undefined)
        throw new ValidationError('data', o.data, `raw data cannot be merged with ${o.kind} options`);
      data = o.data;
    } else data = { ...(data as Record<string, unknown> | undefined), ...checkObject('data', o.data) };
  }
  if (data !== undefined && !(data instanceof Uint8Array) && !linkKind(o.kind)?.data)
    throw new ValidationError('data', data, `kind ${o.kind} has no registered attribute set: pass raw bytes`);
  attrs.linkinfo = data === undefined ? { kind: o.kind } : { kind: o.kind, data };
  applySettings('', o, attrs, header);
  if (o.netns !== undefined)
    plan.netns(o.netns, 'netns', (fd) => {
      attrs.netnsFd = fd;
    });
  return { header, attrs, plan };
}
