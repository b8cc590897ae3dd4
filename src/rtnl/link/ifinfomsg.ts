import { IFF } from '../../constants/if.js';
import { ARPHRD } from '../../constants/if_arp.js';
import { AF } from '../../constants/socket.js';
import { struct } from '../../netlink/struct.js';

/** struct ifinfomsg (linux/rtnetlink.h). */
export const ifinfomsg = struct('ifinfomsg', [
  ['ifi_family', 'family', 'u8', { enum: AF }],
  ['__ifi_pad', null, 'u8'],
  ['ifi_type', 'type', 'u16', { enum: ARPHRD }],
  ['ifi_index', 'index', 's32'],
  ['ifi_flags', 'flags', 'u32', { bits: IFF }],
  ['ifi_change', 'change', 'u32', { bits: IFF }],
]);

/** Names of ifi_flags bits (IFF_*), for the debugger. */
export const IFF_NAMES = IFF;
/** Names of ifi_type values (ARPHRD_*), for the debugger. */
export const ARPHRD_NAMES = ARPHRD;
