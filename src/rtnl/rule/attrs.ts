/** FRA_*: the attributes of policy routing rules (linux/fib_rules.h). */
import { FRA } from '../../constants/fib_rules.js';
import { IPPROTO } from '../../constants/in.js';
import { RTPROT } from '../../constants/rtnetlink.js';
import { ipaddr } from '../../netlink/address.js';
import { be32, be64, binary, named, string, u8, u16, u32, type ValueOf } from '../../netlink/codec.js';
import { attrSet } from '../../netlink/schema.js';
import { fibRulePortRange, fibRuleUidRange } from './fib-rule-hdr.js';

/** FRA_*: rule selectors and actions. */
export const ruleAttrs = attrSet('FRA', FRA, {
  dst: ['FRA_DST', ipaddr],
  src: ['FRA_SRC', ipaddr],
  iifname: ['FRA_IIFNAME', string],
  goto: ['FRA_GOTO', u32],
  priority: ['FRA_PRIORITY', u32],
  fwmark: ['FRA_FWMARK', u32],
  flow: ['FRA_FLOW', u32],
  tunId: ['FRA_TUN_ID', be64],
  suppressIfgroup: ['FRA_SUPPRESS_IFGROUP', u32],
  suppressPrefixlen: ['FRA_SUPPRESS_PREFIXLEN', u32],
  table: ['FRA_TABLE', u32],
  fwmask: ['FRA_FWMASK', u32],
  oifname: ['FRA_OIFNAME', string],
  pad: ['FRA_PAD', binary],
  l3mdev: ['FRA_L3MDEV', u8],
  uidRange: ['FRA_UID_RANGE', fibRuleUidRange],
  protocol: ['FRA_PROTOCOL', named(u8, RTPROT)],
  ipProto: ['FRA_IP_PROTO', named(u8, IPPROTO)],
  sportRange: ['FRA_SPORT_RANGE', fibRulePortRange],
  dportRange: ['FRA_DPORT_RANGE', fibRulePortRange],
  dscp: ['FRA_DSCP', u8],
  flowlabel: ['FRA_FLOWLABEL', be32],
  flowlabelMask: ['FRA_FLOWLABEL_MASK', be32],
  sportMask: ['FRA_SPORT_MASK', u16],
  dportMask: ['FRA_DPORT_MASK', u16],
  dscpMask: ['FRA_DSCP_MASK', u8],
});

/** The decoded FRA_* attributes of a rule message. */
export type RuleAttrs = ValueOf<typeof ruleAttrs>;
