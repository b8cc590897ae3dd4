/**
 * GRE tunnels: `gre` (L3) and `gretap` (Ethernet) over IPv4, `ip6gre` and `ip6gretap` over IPv6, and the
 * ERSPAN mirrors `erspan` / `ip6erspan` built on them. IFLA_INFO_DATA is IFLA_GRE_*: IPv4 kinds use the
 * attributes of the kernel's ipgre policy, IPv6 kinds those of the ip6gre policy (IPv6 endpoints, encap
 * limit, flow info, IP6_TNL_F_* flags).
 */
import { GRE, IFLA_GRE, TUNNEL_ENCAP, TUNNEL_ENCAP_FLAG } from '../../../constants/if_tunnel.js';
import { ipv4, ipv6 } from '../../../netlink/address.js';
import { be16, be32, bits, flag, named, u8, u16, u32, type ValueOf } from '../../../netlink/codec.js';
import { ValidationError } from '../../../netlink/errors.js';
import { attrSet } from '../../../netlink/schema.js';
import { validateInt, validateU32 } from '../../validate.js';
import { registerKind } from '../registry.js';
import { buildIp6Tunnel, IP6_TNL_F, IP6_TUNNEL_KEYS, type Ip6TunnelOptions } from './ip6tnl.js';
import {
  buildTunnelEncap,
  checkBool,
  checkOptionKeys,
  type TunnelEncapOptions,
  tunnelAddress,
  tunnelKey,
  tunnelTos,
  tunnelTtl,
} from './iptun.js';

/** GRE header flags (IFLA_GRE_IFLAGS / OFLAGS, big-endian on the wire). */
const greFlags = bits(be16, GRE);

/** IFLA_GRE_*: IFLA_INFO_DATA of kinds gre, gretap and erspan (IPv4). */
export const greAttrs = attrSet('IFLA_GRE', IFLA_GRE, {
  link: ['IFLA_GRE_LINK', u32],
  iflags: ['IFLA_GRE_IFLAGS', greFlags],
  oflags: ['IFLA_GRE_OFLAGS', greFlags],
  ikey: ['IFLA_GRE_IKEY', be32],
  okey: ['IFLA_GRE_OKEY', be32],
  local: ['IFLA_GRE_LOCAL', ipv4],
  remote: ['IFLA_GRE_REMOTE', ipv4],
  ttl: ['IFLA_GRE_TTL', u8],
  tos: ['IFLA_GRE_TOS', u8],
  pmtudisc: ['IFLA_GRE_PMTUDISC', u8],
  encapType: ['IFLA_GRE_ENCAP_TYPE', named(u16, TUNNEL_ENCAP)],
  encapFlags: ['IFLA_GRE_ENCAP_FLAGS', bits(u16, TUNNEL_ENCAP_FLAG)],
  encapSport: ['IFLA_GRE_ENCAP_SPORT', be16],
  encapDport: ['IFLA_GRE_ENCAP_DPORT', be16],
  collectMetadata: ['IFLA_GRE_COLLECT_METADATA', flag],
  ignoreDf: ['IFLA_GRE_IGNORE_DF', u8],
  fwmark: ['IFLA_GRE_FWMARK', u32],
  erspanIndex: ['IFLA_GRE_ERSPAN_INDEX', u32],
  erspanVer: ['IFLA_GRE_ERSPAN_VER', u8],
  erspanDir: ['IFLA_GRE_ERSPAN_DIR', u8],
  erspanHwid: ['IFLA_GRE_ERSPAN_HWID', u16],
});

/** IFLA_GRE_*: IFLA_INFO_DATA of kinds ip6gre, ip6gretap and ip6erspan (IPv6). */
export const gre6Attrs = attrSet('IFLA_GRE', IFLA_GRE, {
  link: ['IFLA_GRE_LINK', u32],
  iflags: ['IFLA_GRE_IFLAGS', greFlags],
  oflags: ['IFLA_GRE_OFLAGS', greFlags],
  ikey: ['IFLA_GRE_IKEY', be32],
  okey: ['IFLA_GRE_OKEY', be32],
  local: ['IFLA_GRE_LOCAL', ipv6],
  remote: ['IFLA_GRE_REMOTE', ipv6],
  ttl: ['IFLA_GRE_TTL', u8],
  encapLimit: ['IFLA_GRE_ENCAP_LIMIT', u8],
  flowinfo: ['IFLA_GRE_FLOWINFO', be32],
  flags: ['IFLA_GRE_FLAGS', bits(u32, IP6_TNL_F)],
  encapType: ['IFLA_GRE_ENCAP_TYPE', named(u16, TUNNEL_ENCAP)],
  encapFlags: ['IFLA_GRE_ENCAP_FLAGS', bits(u16, TUNNEL_ENCAP_FLAG)],
  encapSport: ['IFLA_GRE_ENCAP_SPORT', be16],
  encapDport: ['IFLA_GRE_ENCAP_DPORT', be16],
  collectMetadata: ['IFLA_GRE_COLLECT_METADATA', flag],
  fwmark: ['IFLA_GRE_FWMARK', u32],
  erspanIndex: ['IFLA_GRE_ERSPAN_INDEX', u32],
  erspanVer: ['IFLA_GRE_ERSPAN_VER', u8],
  erspanDir: ['IFLA_GRE_ERSPAN_DIR', u8],
  erspanHwid: ['IFLA_GRE_ERSPAN_HWID', u16],
});

/** Decoded IFLA_INFO_DATA of a gre, gretap or erspan tunnel. */
export type GreData = ValueOf<typeof greAttrs>;
/** Decoded IFLA_INFO_DATA of an ip6gre, ip6gretap or ip6erspan tunnel. */
export type Gre6Data = ValueOf<typeof gre6Attrs>;

// Typed access through linkData() / linkSlaveData().
declare module '../link.js' {
  interface KindDataMap {
    /** gre. */
    gre: GreData;
    /** gretap. */
    gretap: GreData;
    /** erspan. */
    erspan: GreData;
    /** ip6gre. */
    ip6gre: Gre6Data;
    /** ip6gretap. */
    ip6gretap: Gre6Data;
    /** ip6erspan. */
    ip6erspan: Gre6Data;
  }
}

/** The gre kind. */
export const greKind = registerKind({ kind: 'gre', data: greAttrs, summary: 'GRE tunnel over IPv4 (L3)' });
/** The gretap kind. */
export const gretapKind = registerKind({
  kind: 'gretap',
  data: greAttrs,
  summary: 'GRE tunnel over IPv4 carrying Ethernet frames',
});
/** The erspan kind. */
export const erspanKind = registerKind({
  kind: 'erspan',
  data: greAttrs,
  summary: 'ERSPAN (encapsulated remote port mirroring) over IPv4',
});
/** The ip6gre kind. */
export const ip6greKind = registerKind({
  kind: 'ip6gre',
  data: gre6Attrs,
  summary: 'GRE tunnel over IPv6 (L3)',
});
/** The ip6gretap kind. */
export const ip6gretapKind = registerKind({
  kind: 'ip6gretap',
  data: gre6Attrs,
  summary: 'GRE tunnel over IPv6 carrying Ethernet frames',
});
/** The ip6erspan kind. */
export const ip6erspanKind = registerKind({
  kind: 'ip6erspan',
  data: gre6Attrs,
  summary: 'ERSPAN (encapsulated remote port mirroring) over IPv6',
});

/** GRE key, sequence number and checksum options, for both directions or each. */
export interface GreKeyOptions {
  /** Key of both directions: a u32 or a dotted quad. */
  key?: number | string;
  /** Key of received packets (overrides `key`). */
  ikey?: number | string;
  /** Key of sent packets (overrides `key`). */
  okey?: number | string;
  /** Sequence numbers both ways. */
  seq?: boolean;
  /** Require sequence numbers on received packets. */
  iseq?: boolean;
  /** Number sent packets. */
  oseq?: boolean;
  /** Checksums both ways. */
  csum?: boolean;
  /** Require checksums on received packets. */
  icsum?: boolean;
  /** Checksum sent packets. */
  ocsum?: boolean;
}

/** ERSPAN options (kinds erspan and ip6erspan). */
export interface ErspanOptions {
  /** ERSPAN version: 1 (type II) or 2 (type III). */
  version: 1 | 2;
  /** Version 1: the session index, 1..0xfffff. */
  index?: number;
  /** Version 2: the direction of the mirrored traffic. */
  dir?: 'ingress' | 'egress';
  /** Version 2: the hardware id, 0..63. */
  hwid?: number;
}

/** Options of a new gre, gretap or erspan tunnel (`ip link add NAME type gre ...`). */
export interface GreOptions extends GreKeyOptions {
  /** Local endpoint (IPv4). */
  local?: string;
  /** Remote endpoint (IPv4). */
  remote?: string;
  /** TTL 0..255, or 'inherit' (0). */
  ttl?: number | 'inherit';
  /** TOS 0..255, or 'inherit' (1). */
  tos?: number | 'inherit';
  /** Path MTU discovery (kernel default on). */
  pmtudisc?: boolean;
  /** Ignore the DF bit of inner packets (needs pmtudisc off). */
  ignoreDf?: boolean;
  /** Ifindex of the device the tunnel is bound to. */
  link?: number;
  /** Firewall mark of the outer packets. */
  fwmark?: number;
  /** Collect metadata (`external`): a flow-based tunnel. */
  external?: boolean;
  /** FOU/GUE encapsulation. */
  encap?: TunnelEncapOptions;
  /** ERSPAN parameters (erspan kind only). */
  erspan?: ErspanOptions;
}

/** Options of a new ip6gre, ip6gretap or ip6erspan tunnel (`ip link add NAME type ip6gre ...`). */
export interface Ip6greOptions extends GreKeyOptions, Ip6TunnelOptions {
  /** ERSPAN parameters (ip6erspan kind only). */
  erspan?: ErspanOptions;
}

const KEY_KEYS = ['key', 'ikey', 'okey', 'seq', 'iseq', 'oseq', 'csum', 'icsum', 'ocsum'];
const GRE_KEYS = [
  ...KEY_KEYS,
  'local',
  'remote',
  'ttl',
  'tos',
  'pmtudisc',
  'ignoreDf',
  'link',
  'fwmark',
  'external',
  'encap',
  'erspan',
];
const GRE6_KEYS = [...KEY_KEYS, ...IP6_TUNNEL_KEYS, 'erspan'];

interface KeyData {
  iflags?: number;
  oflags?: number;
  ikey?: number;
  okey?: number;
  erspanVer?: number;
  erspanIndex?: number;
  erspanDir?: number;
  erspanHwid?: number;
}

function keys(kind: string, o: GreKeyOptions): KeyData {
  const out: KeyData = {};
  let iflags = 0;
  let oflags = 0;
  const key = o.key === undefined ? undefined : tunnelKey(`${kind}.key`, o.key);
  const ikey = o.ikey === undefined ? key : tunnelKey(`${kind}.ikey`, o.ikey);
  const okey = o.okey === undefined ? key : tunnelKey(`${kind}.okey`, o.okey);
  if (ikey !== undefined) {
    out.ikey = ikey;
    iflags |= GRE.GRE_KEY;
  }
  if (okey !== undefined) {
    out.okey = okey;
    oflags |= GRE.GRE_KEY;
  }
  const both = (name: 'seq' | 'csum', bit: number) => {
    const all = o[name] !== undefined && checkBool(`${kind}.${name}`, o[name]);
    const i = o[`i${name}`];
    const x = o[`o${name}`];
    if (i === undefined ? all : checkBool(`${kind}.i${name}`, i)) iflags |= bit;
    if (x === undefined ? all : checkBool(`${kind}.o${name}`, x)) oflags |= bit;
  };
  both('seq', GRE.GRE_SEQ);
  both('csum', GRE.GRE_CSUM);
  if (KEY_KEYS.some((k) => (o as Record<string, unknown>)[k] !== undefined)) {
    out.iflags = iflags;
    out.oflags = oflags;
  }
  return out;
}

function erspan(kind: string, e: ErspanOptions): KeyData {
  checkOptionKeys(`${kind}.erspan`, e, ['version', 'index', 'dir', 'hwid']);
  if (e.version !== 1 && e.version !== 2)
    throw new ValidationError(`${kind}.erspan.version`, e.version, 'expected 1 or 2');
  const out: KeyData = { erspanVer: e.version };
  if (e.version === 1) {
    if (e.dir !== undefined || e.hwid !== undefined)
      throw new ValidationError(
        `${kind}.erspan.${e.dir !== undefined ? 'dir' : 'hwid'}`,
        e.dir ?? e.hwid,
        'needs erspan version 2',
      );
    if (e.index !== undefined) out.erspanIndex = validateInt(`${kind}.erspan.index`, e.index, 1, 0xfffff);
  } else {
    if (e.index !== undefined)
      throw new ValidationError(`${kind}.erspan.index`, e.index, 'needs erspan version 1');
    if (e.dir !== undefined) {
      if (e.dir !== 'ingress' && e.dir !== 'egress')
        throw new ValidationError(`${kind}.erspan.dir`, e.dir, "expected 'ingress' or 'egress'");
      out.erspanDir = e.dir === 'ingress' ? 0 : 1;
    }
    if (e.hwid !== undefined) out.erspanHwid = validateInt(`${kind}.erspan.hwid`, e.hwid, 0, 0x3f);
  }
  return out;
}

function externalOnly(kind: string, opts: object): boolean {
  const o = opts as Record<string, unknown>;
  if (o.external === undefined || !checkBool(`${kind}.external`, o.external)) return false;
  const rest = Object.keys(o).filter((k) => k !== 'external' && k !== 'encap' && o[k] !== undefined);
  if (rest.length) throw new ValidationError(`${kind}.${rest[0]}`, o[rest[0]], 'not allowed with external');
  return true;
}

/** Checks gre/gretap/erspan options and builds IFLA_INFO_DATA. Throws ValidationError naming the field. */
export function buildGreData(opts: GreOptions = {}): GreData {
  checkOptionKeys('gre', opts, GRE_KEYS);
  const encap = opts.encap === undefined ? {} : buildTunnelEncap('gre.encap', opts.encap);
  if (externalOnly('gre', opts)) return { collectMetadata: true, ...encap };
  const data: GreData = { ...keys('gre', opts) };
  if (opts.link !== undefined) data.link = validateU32('gre.link', opts.link);
  if (opts.local !== undefined) data.local = tunnelAddress('gre.local', opts.local, 4);
  if (opts.remote !== undefined) data.remote = tunnelAddress('gre.remote', opts.remote, 4);
  if (opts.ttl !== undefined) data.ttl = tunnelTtl('gre.ttl', opts.ttl);
  if (opts.tos !== undefined) data.tos = tunnelTos('gre.tos', opts.tos);
  if (opts.pmtudisc !== undefined) data.pmtudisc = checkBool('gre.pmtudisc', opts.pmtudisc) ? 1 : 0;
  if (opts.ignoreDf !== undefined) {
    data.ignoreDf = checkBool('gre.ignoreDf', opts.ignoreDf) ? 1 : 0;
    // The kernel refuses ignore-df while DF is set (pmtudisc on, its default).
    if (data.ignoreDf && data.pmtudisc !== 0)
      throw new ValidationError('gre.ignoreDf', true, 'needs pmtudisc: false');
  }
  if (opts.fwmark !== undefined) data.fwmark = validateU32('gre.fwmark', opts.fwmark);
  if (opts.erspan !== undefined) Object.assign(data, erspan('gre', opts.erspan));
  return Object.assign(data, encap);
}

/** Checks ip6gre/ip6gretap/ip6erspan options and builds IFLA_INFO_DATA. Throws ValidationError naming the field. */
export function buildIp6greData(opts: Ip6greOptions = {}): Gre6Data {
  checkOptionKeys('ip6gre', opts, GRE6_KEYS);
  const encap = opts.encap === undefined ? {} : buildTunnelEncap('ip6gre.encap', opts.encap);
  if (externalOnly('ip6gre', opts)) return { collectMetadata: true, ...encap };
  const data: Gre6Data = { ...keys('ip6gre', opts), ...buildIp6Tunnel('ip6gre', opts) };
  if (opts.erspan !== undefined) Object.assign(data, erspan('ip6gre', opts.erspan));
  return data;
}
