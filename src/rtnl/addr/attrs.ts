/**
 * IFA_* attributes of RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR (linux/if_addr.h). Order follows what
 * `ip address add` sends (local, label, address, broadcast...), so requests match iproute2's bytes.
 */
import { IFA, IFA_F, IFAPROT } from '../../constants/if_addr.js';
import { ipaddr } from '../../netlink/address.js';
import { bits, named, s32, string, u8, u32, type ValueOf } from '../../netlink/codec.js';
import { attrSet } from '../../netlink/schema.js';
import { ifaCacheinfo } from './ifaddrmsg.js';

/** IFA_* attributes (linux/if_addr.h). */
export const addrAttrs = attrSet('IFA', IFA, {
  /** IFA_LOCAL: the interface's own address. */
  local: ['IFA_LOCAL', ipaddr],
  label: ['IFA_LABEL', string],
  /** IFA_ADDRESS: the prefix address; the peer's address on point-to-point links. */
  address: ['IFA_ADDRESS', ipaddr],
  broadcast: ['IFA_BROADCAST', ipaddr],
  anycast: ['IFA_ANYCAST', ipaddr],
  cacheinfo: ['IFA_CACHEINFO', ifaCacheinfo],
  multicast: ['IFA_MULTICAST', ipaddr],
  flags: ['IFA_FLAGS', bits(u32, IFA_F)],
  rtPriority: ['IFA_RT_PRIORITY', u32],
  targetNetnsid: ['IFA_TARGET_NETNSID', s32],
  proto: ['IFA_PROTO', named(u8, IFAPROT)],
});

/** Decoded IFA_* attributes. */
export type AddrAttrs = ValueOf<typeof addrAttrs>;
