/**
 * macvlan and macvtap: devices with their own MAC address on top of a lower device (IFLA_LINK).
 * macvtap is a macvlan with a character device for the packets; both use IFLA_MACVLAN_*.
 */
import { IFLA_MACVLAN, MACVLAN_FLAG, MACVLAN_MACADDR, MACVLAN_MODE } from '../../../constants/if_link.js';
import { lladdr } from '../../../netlink/address.js';
import { bits, named, s32, u16, u32, type ValueOf } from '../../../netlink/codec.js';
import { attrSet } from '../../../netlink/schema.js';
import { registerKind } from '../registry.js';

/** IFLA_MACVLAN_MACADDR_DATA's nest: the source MACs of a source-mode macvlan. */
export const macvlanMacaddrDataAttrs = attrSet('IFLA_MACVLAN_MACADDR_DATA', IFLA_MACVLAN, {
  macaddr: ['IFLA_MACVLAN_MACADDR', lladdr, { multi: true }],
});

/** IFLA_MACVLAN_*. */
export const macvlanAttrs = attrSet('IFLA_MACVLAN', IFLA_MACVLAN, {
  mode: ['IFLA_MACVLAN_MODE', named(u32, MACVLAN_MODE)],
  flags: ['IFLA_MACVLAN_FLAGS', bits(u16, MACVLAN_FLAG)],
  macaddrMode: ['IFLA_MACVLAN_MACADDR_MODE', named(u32, MACVLAN_MACADDR)],
  macaddr: ['IFLA_MACVLAN_MACADDR', lladdr],
  macaddrData: ['IFLA_MACVLAN_MACADDR_DATA', macvlanMacaddrDataAttrs],
  macaddrCount: ['IFLA_MACVLAN_MACADDR_COUNT', u32],
  bcQueueLen: ['IFLA_MACVLAN_BC_QUEUE_LEN', u32],
  bcQueueLenUsed: ['IFLA_MACVLAN_BC_QUEUE_LEN_USED', u32],
  bcCutoff: ['IFLA_MACVLAN_BC_CUTOFF', s32],
});

/** IFLA_INFO_DATA of a macvlan or macvtap. */
export type MacvlanData = ValueOf<typeof macvlanAttrs>;

/** The macvlan kind. */
export const macvlan = registerKind({
  kind: 'macvlan',
  data: macvlanAttrs,
  summary: 'a device with its own MAC address on top of another (private, vepa, bridge, passthru, source)',
});

/** The macvtap kind. */
export const macvtap = registerKind({
  kind: 'macvtap',
  data: macvlanAttrs,
  summary: 'a macvlan whose packets are also read and written through /dev/tapN',
});
