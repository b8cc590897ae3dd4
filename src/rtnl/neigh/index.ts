/**
 * Neighbours (rtnetlink RTM_*NEIGH, RTM_*NEIGHTBL): the ndmsg and ndtmsg structs, the NDA_* and NDTA_*
 * attribute sets, the Neighbours API (ARP/NDP) and the Fdb API (bridge forwarding database).
 */
export * from './api.js';
export * from './attrs.js';
export * from './fdb.js';
export * from './messages.js';
export * from './names.js';
export * from './ndmsg.js';
