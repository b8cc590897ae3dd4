/**
 * Addresses (rtnetlink RTM_*ADDR): the ifaddrmsg struct, the IFA_* attribute set, and the Addresses API.
 */
export * from './api.js';
export * from './attrs.js';
export * from './dev.js';
export * from './flags.js';
export * from './ifaddrmsg.js';
export * from './messages.js';
