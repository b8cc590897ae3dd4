/**
 * Routes (rtnetlink RTM_*ROUTE): rtmsg and its companion structs, the RTA_* / RTAX_* attribute sets,
 * the names `ip route` uses, and the Routes API.
 */
export * from './api.js';
export * from './attrs.js';
export * from './messages.js';
export * from './names.js';
export * from './rtmsg.js';
export * from './rtvia.js';
