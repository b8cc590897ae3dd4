/**
 * ipvlan and ipvtap: devices sharing the MAC address of a lower device (IFLA_LINK), switching by IP
 * address in l2, l3 or l3s mode.
 */
import { IFLA_IPVLAN, IPVLAN_F, IPVLAN_MODE } from '../../../constants/if_link.js';
import { bits, named, u16, type ValueOf } from '../../../netlink/codec.js';
import { attrSet } from '../../../netlink/schema.js';
import { registerKind } from '../registry.js';

/** IFLA_IPVLAN_*. */
export const ipvlanAttrs = attrSet('IFLA_IPVLAN', IFLA_IPVLAN, {
  mode: ['IFLA_IPVLAN_MODE', named(u16, IPVLAN_MODE)],
  flags: ['IFLA_IPVLAN_FLAGS', bits(u16, IPVLAN_F)],
});

/** IFLA_INFO_DATA of an ipvlan or ipvtap. */
export type IpvlanData = ValueOf<typeof ipvlanAttrs>;

/** The ipvlan kind. */
export const ipvlan = registerKind({
  kind: 'ipvlan',
  data: ipvlanAttrs,
  summary: "devices sharing another device's MAC address, switched by IP address (l2, l3, l3s)",
});

/** The ipvtap kind. */
export const ipvtap = registerKind({
  kind: 'ipvtap',
  data: ipvlanAttrs,
  summary: 'an ipvlan whose packets are also read and written through /dev/tapN',
});
