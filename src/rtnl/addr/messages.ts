/**
 * RTM_NEWADDR, RTM_DELADDR and RTM_GETADDR: ifaddrmsg then IFA_* attributes. Registered on
 * {@link rtnetlink} when this module is imported.
 */
import { RTM } from '../../constants/rtnetlink.js';
import { type MessageSpec, specsOf } from '../../netlink/message.js';
import { rtnetlink } from '../protocol.js';
import { type AddrAttrs, addrAttrs } from './attrs.js';
import { type IfAddrMsg, ifaddrmsg } from './ifaddrmsg.js';

/** The message spec of an address message. */
export type AddrMessageSpec = MessageSpec<IfAddrMsg, AddrAttrs>;

const spec = specsOf(ifaddrmsg, addrAttrs, 'family');

/** RTM_NEWADDR: adds or replaces an address; also each entry of a dump and notifications. */
export const rtmNewAddr = spec('RTM_NEWADDR', RTM.RTM_NEWADDR, 'new');
/** RTM_DELADDR: deletes an address. */
export const rtmDelAddr = spec('RTM_DELADDR', RTM.RTM_DELADDR, 'del');
/** RTM_GETADDR: dumps addresses (filtered by family and ifa_index with strict checking). */
export const rtmGetAddr = spec('RTM_GETADDR', RTM.RTM_GETADDR, 'get');

rtnetlink.register(rtmNewAddr, rtmDelAddr, rtmGetAddr);
