/**
 * veth: a pair of connected Ethernet devices. VETH_INFO_PEER holds the peer's ifinfomsg and its IFLA_*
 * attributes (name, namespace, address...): the link attribute set itself, nested.
 */
import { VETH_INFO } from '../../../constants/veth.js';
import type { ValueOf } from '../../../netlink/codec.js';
import { attrSet, withHeader } from '../../../netlink/schema.js';
import { linkAttrs } from '../attrs.js';
import { ifinfomsg } from '../ifinfomsg.js';
import { registerKind } from '../registry.js';

/** VETH_INFO_*: the peer, as an ifinfomsg followed by IFLA_* attributes. */
export const vethAttrs = attrSet('VETH_INFO', VETH_INFO, {
  peer: ['VETH_INFO_PEER', withHeader(ifinfomsg, linkAttrs)],
});

/** IFLA_INFO_DATA of a veth (only sent when creating: the kernel does not dump the peer). */
export type VethData = ValueOf<typeof vethAttrs>;

/** The veth kind. */
export const veth = registerKind({
  kind: 'veth',
  data: vethAttrs,
  summary: 'virtual Ethernet pair: what enters one end leaves the other',
});
