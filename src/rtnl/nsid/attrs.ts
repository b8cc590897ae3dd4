/** NETNSA_*: network namespace id attributes of RTM_*NSID (linux/net_namespace.h). */
import { NETNSA } from '../../constants/net_namespace.js';
import { s32, u32, type ValueOf } from '../../netlink/codec.js';
import { attrSet } from '../../netlink/schema.js';

/** NETNSA_*: an id, the namespace it names (by pid or fd), and the namespace the id is seen from. */
export const nsidAttrs = attrSet('NETNSA', NETNSA, {
  nsid: ['NETNSA_NSID', s32],
  pid: ['NETNSA_PID', u32],
  fd: ['NETNSA_FD', u32],
  targetNsid: ['NETNSA_TARGET_NSID', s32],
  currentNsid: ['NETNSA_CURRENT_NSID', s32],
});

/** The decoded NETNSA_* attributes. */
export type NsidAttrs = ValueOf<typeof nsidAttrs>;
