/**
 * Neighbour message types (RTM_*NEIGH with ndmsg + NDA_*, RTM_*NEIGHTBL with ndtmsg + NDTA_*),
 * registered on the rtnetlink catalog when this module is imported.
 */
import { RTM } from '../../constants/rtnetlink.js';
import type { ValueOf } from '../../netlink/codec.js';
import { specsOf } from '../../netlink/message.js';
import { rtnetlink } from '../protocol.js';
import { neighAttrs, neighTableAttrs } from './attrs.js';
import { ndmsg, ndtmsg } from './ndmsg.js';

/** The decoded ndmsg header. */
export type NdMsg = ValueOf<typeof ndmsg>;

const neigh = specsOf(ndmsg, neighAttrs, 'family');

/** RTM_NEWNEIGH: add or change a neighbour or FDB entry; the kernel's answer to a get or dump. */
export const RTM_NEWNEIGH = neigh('RTM_NEWNEIGH', RTM.RTM_NEWNEIGH, 'new');
/** RTM_DELNEIGH: delete a neighbour or FDB entry. */
export const RTM_DELNEIGH = neigh('RTM_DELNEIGH', RTM.RTM_DELNEIGH, 'del');
/** RTM_GETNEIGH: get one neighbour, or dump them (AF_BRIDGE: the FDB). */
export const RTM_GETNEIGH = neigh('RTM_GETNEIGH', RTM.RTM_GETNEIGH, 'get');

const table = specsOf(ndtmsg, neighTableAttrs, 'family');

/** RTM_NEWNEIGHTBL: a neighbour table's settings and counters (the kernel's answer to a dump). */
export const RTM_NEWNEIGHTBL = table('RTM_NEWNEIGHTBL', RTM.RTM_NEWNEIGHTBL, 'new');
/** RTM_GETNEIGHTBL: dump the neighbour tables. */
export const RTM_GETNEIGHTBL = table('RTM_GETNEIGHTBL', RTM.RTM_GETNEIGHTBL, 'get');
/** RTM_SETNEIGHTBL: change a neighbour table's parameters. */
export const RTM_SETNEIGHTBL = table('RTM_SETNEIGHTBL', RTM.RTM_SETNEIGHTBL, 'set');

rtnetlink.register(
  RTM_NEWNEIGH,
  RTM_DELNEIGH,
  RTM_GETNEIGH,
  RTM_NEWNEIGHTBL,
  RTM_GETNEIGHTBL,
  RTM_SETNEIGHTBL,
);
