/**
 * struct fib_rule_hdr, the header of RTM_*RULE messages, and the structs carried in FRA_*
 * attributes (linux/fib_rules.h).
 */
import { FIB_RULE, FR_ACT } from '../../constants/fib_rules.js';
import { AF } from '../../constants/socket.js';
import { struct } from '../../netlink/struct.js';

/** struct fib_rule_hdr. `table` holds ids below 256 only; FRA_TABLE holds any. */
export const fibRuleHdr = struct('fib_rule_hdr', [
  ['family', 'family', 'u8', { enum: AF }],
  ['dst_len', 'dstLen', 'u8'],
  ['src_len', 'srcLen', 'u8'],
  ['tos', 'tos', 'u8'],
  ['table', 'table', 'u8'],
  ['res1', null, 'u8'],
  ['res2', null, 'u8'],
  ['action', 'action', 'u8', { enum: FR_ACT }],
  ['flags', 'flags', 'u32', { bits: FIB_RULE }],
]);

/** Names of fib_rule_hdr.action values (FR_ACT_*). */
export const FR_ACT_NAMES = FR_ACT;
/** Names of fib_rule_hdr.flags bits (FIB_RULE_*). */
export const FIB_RULE_NAMES = FIB_RULE;

/** struct fib_rule_uid_range (FRA_UID_RANGE): inclusive. */
export const fibRuleUidRange = struct('fib_rule_uid_range', [
  ['start', 'start', 'u32'],
  ['end', 'end', 'u32'],
]);

/** struct fib_rule_port_range (FRA_SPORT_RANGE, FRA_DPORT_RANGE): inclusive, host order. */
export const fibRulePortRange = struct('fib_rule_port_range', [
  ['start', 'start', 'u16'],
  ['end', 'end', 'u16'],
]);
