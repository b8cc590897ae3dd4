import { IFA_F } from '../../constants/if_addr.js';
import { RT_SCOPE } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import type { ValueOf } from '../../netlink/codec.js';
import { struct } from '../../netlink/struct.js';

/** struct ifaddrmsg (linux/if_addr.h). */
export const ifaddrmsg = struct('ifaddrmsg', [
  ['ifa_family', 'family', 'u8', { enum: AF }],
  ['ifa_prefixlen', 'prefixlen', 'u8'],
  ['ifa_flags', 'flags', 'u8', { bits: IFA_F }],
  ['ifa_scope', 'scope', 'u8', { enum: RT_SCOPE }],
  ['ifa_index', 'index', 'u32'],
]);

/** A decoded struct ifaddrmsg. */
export type IfAddrMsg = ValueOf<typeof ifaddrmsg>;

/** struct ifa_cacheinfo (linux/if_addr.h): lifetimes in seconds, timestamps in hundredths of a second. */
export const ifaCacheinfo = struct('ifa_cacheinfo', [
  ['ifa_prefered', 'preferred', 'u32'],
  ['ifa_valid', 'valid', 'u32'],
  ['cstamp', 'cstamp', 'u32'],
  ['tstamp', 'tstamp', 'u32'],
]);
