import { IFA, IFA_F } from '../../constants/if_addr.js';
import { ipaddr } from '../../netlink/address.js';
import { bits, string, u8, u32 } from '../../netlink/codec.js';
import { attrSet } from '../../netlink/schema.js';
import { ifaCacheinfo } from './ifaddrmsg.js';

/** IFA_* attributes (linux/if_addr.h). */
export const addrAttrs = attrSet('IFA', IFA, {
  address: ['IFA_ADDRESS', ipaddr],
  local: ['IFA_LOCAL', ipaddr],
  label: ['IFA_LABEL', string],
  broadcast: ['IFA_BROADCAST', ipaddr],
  anycast: ['IFA_ANYCAST', ipaddr],
  cacheinfo: ['IFA_CACHEINFO', ifaCacheinfo],
  multicast: ['IFA_MULTICAST', ipaddr],
  flags: ['IFA_FLAGS', bits(u32, IFA_F)],
  rtPriority: ['IFA_RT_PRIORITY', u32],
  targetNetnsid: ['IFA_TARGET_NETNSID', u32],
  proto: ['IFA_PROTO', u8],
});
