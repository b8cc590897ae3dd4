/**
 * IPv4 tunnels over IPv4 (kind `ipip`) and IPv6/IPv4 over IPv4 (kind `sit`): IFLA_INFO_DATA is IFLA_IPTUN_*
 * with IPv4 endpoints. Also the option checks the other IP tunnels (gre, ip6tnl, vti) share: endpoints by
 * family, TTL and TOS with `inherit`, GRE/VTI keys, and FOU/GUE encapsulation.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { IFLA_IPTUN, SIT, TUNNEL_ENCAP, TUNNEL_ENCAP_FLAG } from '../../../constants/if_tunnel.js';
import { IPPROTO } from '../../../constants/in.js';
import { ipv4, ipv6, parseIPv4 } from '../../../netlink/address.js';
import { be16, be32, bits, flag, named, u8, u16, u32, type ValueOf } from '../../../netlink/codec.js';
import { ValidationError } from '../../../netlink/errors.js';
import { attrSet } from '../../../netlink/schema.js';
import { validateInt, validateU32 } from '../../validate.js';
import { registerKind } from '../registry.js';

/**
 * IFLA_IPTUN_*: IFLA_INFO_DATA of kinds ipip and sit (IPv4 endpoints, 16-bit flags). IFLA_IPTUN_FLAGS
 * carries SIT_ISATAP in host order: the kernel reads it as __be16 but tests the bit without swapping.
 */
export const iptunAttrs = attrSet('IFLA_IPTUN', IFLA_IPTUN, {
  link: ['IFLA_IPTUN_LINK', u32],
  local: ['IFLA_IPTUN_LOCAL', ipv4],
  remote: ['IFLA_IPTUN_REMOTE', ipv4],
  ttl: ['IFLA_IPTUN_TTL', u8],
  tos: ['IFLA_IPTUN_TOS', u8],
  encapLimit: ['IFLA_IPTUN_ENCAP_LIMIT', u8],
  flowinfo: ['IFLA_IPTUN_FLOWINFO', be32],
  flags: ['IFLA_IPTUN_FLAGS', bits(u16, SIT)],
  proto: ['IFLA_IPTUN_PROTO', named(u8, IPPROTO)],
  pmtudisc: ['IFLA_IPTUN_PMTUDISC', u8],
  sixrdPrefix: ['IFLA_IPTUN_6RD_PREFIX', ipv6],
  sixrdRelayPrefix: ['IFLA_IPTUN_6RD_RELAY_PREFIX', ipv4],
  sixrdPrefixlen: ['IFLA_IPTUN_6RD_PREFIXLEN', u16],
  sixrdRelayPrefixlen: ['IFLA_IPTUN_6RD_RELAY_PREFIXLEN', u16],
  encapType: ['IFLA_IPTUN_ENCAP_TYPE', named(u16, TUNNEL_ENCAP)],
  encapFlags: ['IFLA_IPTUN_ENCAP_FLAGS', bits(u16, TUNNEL_ENCAP_FLAG)],
  encapSport: ['IFLA_IPTUN_ENCAP_SPORT', be16],
  encapDport: ['IFLA_IPTUN_ENCAP_DPORT', be16],
  collectMetadata: ['IFLA_IPTUN_COLLECT_METADATA', flag],
  fwmark: ['IFLA_IPTUN_FWMARK', u32],
});

/** Decoded IFLA_INFO_DATA of an ipip or sit tunnel. */
export type IptunData = ValueOf<typeof iptunAttrs>;

// Typed access through linkData() / linkSlaveData().
declare module '../link.js' {
  interface KindDataMap {
    /** ipip. */
    ipip: IptunData;
    /** sit. */
    sit: IptunData;
  }
}

/** The ipip kind. */
export const ipipKind = registerKind({ kind: 'ipip', data: iptunAttrs, summary: 'IPv4-in-IPv4 tunnel' });
/** The sit kind. */
export const sitKind = registerKind({
  kind: 'sit',
  data: iptunAttrs,
  summary: 'IPv6-in-IPv4 tunnel (also ISATAP and 6rd; can carry IPv4 and MPLS)',
});

// ---------------------------------------------------------------------------------------------------------
// Option checks shared by the IP tunnel kinds.
// ---------------------------------------------------------------------------------------------------------

/** Foo-over-UDP / GUE encapsulation of a tunnel's packets. */
export interface TunnelEncapOptions {
  /** The encapsulation (`encap fou|gue|none`). */
  type: 'none' | 'fou' | 'gue' | 'mpls';
  /** UDP source port, or 'auto' (0) to pick one per flow. */
  sport?: number | 'auto';
  /** UDP destination port. */
  dport?: number;
  /** TUNNEL_ENCAP_FLAG_CSUM: UDP checksums over IPv4. */
  csum?: boolean;
  /** TUNNEL_ENCAP_FLAG_CSUM6: UDP checksums over IPv6. */
  csum6?: boolean;
  /** TUNNEL_ENCAP_FLAG_REMCSUM: remote checksum offload. */
  remcsum?: boolean;
}

/** The encapsulation attributes of a tunnel (same names in IFLA_IPTUN_*, IFLA_GRE_*). */
export interface TunnelEncapData {
  /** TUNNEL_ENCAP_*. */
  encapType: number;
  /** TUNNEL_ENCAP_FLAG_* bits. */
  encapFlags?: number;
  /** UDP source port (0: per flow). */
  encapSport?: number;
  /** UDP destination port. */
  encapDport?: number;
}

const ENCAP_TYPES: Record<TunnelEncapOptions['type'], number> = {
  none: TUNNEL_ENCAP.TUNNEL_ENCAP_NONE,
  fou: TUNNEL_ENCAP.TUNNEL_ENCAP_FOU,
  gue: TUNNEL_ENCAP.TUNNEL_ENCAP_GUE,
  mpls: TUNNEL_ENCAP.TUNNEL_ENCAP_MPLS,
};

/** Throws ValidationError for an option key not in `keys`. */
export function checkOptionKeys(kind: string, opts: unknown, keys: readonly string[]): void {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw new ValidationError(kind, opts, `expected ${kind} options`);
  for (const [k, v] of Object.entries(opts))
    if (!keys.includes(k)) throw new ValidationError(`${kind}.${k}`, v, `not a ${kind} option`);
}

/** Checks a boolean option. */
export function checkBool(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ValidationError(field, v, 'expected a boolean');
  return v;
}

/** Checks encapsulation options and returns the encap attributes. */
export function buildTunnelEncap(field: string, e: TunnelEncapOptions): TunnelEncapData {
  checkOptionKeys(field, e, ['type', 'sport', 'dport', 'csum', 'csum6', 'remcsum']);
  const type = Object.hasOwn(ENCAP_TYPES, e.type) ? ENCAP_TYPES[e.type] : undefined;
  if (type === undefined)
    throw new ValidationError(`${field}.type`, e.type, "expected 'none', 'fou', 'gue' or 'mpls'");
  const out: TunnelEncapData = { encapType: type };
  if (e.csum !== undefined || e.csum6 !== undefined || e.remcsum !== undefined) {
    let f = 0;
    if (e.csum !== undefined && checkBool(`${field}.csum`, e.csum))
      f |= TUNNEL_ENCAP_FLAG.TUNNEL_ENCAP_FLAG_CSUM;
    if (e.csum6 !== undefined && checkBool(`${field}.csum6`, e.csum6))
      f |= TUNNEL_ENCAP_FLAG.TUNNEL_ENCAP_FLAG_CSUM6;
    if (e.remcsum !== undefined && checkBool(`${field}.remcsum`, e.remcsum))
      f |= TUNNEL_ENCAP_FLAG.TUNNEL_ENCAP_FLAG_REMCSUM;
    out.encapFlags = f;
  }
  if (e.sport !== undefined)
    out.encapSport = e.sport === 'auto' ? 0 : validateInt(`${field}.sport`, e.sport, 0, 0xffff);
  if (e.dport !== undefined) out.encapDport = validateInt(`${field}.dport`, e.dport, 0, 0xffff);
  return out;
}

/** Checks a tunnel endpoint of the given IP version. */
export function tunnelAddress(field: string, v: unknown, version: 4 | 6): string {
  if (typeof v === 'string' && (version === 4 ? isIPv4(v) : isIPv6(v) && !v.includes('%'))) return v;
  throw new ValidationError(field, v, `expected an IPv${version} address`);
}

/** Checks a TTL / hop limit: 0..255, or 'inherit' (0: copy it from the inner packet). */
export function tunnelTtl(field: string, v: unknown): number {
  return v === 'inherit' ? 0 : validateInt(field, v, 0, 255);
}

/** Checks a TOS: 0..255, or 'inherit' (1: copy it from the inner packet). */
export function tunnelTos(field: string, v: unknown): number {
  return v === 'inherit' ? 1 : validateInt(field, v, 0, 255);
}

/** Checks a GRE/VTI key: a u32, or a dotted quad (its bytes in network order, as `ip` takes it). */
export function tunnelKey(field: string, v: unknown): number {
  if (typeof v === 'string') {
    const b = parseIPv4(v, field);
    return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  }
  return validateU32(field, v);
}

// ---------------------------------------------------------------------------------------------------------
// ipip and sit.
// ---------------------------------------------------------------------------------------------------------

/** Options of a new ipip tunnel (`ip link add NAME type ipip ...`). */
export interface IpipOptions {
  /** Local endpoint (IPv4). */
  local?: string;
  /** Remote endpoint (IPv4). */
  remote?: string;
  /** TTL 0..255, or 'inherit' (0). A non-zero TTL implies path MTU discovery. */
  ttl?: number | 'inherit';
  /** TOS 0..255, or 'inherit' (1). */
  tos?: number | 'inherit';
  /** Path MTU discovery (sets DF; kernel default on). Cannot be off with a fixed TTL. */
  pmtudisc?: boolean;
  /** Ifindex of the device the tunnel is bound to. */
  link?: number;
  /** What it carries: ipip (IPPROTO_IPIP), mplsip (IPPROTO_MPLS) or any (0). */
  mode?: 'ipip' | 'mplsip' | 'any';
  /** Firewall mark of the outer packets. */
  fwmark?: number;
  /** Collect metadata (`external`): a flow-based tunnel for lightweight tunnels and BPF. */
  external?: boolean;
  /** FOU/GUE encapsulation. */
  encap?: TunnelEncapOptions;
}

/** Options of a new sit tunnel (`ip link add NAME type sit ...`). */
export interface SitOptions extends Omit<IpipOptions, 'mode'> {
  /** What it carries: ip6ip (IPPROTO_IPV6), ipip, mplsip or any (0). */
  mode?: 'ip6ip' | 'ipip' | 'mplsip' | 'any';
  /** ISATAP (SIT_ISATAP). */
  isatap?: boolean;
  /** 6rd prefix 'ADDR/LEN' (IPv6). */
  sixrdPrefix?: string;
  /** 6rd relay prefix 'ADDR/LEN' (IPv4). */
  sixrdRelayPrefix?: string;
}

const MODES: Record<string, number> = {
  ip6ip: IPPROTO.IPPROTO_IPV6,
  ipip: IPPROTO.IPPROTO_IPIP,
  mplsip: IPPROTO.IPPROTO_MPLS,
  any: 0,
};
const IPIP_KEYS = [
  'local',
  'remote',
  'ttl',
  'tos',
  'pmtudisc',
  'link',
  'mode',
  'fwmark',
  'external',
  'encap',
];
const SIT_KEYS = [...IPIP_KEYS, 'isatap', 'sixrdPrefix', 'sixrdRelayPrefix'];

function prefix(field: string, v: unknown, family: 4 | 6): { address: string; len: number } {
  if (typeof v !== 'string')
    throw new ValidationError(field, v, `expected an IPv${family} prefix ADDRESS/LENGTH`);
  const [addr, len, extra] = v.split('/');
  const max = family === 4 ? 32 : 128;
  if (extra !== undefined || len === undefined || !/^\d{1,3}$/.test(len) || Number(len) > max)
    throw new ValidationError(field, v, `expected an IPv${family} prefix ADDRESS/0..${max}`);
  return { address: tunnelAddress(field, addr, family), len: Number(len) };
}

function buildIptun(kind: 'ipip' | 'sit', opts: SitOptions): IptunData {
  checkOptionKeys(kind, opts, kind === 'sit' ? SIT_KEYS : IPIP_KEYS);
  const data: IptunData = {};
  if (opts.mode !== undefined) {
    const p = Object.hasOwn(MODES, opts.mode) ? MODES[opts.mode] : undefined;
    if (p === undefined || (kind === 'ipip' && opts.mode === 'ip6ip'))
      throw new ValidationError(
        `${kind}.mode`,
        opts.mode,
        kind === 'sit' ? "expected 'ip6ip', 'ipip', 'mplsip' or 'any'" : "expected 'ipip', 'mplsip' or 'any'",
      );
    data.proto = p;
  }
  if (opts.external !== undefined && checkBool(`${kind}.external`, opts.external)) {
    const rest = Object.entries(opts)
      .filter(([k, v]) => k !== 'external' && k !== 'mode' && v !== undefined)
      .map(([k]) => k);
    if (rest.length)
      throw new ValidationError(
        `${kind}.${rest[0]}`,
        (opts as Record<string, unknown>)[rest[0]],
        'not allowed with external',
      );
    data.collectMetadata = true;
    return data;
  }
  if (opts.link !== undefined) data.link = validateU32(`${kind}.link`, opts.link);
  if (opts.local !== undefined) data.local = tunnelAddress(`${kind}.local`, opts.local, 4);
  if (opts.remote !== undefined) data.remote = tunnelAddress(`${kind}.remote`, opts.remote, 4);
  if (opts.ttl !== undefined) data.ttl = tunnelTtl(`${kind}.ttl`, opts.ttl);
  if (opts.tos !== undefined) data.tos = tunnelTos(`${kind}.tos`, opts.tos);
  if (opts.pmtudisc !== undefined) {
    data.pmtudisc = checkBool(`${kind}.pmtudisc`, opts.pmtudisc) ? 1 : 0;
    // The kernel sets DF whenever the TTL is fixed, whatever pmtudisc says.
    if (!opts.pmtudisc && data.ttl)
      throw new ValidationError(`${kind}.pmtudisc`, false, 'a fixed ttl needs pmtudisc');
  }
  if (opts.fwmark !== undefined) data.fwmark = validateU32(`${kind}.fwmark`, opts.fwmark);
  if (opts.encap !== undefined) Object.assign(data, buildTunnelEncap(`${kind}.encap`, opts.encap));
  if (kind === 'sit') {
    if (opts.isatap !== undefined) data.flags = checkBool('sit.isatap', opts.isatap) ? SIT.SIT_ISATAP : 0;
    if (opts.sixrdPrefix !== undefined) {
      const p = prefix('sit.sixrdPrefix', opts.sixrdPrefix, 6);
      data.sixrdPrefix = p.address;
      data.sixrdPrefixlen = p.len;
    }
    if (opts.sixrdRelayPrefix !== undefined) {
      const p = prefix('sit.sixrdRelayPrefix', opts.sixrdRelayPrefix, 4);
      data.sixrdRelayPrefix = p.address;
      data.sixrdRelayPrefixlen = p.len;
    }
  }
  return data;
}

/** Checks ipip options and builds IFLA_INFO_DATA. Throws ValidationError naming the field. */
export function buildIpipData(opts: IpipOptions = {}): IptunData {
  return buildIptun('ipip', opts);
}

/** Checks sit options and builds IFLA_INFO_DATA. Throws ValidationError naming the field. */
export function buildSitData(opts: SitOptions = {}): IptunData {
  return buildIptun('sit', opts);
}
