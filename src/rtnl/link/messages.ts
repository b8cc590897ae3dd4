/**
 * Link messages (RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK; RTM_NEWLINKPROP and
 * RTM_DELLINKPROP for alternative names), registered on the rtnetlink protocol on import.
 */
import { RTM } from '../../constants/rtnetlink.js';
import type { ValueOf } from '../../netlink/codec.js';
import type { MessageSpec } from '../../netlink/message.js';
import { rtnetlink } from '../protocol.js';
import { type LinkAttrs, linkAttrs } from './attrs.js';
import { ifinfomsg } from './ifinfomsg.js';

/** The decoded struct ifinfomsg. */
export type IfInfoMsg = ValueOf<typeof ifinfomsg>;

type LinkSpec = MessageSpec<IfInfoMsg, LinkAttrs>;

const spec = (name: keyof typeof RTM, kind: LinkSpec['kind']): LinkSpec => ({
  name,
  type: RTM[name],
  kind,
  header: ifinfomsg,
  attrs: linkAttrs,
  familyKey: 'family',
});

/** RTM_NEWLINK: create or change a link; also every link in a dump and every link event. */
export const RTM_NEWLINK = spec('RTM_NEWLINK', 'new');
/** RTM_DELLINK: delete a link (by index, name, or every link of an IFLA_GROUP); link-gone events. */
export const RTM_DELLINK = spec('RTM_DELLINK', 'del');
/** RTM_GETLINK: get one link or dump them (filtered by IFLA_MASTER and IFLA_LINKINFO/IFLA_INFO_KIND). */
export const RTM_GETLINK = spec('RTM_GETLINK', 'get');
/** RTM_SETLINK: change a link (older request type; RTM_NEWLINK without NLM_F_CREATE does the same). */
export const RTM_SETLINK = spec('RTM_SETLINK', 'set');
/** RTM_NEWLINKPROP: add alternative names (IFLA_PROP_LIST/IFLA_ALT_IFNAME). */
export const RTM_NEWLINKPROP = spec('RTM_NEWLINKPROP', 'new');
/** RTM_DELLINKPROP: remove alternative names. */
export const RTM_DELLINKPROP = spec('RTM_DELLINKPROP', 'del');

rtnetlink.register(RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK, RTM_NEWLINKPROP, RTM_DELLINKPROP);
