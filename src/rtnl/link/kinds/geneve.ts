/**
 * GENEVE tunnels (kind `geneve`, RFC 8926): Ethernet over UDP with a 24-bit network identifier.
 * IFLA_INFO_DATA is IFLA_GENEVE_*; the remote is IFLA_GENEVE_REMOTE (IPv4) or IFLA_GENEVE_REMOTE6 (IPv6).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { IFLA_GENEVE, IFLA_GENEVE_DF } from '../../../constants/if_link.js';
import { ipv4, ipv6 } from '../../../netlink/address.js';
import { be16, be32, flag, named, u8, u32, type ValueOf } from '../../../netlink/codec.js';
import { ValidationError } from '../../../netlink/errors.js';
import { attrSet } from '../../../netlink/schema.js';
import { validateInt, validatePort, validateVni } from '../../validate.js';
import { registerKind } from '../registry.js';
import { checkBool, checkOptionKeys, tunnelTos } from './iptun.js';

/** IFLA_GENEVE_*: IFLA_INFO_DATA of kind geneve. */
export const geneveAttrs = attrSet('IFLA_GENEVE', IFLA_GENEVE, {
  id: ['IFLA_GENEVE_ID', u32],
  remote: ['IFLA_GENEVE_REMOTE', ipv4],
  ttl: ['IFLA_GENEVE_TTL', u8],
  tos: ['IFLA_GENEVE_TOS', u8],
  port: ['IFLA_GENEVE_PORT', be16],
  collectMetadata: ['IFLA_GENEVE_COLLECT_METADATA', flag],
  remote6: ['IFLA_GENEVE_REMOTE6', ipv6],
  udpCsum: ['IFLA_GENEVE_UDP_CSUM', u8],
  udpZeroCsum6Tx: ['IFLA_GENEVE_UDP_ZERO_CSUM6_TX', u8],
  udpZeroCsum6Rx: ['IFLA_GENEVE_UDP_ZERO_CSUM6_RX', u8],
  label: ['IFLA_GENEVE_LABEL', be32],
  ttlInherit: ['IFLA_GENEVE_TTL_INHERIT', u8],
  df: ['IFLA_GENEVE_DF', named(u8, IFLA_GENEVE_DF)],
  innerProtoInherit: ['IFLA_GENEVE_INNER_PROTO_INHERIT', flag],
});

/** Decoded IFLA_INFO_DATA of a geneve tunnel. */
export type GeneveData = ValueOf<typeof geneveAttrs>;

// Typed access through linkData() / linkSlaveData().
declare module '../link.js' {
  interface KindDataMap {
    /** geneve. */
    geneve: GeneveData;
  }
}

/** The geneve kind. */
export const geneveKind = registerKind({
  kind: 'geneve',
  data: geneveAttrs,
  summary: 'GENEVE tunnel: Ethernet over UDP with a 24-bit network identifier',
});

/** Options of a new geneve tunnel (`ip link add NAME type geneve id VNI ...`). */
export interface GeneveOptions {
  /** The virtual network identifier, 0..16777215 (not with `external`). */
  id?: number;
  /** The remote endpoint: IPv4 (IFLA_GENEVE_REMOTE) or IPv6 (IFLA_GENEVE_REMOTE6). */
  remote?: string;
  /** TTL 0..255 (0: the route's), or 'inherit' from the inner packet (IFLA_GENEVE_TTL_INHERIT). */
  ttl?: number | 'inherit';
  /** TOS 0..255, or 'inherit' (1). */
  tos?: number | 'inherit';
  /** The DF bit of the outer IPv4 header. */
  df?: 'unset' | 'set' | 'inherit';
  /** IPv6 flow label of the outer header, 0..0xfffff. */
  flowlabel?: number;
  /** UDP destination port (kernel default 6081). */
  port?: number;
  /** Collect metadata (`external`): a flow-based tunnel. */
  external?: boolean;
  /** UDP checksums over IPv4. */
  udpCsum?: boolean;
  /** Send zero UDP checksums over IPv6. */
  udp6ZeroCsumTx?: boolean;
  /** Accept zero UDP checksums over IPv6. */
  udp6ZeroCsumRx?: boolean;
  /** Carry the inner protocol instead of Ethernet (IFLA_GENEVE_INNER_PROTO_INHERIT; an L3 device). */
  innerProtoInherit?: boolean;
}

const KEYS = [
  'id',
  'remote',
  'ttl',
  'tos',
  'df',
  'flowlabel',
  'port',
  'external',
  'udpCsum',
  'udp6ZeroCsumTx',
  'udp6ZeroCsumRx',
  'innerProtoInherit',
];
const DF: Record<string, number> = {
  unset: IFLA_GENEVE_DF.GENEVE_DF_UNSET,
  set: IFLA_GENEVE_DF.GENEVE_DF_SET,
  inherit: IFLA_GENEVE_DF.GENEVE_DF_INHERIT,
};

/** Checks geneve options and builds IFLA_INFO_DATA. Throws ValidationError naming the field. */
export function buildGeneveData(opts: GeneveOptions): GeneveData {
  checkOptionKeys('geneve', opts, KEYS);
  const data: GeneveData = {};
  const external = opts.external !== undefined && checkBool('geneve.external', opts.external);
  if (opts.id !== undefined) {
    if (external) throw new ValidationError('geneve.id', opts.id, 'not allowed with external');
    data.id = validateVni(opts.id, 'geneve.id');
  } else if (!external) throw new ValidationError('geneve.id', undefined, 'required (or external: true)');
  if (external) data.collectMetadata = true;
  if (opts.remote !== undefined) {
    if (external) throw new ValidationError('geneve.remote', opts.remote, 'not allowed with external');
    if (typeof opts.remote === 'string' && isIPv4(opts.remote)) data.remote = opts.remote;
    else if (typeof opts.remote === 'string' && isIPv6(opts.remote) && !opts.remote.includes('%'))
      data.remote6 = opts.remote;
    else throw new ValidationError('geneve.remote', opts.remote, 'not an IPv4 or IPv6 address');
  }
  if (opts.ttl !== undefined) {
    if (opts.ttl === 'inherit') data.ttlInherit = 1;
    else data.ttl = validateInt('geneve.ttl', opts.ttl, 0, 255);
  }
  if (opts.tos !== undefined) data.tos = tunnelTos('geneve.tos', opts.tos);
  if (opts.df !== undefined) {
    const v = Object.hasOwn(DF, opts.df) ? DF[opts.df] : undefined;
    if (v === undefined)
      throw new ValidationError('geneve.df', opts.df, "expected 'unset', 'set' or 'inherit'");
    data.df = v;
  }
  if (opts.flowlabel !== undefined) data.label = validateInt('geneve.flowlabel', opts.flowlabel, 0, 0xfffff);
  if (opts.port !== undefined) data.port = validatePort(opts.port, 'geneve.port');
  if (opts.udpCsum !== undefined) data.udpCsum = checkBool('geneve.udpCsum', opts.udpCsum) ? 1 : 0;
  if (opts.udp6ZeroCsumTx !== undefined)
    data.udpZeroCsum6Tx = checkBool('geneve.udp6ZeroCsumTx', opts.udp6ZeroCsumTx) ? 1 : 0;
  if (opts.udp6ZeroCsumRx !== undefined)
    data.udpZeroCsum6Rx = checkBool('geneve.udp6ZeroCsumRx', opts.udp6ZeroCsumRx) ? 1 : 0;
  if (opts.innerProtoInherit !== undefined && checkBool('geneve.innerProtoInherit', opts.innerProtoInherit))
    data.innerProtoInherit = true;
  return data;
}
