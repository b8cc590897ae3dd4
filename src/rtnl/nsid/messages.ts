/**
 * Namespace id message types (RTM_*NSID: rtgenmsg + NETNSA_*), registered on the rtnetlink catalog
 * when this module is imported.
 */
import { RTM } from '../../constants/rtnetlink.js';
import type { ValueOf } from '../../netlink/codec.js';
import { specsOf } from '../../netlink/message.js';
import { rtnetlink } from '../protocol.js';
import { nsidAttrs } from './attrs.js';
import { rtgenmsg } from './rtgenmsg.js';

/** The decoded rtgenmsg. */
export type RtGenMsg = ValueOf<typeof rtgenmsg>;

const nsid = specsOf(rtgenmsg, nsidAttrs, 'family');

/** RTM_NEWNSID: assign an id to a namespace; the kernel's answer to a get or dump. */
export const RTM_NEWNSID = nsid('RTM_NEWNSID', RTM.RTM_NEWNSID, 'new');
/** RTM_DELNSID: an id went away (a notification; the kernel takes no requests of this type). */
export const RTM_DELNSID = nsid('RTM_DELNSID', RTM.RTM_DELNSID, 'del');
/** RTM_GETNSID: the id of a namespace, or a dump of every id. */
export const RTM_GETNSID = nsid('RTM_GETNSID', RTM.RTM_GETNSID, 'get');

rtnetlink.register(RTM_NEWNSID, RTM_DELNSID, RTM_GETNSID);
