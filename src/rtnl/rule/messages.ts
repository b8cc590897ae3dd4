/**
 * Rule message types (RTM_*RULE: fib_rule_hdr + FRA_*), registered on the rtnetlink catalog when
 * this module is imported.
 */
import { RTM } from '../../constants/rtnetlink.js';
import type { ValueOf } from '../../netlink/codec.js';
import { specsOf } from '../../netlink/message.js';
import { rtnetlink } from '../protocol.js';
import { ruleAttrs } from './attrs.js';
import { fibRuleHdr } from './fib-rule-hdr.js';

/** The decoded fib_rule_hdr. */
export type FibRuleHdr = ValueOf<typeof fibRuleHdr>;

const rule = specsOf(fibRuleHdr, ruleAttrs, 'family');

/** RTM_NEWRULE: add a rule; the kernel's answer to a dump. */
export const RTM_NEWRULE = rule('RTM_NEWRULE', RTM.RTM_NEWRULE, 'new');
/** RTM_DELRULE: delete the first rule that matches every given field. */
export const RTM_DELRULE = rule('RTM_DELRULE', RTM.RTM_DELRULE, 'del');
/** RTM_GETRULE: dump the rules. */
export const RTM_GETRULE = rule('RTM_GETRULE', RTM.RTM_GETRULE, 'get');

rtnetlink.register(RTM_NEWRULE, RTM_DELRULE, RTM_GETRULE);
