/**
 * tun and tap devices. Their IFLA_TUN_* data is dump-only: the kernel creates tun/tap devices through
 * the TUNSETIFF ioctl on /dev/net/tun (as `ip tuntap add` does), not through RTM_NEWLINK, so nlwire
 * decodes these attributes but does not create tun devices.
 */
import { IFLA_TUN } from '../../../constants/if_link.js';
import { named, u8, u32, type ValueOf } from '../../../netlink/codec.js';
import { attrSet } from '../../../netlink/schema.js';
import { registerKind } from '../registry.js';

/** IFF_TUN / IFF_TAP: the values of IFLA_TUN_TYPE (linux/if_tun.h). */
export const TUN_TYPE = { IFF_TUN: 1, IFF_TAP: 2 } as const;

/** IFLA_TUN_*: owner, group, type and flags of a tun/tap device (booleans are u8 0/1). */
export const tunAttrs = attrSet('IFLA_TUN', IFLA_TUN, {
  owner: ['IFLA_TUN_OWNER', u32],
  group: ['IFLA_TUN_GROUP', u32],
  type: ['IFLA_TUN_TYPE', named(u8, TUN_TYPE)],
  pi: ['IFLA_TUN_PI', u8],
  vnetHdr: ['IFLA_TUN_VNET_HDR', u8],
  persist: ['IFLA_TUN_PERSIST', u8],
  multiQueue: ['IFLA_TUN_MULTI_QUEUE', u8],
  numQueues: ['IFLA_TUN_NUM_QUEUES', u32],
  numDisabledQueues: ['IFLA_TUN_NUM_DISABLED_QUEUES', u32],
});

/** IFLA_INFO_DATA of a tun/tap device. */
export type TunData = ValueOf<typeof tunAttrs>;

/** The tun kind (both tun and tap devices report kind "tun"). */
export const tun = registerKind({
  kind: 'tun',
  data: tunAttrs,
  summary: 'tun/tap: a device whose packets are read and written by a program (created by ioctl)',
});
