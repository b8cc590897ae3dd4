/**
 * Network namespace ids (rtnetlink RTM_*NSID): the rtgenmsg header, the NETNSA_* attribute set, and
 * the Nsids API.
 */
export * from './api.js';
export * from './attrs.js';
export * from './messages.js';
export * from './rtgenmsg.js';
