/**
 * NETLINK_ROUTE: the catalog of rtnetlink message types. Each family file registers its specs here.
 */
import { Protocol } from '../netlink/message.js';

/** The rtnetlink protocol (NETLINK_ROUTE, 0) and its message catalog. */
export const rtnetlink = new Protocol('NETLINK_ROUTE', 0);
