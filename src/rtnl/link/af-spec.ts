/**
 * IFLA_AF_SPEC of ordinary link messages: one nest per address family (AF_INET, AF_INET6, AF_MCTP),
 * each holding that family's per-device state. AF_INET6 link messages carry the same IFLA_INET6 set
 * in IFLA_PROTINFO.
 */

import { IFLA_INET, IFLA_INET6, IFLA_MCTP, IN6_ADDR_GEN_MODE } from '../../constants/if_link.js';
import { DEVCONF, IPV4_DEVCONF } from '../../constants/ip_devconf.js';
import { ICMP6_MIB, IPSTATS_MIB } from '../../constants/snmp.js';
import { AF } from '../../constants/socket.js';
import { ipv6 } from '../../netlink/address.js';
import { binary, named, s32, u8, u32, u64 } from '../../netlink/codec.js';
import { attrSet, packedArray } from '../../netlink/schema.js';
import { iflaCacheinfo } from './structs.js';

/** IFLA_INET_*: IPv4 device settings (IFLA_INET_CONF: IPV4_DEVCONF_* values, index 0 is DEVCONF 1). */
export const inetAttrs = attrSet('IFLA_INET', IFLA_INET, {
  conf: ['IFLA_INET_CONF', packedArray(u32, IPV4_DEVCONF, 1)],
});

/** IFLA_INET6_*: IPv6 device state (flags, DEVCONF_* settings, IP and ICMPv6 counters, token...). */
export const inet6Attrs = attrSet('IFLA_INET6', IFLA_INET6, {
  flags: ['IFLA_INET6_FLAGS', u32],
  conf: ['IFLA_INET6_CONF', packedArray(s32, DEVCONF)],
  stats: ['IFLA_INET6_STATS', packedArray(u64, IPSTATS_MIB)],
  mcast: ['IFLA_INET6_MCAST', binary],
  cacheinfo: ['IFLA_INET6_CACHEINFO', iflaCacheinfo],
  icmp6stats: ['IFLA_INET6_ICMP6STATS', packedArray(u64, ICMP6_MIB)],
  token: ['IFLA_INET6_TOKEN', ipv6],
  addrGenMode: ['IFLA_INET6_ADDR_GEN_MODE', named(u8, IN6_ADDR_GEN_MODE)],
  raMtu: ['IFLA_INET6_RA_MTU', u32],
});

/** IFLA_MCTP_*: MCTP device settings. */
export const mctpAttrs = attrSet('IFLA_MCTP', IFLA_MCTP, {
  net: ['IFLA_MCTP_NET', u32],
});

/** IFLA_AF_SPEC of AF_UNSPEC link messages: attribute types are address families. */
export const afSpecAttrs = attrSet('AF', AF, {
  inet: ['AF_INET', inetAttrs],
  inet6: ['AF_INET6', inet6Attrs],
  mctp: ['AF_MCTP', mctpAttrs],
});
