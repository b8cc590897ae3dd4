/**
 * Virtual tunnel interfaces for IPsec: `vti` (IPv4) and `vti6` (IPv6). The tunnel only routes; the SAs
 * matched by the keys (marks) do the encapsulation. IFLA_INFO_DATA is IFLA_VTI_*.
 */
import { IFLA_VTI } from '../../../constants/if_tunnel.js';
import { ipv4, ipv6 } from '../../../netlink/address.js';
import { be32, u32, type ValueOf } from '../../../netlink/codec.js';
import { attrSet } from '../../../netlink/schema.js';
import { validateU32 } from '../../validate.js';
import { registerKind } from '../registry.js';
import { checkOptionKeys, tunnelAddress, tunnelKey } from './iptun.js';

/** IFLA_VTI_*: IFLA_INFO_DATA of kind vti (IPv4 endpoints). */
export const vtiAttrs = attrSet('IFLA_VTI', IFLA_VTI, {
  link: ['IFLA_VTI_LINK', u32],
  ikey: ['IFLA_VTI_IKEY', be32],
  okey: ['IFLA_VTI_OKEY', be32],
  local: ['IFLA_VTI_LOCAL', ipv4],
  remote: ['IFLA_VTI_REMOTE', ipv4],
  fwmark: ['IFLA_VTI_FWMARK', u32],
});

/** IFLA_VTI_*: IFLA_INFO_DATA of kind vti6 (IPv6 endpoints). */
export const vti6Attrs = attrSet('IFLA_VTI', IFLA_VTI, {
  link: ['IFLA_VTI_LINK', u32],
  ikey: ['IFLA_VTI_IKEY', be32],
  okey: ['IFLA_VTI_OKEY', be32],
  local: ['IFLA_VTI_LOCAL', ipv6],
  remote: ['IFLA_VTI_REMOTE', ipv6],
  fwmark: ['IFLA_VTI_FWMARK', u32],
});

/** Decoded IFLA_INFO_DATA of a vti or vti6 (the same shape; endpoints of their own family). */
export type VtiData = ValueOf<typeof vtiAttrs>;

// Typed access through linkData() / linkSlaveData().
declare module '../link.js' {
  interface KindDataMap {
    /** vti. */
    vti: VtiData;
    /** vti6. */
    vti6: VtiData;
  }
}

/** The vti kind. */
export const vtiKind = registerKind({
  kind: 'vti',
  data: vtiAttrs,
  summary: 'IPsec virtual tunnel interface over IPv4',
});
/** The vti6 kind. */
export const vti6Kind = registerKind({
  kind: 'vti6',
  data: vti6Attrs,
  summary: 'IPsec virtual tunnel interface over IPv6',
});

/** Options of a new vti or vti6 (`ip link add NAME type vti ...`). */
export interface VtiOptions {
  /** Local endpoint (IPv4 for vti, IPv6 for vti6). */
  local?: string;
  /** Remote endpoint (IPv4 for vti, IPv6 for vti6). */
  remote?: string;
  /** Key (mark) of both directions: a u32 or a dotted quad. */
  key?: number | string;
  /** Key of received packets (overrides `key`). */
  ikey?: number | string;
  /** Key of sent packets (overrides `key`). */
  okey?: number | string;
  /** Ifindex of the device the tunnel is bound to. */
  link?: number;
  /** Firewall mark of the outer packets. */
  fwmark?: number;
}

function build(kind: 'vti' | 'vti6', opts: VtiOptions): VtiData {
  checkOptionKeys(kind, opts, ['local', 'remote', 'key', 'ikey', 'okey', 'link', 'fwmark']);
  const version = kind === 'vti' ? 4 : 6;
  const data: VtiData = {};
  if (opts.link !== undefined) data.link = validateU32(`${kind}.link`, opts.link);
  const key = opts.key === undefined ? undefined : tunnelKey(`${kind}.key`, opts.key);
  const ikey = opts.ikey === undefined ? key : tunnelKey(`${kind}.ikey`, opts.ikey);
  const okey = opts.okey === undefined ? key : tunnelKey(`${kind}.okey`, opts.okey);
  if (ikey !== undefined) data.ikey = ikey;
  if (okey !== undefined) data.okey = okey;
  if (opts.local !== undefined) data.local = tunnelAddress(`${kind}.local`, opts.local, version);
  if (opts.remote !== undefined) data.remote = tunnelAddress(`${kind}.remote`, opts.remote, version);
  if (opts.fwmark !== undefined) data.fwmark = validateU32(`${kind}.fwmark`, opts.fwmark);
  return data;
}

/** Checks vti options (IPv4 endpoints) and builds IFLA_INFO_DATA. Throws ValidationError naming the field. */
export function buildVtiData(opts: VtiOptions = {}): VtiData {
  return build('vti', opts);
}

/** Checks vti6 options (IPv6 endpoints) and builds IFLA_INFO_DATA. Throws ValidationError naming the field. */
export function buildVti6Data(opts: VtiOptions = {}): VtiData {
  return build('vti6', opts);
}
