/**
 * IPv4/IPv6 over IPv6 tunnels (kind `ip6tnl`): IFLA_INFO_DATA is IFLA_IPTUN_* with IPv6 endpoints and
 * 32-bit IP6_TNL_F_* flags. Also the IPv6 tunnel options ip6gre shares (encap limit, traffic class, flow
 * label and the `inherit` flags).
 */

import { IFLA_IPTUN, TUNNEL_ENCAP, TUNNEL_ENCAP_FLAG } from '../../../constants/if_tunnel.js';
import { IPPROTO } from '../../../constants/in.js';
import { ipv6 } from '../../../netlink/address.js';
import { be16, be32, bits, flag, named, u8, u16, u32, type ValueOf } from '../../../netlink/codec.js';
import { ValidationError } from '../../../netlink/errors.js';
import { attrSet } from '../../../netlink/schema.js';
import { validateInt, validateU32 } from '../../validate.js';
import { registerKind } from '../registry.js';
import {
  buildTunnelEncap,
  checkBool,
  checkOptionKeys,
  type TunnelEncapOptions,
  tunnelAddress,
  tunnelTtl,
} from './iptun.js';

/**
 * IP6_TNL_F_*: bits of IFLA_IPTUN_FLAGS (ip6tnl) and IFLA_GRE_FLAGS (ip6gre) (linux/ip6_tunnel.h). Declared
 * here until scripts/gen-constants.ts covers ip6_tunnel.h; checked against the header by the tests.
 */
export const IP6_TNL_F = {
  IP6_TNL_F_IGN_ENCAP_LIMIT: 0x1,
  IP6_TNL_F_USE_ORIG_TCLASS: 0x2,
  IP6_TNL_F_USE_ORIG_FLOWLABEL: 0x4,
  IP6_TNL_F_MIP6_DEV: 0x8,
  IP6_TNL_F_RCV_DSCP_COPY: 0x10,
  IP6_TNL_F_USE_ORIG_FWMARK: 0x20,
  IP6_TNL_F_ALLOW_LOCAL_REMOTE: 0x40,
} as const;

/** IFLA_IPTUN_*: IFLA_INFO_DATA of kind ip6tnl (the attributes its policy accepts). */
export const ip6tnlAttrs = attrSet('IFLA_IPTUN', IFLA_IPTUN, {
  link: ['IFLA_IPTUN_LINK', u32],
  local: ['IFLA_IPTUN_LOCAL', ipv6],
  remote: ['IFLA_IPTUN_REMOTE', ipv6],
  ttl: ['IFLA_IPTUN_TTL', u8],
  encapLimit: ['IFLA_IPTUN_ENCAP_LIMIT', u8],
  flowinfo: ['IFLA_IPTUN_FLOWINFO', be32],
  flags: ['IFLA_IPTUN_FLAGS', bits(u32, IP6_TNL_F)],
  proto: ['IFLA_IPTUN_PROTO', named(u8, IPPROTO)],
  encapType: ['IFLA_IPTUN_ENCAP_TYPE', named(u16, TUNNEL_ENCAP)],
  encapFlags: ['IFLA_IPTUN_ENCAP_FLAGS', bits(u16, TUNNEL_ENCAP_FLAG)],
  encapSport: ['IFLA_IPTUN_ENCAP_SPORT', be16],
  encapDport: ['IFLA_IPTUN_ENCAP_DPORT', be16],
  collectMetadata: ['IFLA_IPTUN_COLLECT_METADATA', flag],
  fwmark: ['IFLA_IPTUN_FWMARK', u32],
});

/** Decoded IFLA_INFO_DATA of an ip6tnl tunnel. */
export type Ip6tnlData = ValueOf<typeof ip6tnlAttrs>;

// Typed access through linkData() / linkSlaveData().
declare module '../link.js' {
  interface KindDataMap {
    /** ip6tnl. */
    ip6tnl: Ip6tnlData;
  }
}

/** The ip6tnl kind. */
export const ip6tnlKind = registerKind({
  kind: 'ip6tnl',
  data: ip6tnlAttrs,
  summary: 'IPv6 or IPv4 over IPv6 tunnel (RFC 2473)',
});

/** The IPv6 tunnel options ip6tnl and ip6gre share. */
export interface Ip6TunnelOptions {
  /** Local endpoint (IPv6). */
  local?: string;
  /** Remote endpoint (IPv6). */
  remote?: string;
  /** Hop limit 0..255, or 'inherit' (0). */
  hopLimit?: number | 'inherit';
  /** Tunnel encapsulation limit option 0..255, or 'none' (IP6_TNL_F_IGN_ENCAP_LIMIT: no such option). */
  encapLimit?: number | 'none';
  /** Traffic class 0..255, or 'inherit' (IP6_TNL_F_USE_ORIG_TCLASS). */
  tclass?: number | 'inherit';
  /** Flow label 0..0xfffff, or 'inherit' (IP6_TNL_F_USE_ORIG_FLOWLABEL). */
  flowlabel?: number | 'inherit';
  /** Copy DSCP from the outer header on receive (IP6_TNL_F_RCV_DSCP_COPY). */
  dscpInherit?: boolean;
  /** Firewall mark of the outer packets, or 'inherit' (IP6_TNL_F_USE_ORIG_FWMARK). */
  fwmark?: number | 'inherit';
  /** Allow local and remote on the same host (IP6_TNL_F_ALLOW_LOCAL_REMOTE). */
  allowLocalRemote?: boolean;
  /** Ifindex of the device the tunnel is bound to. */
  link?: number;
  /** Collect metadata (`external`): a flow-based tunnel. */
  external?: boolean;
  /** FOU/GUE encapsulation. */
  encap?: TunnelEncapOptions;
}

/** Options of a new ip6tnl tunnel (`ip link add NAME type ip6tnl ...`). */
export interface Ip6tnlOptions extends Ip6TunnelOptions {
  /** What it carries: ip6ip6 (IPPROTO_IPV6), ipip6 (IPPROTO_IPIP) or any (0). */
  mode?: 'ip6ip6' | 'ipip6' | 'any';
}

/** The IPv6 tunnel parameters of {@link Ip6TunnelOptions}, by the names both sets use. */
export interface Ip6TunnelData {
  /** Ifindex of the underlying device. */
  link?: number;
  /** Local endpoint. */
  local?: string;
  /** Remote endpoint. */
  remote?: string;
  /** Hop limit. */
  ttl?: number;
  /** Tunnel encapsulation limit. */
  encapLimit?: number;
  /** Traffic class << 20 | flow label, as in the IPv6 header's first word. */
  flowinfo?: number;
  /** IP6_TNL_F_* bits. */
  flags?: number;
  /** Firewall mark. */
  fwmark?: number;
  /** TUNNEL_ENCAP_*. */
  encapType?: number;
  /** TUNNEL_ENCAP_FLAG_* bits. */
  encapFlags?: number;
  /** UDP source port of the encapsulation. */
  encapSport?: number;
  /** UDP destination port of the encapsulation. */
  encapDport?: number;
}

/** The option keys of {@link Ip6TunnelOptions}. */
export const IP6_TUNNEL_KEYS: readonly string[] = [
  'local',
  'remote',
  'hopLimit',
  'encapLimit',
  'tclass',
  'flowlabel',
  'dscpInherit',
  'fwmark',
  'allowLocalRemote',
  'link',
  'external',
  'encap',
];

/** Checks the IPv6 tunnel options (all but `external`) and returns their attributes. */
export function buildIp6Tunnel(kind: string, opts: Ip6TunnelOptions): Ip6TunnelData {
  const data: Ip6TunnelData = {};
  let flags = 0;
  let flagsGiven = false;
  const setFlag = (bit: number, on: boolean) => {
    flagsGiven = true;
    flags = on ? flags | bit : flags & ~bit;
  };
  let flowinfo: number | undefined;
  if (opts.link !== undefined) data.link = validateU32(`${kind}.link`, opts.link);
  if (opts.local !== undefined) data.local = tunnelAddress(`${kind}.local`, opts.local, 6);
  if (opts.remote !== undefined) data.remote = tunnelAddress(`${kind}.remote`, opts.remote, 6);
  if (opts.hopLimit !== undefined) data.ttl = tunnelTtl(`${kind}.hopLimit`, opts.hopLimit);
  if (opts.encapLimit !== undefined) {
    setFlag(IP6_TNL_F.IP6_TNL_F_IGN_ENCAP_LIMIT, opts.encapLimit === 'none');
    if (opts.encapLimit !== 'none')
      data.encapLimit = validateInt(`${kind}.encapLimit`, opts.encapLimit, 0, 255);
  }
  if (opts.tclass !== undefined) {
    setFlag(IP6_TNL_F.IP6_TNL_F_USE_ORIG_TCLASS, opts.tclass === 'inherit');
    if (opts.tclass !== 'inherit')
      flowinfo = (flowinfo ?? 0) | (validateInt(`${kind}.tclass`, opts.tclass, 0, 255) << 20);
  }
  if (opts.flowlabel !== undefined) {
    setFlag(IP6_TNL_F.IP6_TNL_F_USE_ORIG_FLOWLABEL, opts.flowlabel === 'inherit');
    if (opts.flowlabel !== 'inherit')
      flowinfo = (flowinfo ?? 0) | validateInt(`${kind}.flowlabel`, opts.flowlabel, 0, 0xfffff);
  }
  if (opts.dscpInherit !== undefined)
    setFlag(IP6_TNL_F.IP6_TNL_F_RCV_DSCP_COPY, checkBool(`${kind}.dscpInherit`, opts.dscpInherit));
  if (opts.fwmark !== undefined) {
    setFlag(IP6_TNL_F.IP6_TNL_F_USE_ORIG_FWMARK, opts.fwmark === 'inherit');
    data.fwmark = opts.fwmark === 'inherit' ? 0 : validateU32(`${kind}.fwmark`, opts.fwmark);
  }
  if (opts.allowLocalRemote !== undefined)
    setFlag(
      IP6_TNL_F.IP6_TNL_F_ALLOW_LOCAL_REMOTE,
      checkBool(`${kind}.allowLocalRemote`, opts.allowLocalRemote),
    );
  if (flowinfo !== undefined) data.flowinfo = flowinfo >>> 0;
  if (flagsGiven) data.flags = flags;
  if (opts.encap !== undefined) Object.assign(data, buildTunnelEncap(`${kind}.encap`, opts.encap));
  return data;
}

const MODES: Record<string, number> = { ip6ip6: IPPROTO.IPPROTO_IPV6, ipip6: IPPROTO.IPPROTO_IPIP, any: 0 };

/** Checks ip6tnl options and builds IFLA_INFO_DATA. Throws ValidationError naming the field. */
export function buildIp6tnlData(opts: Ip6tnlOptions = {}): Ip6tnlData {
  checkOptionKeys('ip6tnl', opts, [...IP6_TUNNEL_KEYS, 'mode']);
  const data: Ip6tnlData = {};
  if (opts.mode !== undefined) {
    const p = Object.hasOwn(MODES, opts.mode) ? MODES[opts.mode] : undefined;
    if (p === undefined)
      throw new ValidationError('ip6tnl.mode', opts.mode, "expected 'ip6ip6', 'ipip6' or 'any'");
    data.proto = p;
  }
  if (opts.external !== undefined && checkBool('ip6tnl.external', opts.external)) {
    const rest = Object.entries(opts)
      .filter(([k, v]) => k !== 'external' && k !== 'mode' && v !== undefined)
      .map(([k]) => k);
    if (rest.length)
      throw new ValidationError(
        `ip6tnl.${rest[0]}`,
        (opts as Record<string, unknown>)[rest[0]],
        'not allowed with external',
      );
    data.collectMetadata = true;
    return data;
  }
  return { ...data, ...buildIp6Tunnel('ip6tnl', opts) };
}
