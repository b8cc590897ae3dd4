/**
 * Policy routing rules (rtnetlink RTM_*RULE): the fib_rule_hdr struct, the FRA_* attribute set, and
 * the Rules API.
 */
export * from './api.js';
export * from './attrs.js';
export * from './fib-rule-hdr.js';
export * from './messages.js';
