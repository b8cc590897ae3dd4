/**
 * RTM_NEWROUTE, RTM_DELROUTE and RTM_GETROUTE: rtmsg then RTA_* attributes. Registered on
 * {@link rtnetlink} when this module is imported.
 */
import { RTM } from '../../constants/rtnetlink.js';
import { type MessageSpec, specsOf } from '../../netlink/message.js';
import { rtnetlink } from '../protocol.js';
import { type RouteAttrs, routeAttrs } from './attrs.js';
import { type RtMsg, rtmsg } from './rtmsg.js';

/** The message spec of a route message. */
export type RouteMessageSpec = MessageSpec<RtMsg, RouteAttrs>;

const spec = specsOf(rtmsg, routeAttrs, 'family');

/** RTM_NEWROUTE: adds, replaces or appends a route; also each entry of a dump, and notifications. */
export const rtmNewRoute = spec('RTM_NEWROUTE', RTM.RTM_NEWROUTE, 'new');
/** RTM_DELROUTE: deletes a route. */
export const rtmDelRoute = spec('RTM_DELROUTE', RTM.RTM_DELROUTE, 'del');
/** RTM_GETROUTE: a route lookup (`ip route get`), or a dump of the FIB. */
export const rtmGetRoute = spec('RTM_GETROUTE', RTM.RTM_GETROUTE, 'get');

rtnetlink.register(rtmNewRoute, rtmDelRoute, rtmGetRoute);
