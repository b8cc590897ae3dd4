/**
 * Policy routing rules (`ip rule`): list, add and delete IPv4 and IPv6 rules with every selector and
 * action the kernel has.
 */
import { FIB_RULE, FR_ACT } from '../../constants/fib_rules.js';
import { IPPROTO } from '../../constants/in.js';
import { NLM_F } from '../../constants/netlink.js';
import { RT_TABLE } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import type { Connection } from '../../netlink/connection.js';
import { ValidationError } from '../../netlink/errors.js';
import type { Message } from '../../netlink/message.js';
import { parsePrefix, validateIfname, validateInt, validateU32 } from '../validate.js';
import type { RuleAttrs } from './attrs.js';
import { type FibRuleHdr, RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE } from './messages.js';

/** The address families with rules. */
export type RuleFamily = 'inet' | 'inet6';

/** What a rule does when it matches (fib_rule_hdr.action). */
export type RuleAction = 'table' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

/** An inclusive range (of uids or ports). */
export interface Range {
  /** First value. */
  start: number;
  /** Last value. */
  end: number;
}

/** A routing table: its id, or one of the reserved names. */
export type TableRef = number | 'main' | 'local' | 'default';

type Strip<K, P extends string> = K extends `${P}${infer S}` ? Lowercase<S> : never;

/** An IP protocol: its number, or its name in lower case ('tcp', 'udp', 'icmp'...). */
export type IpProtoRef = number | Strip<keyof typeof IPPROTO, 'IPPROTO_'>;

/** A rule to add or delete (`ip rule add|del`). Selectors left out match everything. */
export interface RuleSpec {
  /** 'inet' or 'inet6'; by default the family of `from`/`to`, else 'inet'. */
  family?: RuleFamily;
  /** Preference (FRA_PRIORITY); lower runs first. The kernel picks one below the first rule when left out. */
  priority?: number;
  /** Source prefix, 'ADDR/LEN' (a bare address is a host prefix). */
  from?: string;
  /** Destination prefix. */
  to?: string;
  /** Incoming interface name (FRA_IIFNAME; need not exist yet). */
  iif?: string;
  /** Outgoing interface name (FRA_OIFNAME). */
  oif?: string;
  /** Firewall mark (FRA_FWMARK). */
  fwmark?: number;
  /** Mask for fwmark (FRA_FWMASK). */
  fwmask?: number;
  /** TOS / traffic class byte (fib_rule_hdr.tos). */
  tos?: number;
  /** DSCP, 0..63 (FRA_DSCP); not together with tos. */
  dscp?: number;
  /** Mask for dscp (FRA_DSCP_MASK). */
  dscpMask?: number;
  /** Socket owner uid range (FRA_UID_RANGE). */
  uidrange?: Range;
  /** IP protocol (FRA_IP_PROTO). */
  ipproto?: IpProtoRef;
  /** Source port or range (FRA_SPORT_RANGE). */
  sport?: number | Range;
  /** Mask for a single source port (FRA_SPORT_MASK). */
  sportMask?: number;
  /** Destination port or range (FRA_DPORT_RANGE). */
  dport?: number | Range;
  /** Mask for a single destination port (FRA_DPORT_MASK). */
  dportMask?: number;
  /** IPv6 flow label (FRA_FLOWLABEL). */
  flowlabel?: number;
  /** Mask for flowlabel (FRA_FLOWLABEL_MASK). */
  flowlabelMask?: number;
  /** Tunnel id (FRA_TUN_ID). */
  tunId?: bigint;
  /** Look up the table of the packet's L3 master device, VRF (FRA_L3MDEV); no table then. */
  l3mdev?: boolean;
  /** Invert the selectors (FIB_RULE_INVERT). */
  not?: boolean;
  /** What to do; by default 'goto' when goto is given, else 'table' (a delete without either matches any). */
  action?: RuleAction;
  /** Table to look up for action 'table' (default main when adding). Ids above 255 go in FRA_TABLE. */
  table?: TableRef;
  /** Preference of the rule to jump to (FRA_GOTO), for action 'goto'. */
  goto?: number;
  /** Ignore lookup results with a prefix this long or shorter (FRA_SUPPRESS_PREFIXLEN). */
  suppressPrefixlength?: number;
  /** Ignore lookup results whose device is in this group (FRA_SUPPRESS_IFGROUP). */
  suppressIfgroup?: number;
  /** Realms (FRA_FLOW, IPv4): `to` in the low 16 bits, `from` in the high 16. */
  flow?: number;
  /** Who installed it (FRA_PROTOCOL, RTPROT_* number). */
  protocol?: number;
}

/** A rule, as the kernel reports it. */
export interface Rule {
  /** 'inet', 'inet6', or the number of another family (RTNL_FAMILY_IPMR...). */
  family: RuleFamily | number;
  /** Preference (0 when the kernel sends none). */
  priority: number;
  /** Source prefix 'ADDR/LEN'; absent for all. */
  from?: string;
  /** Destination prefix; absent for all. */
  to?: string;
  /** Incoming interface name. */
  iif?: string;
  /** Outgoing interface name. */
  oif?: string;
  /** Firewall mark. */
  fwmark?: number;
  /** Firewall mark mask. */
  fwmask?: number;
  /** TOS byte (0: any). */
  tos: number;
  /** DSCP (FRA_DSCP), when matched on. */
  dscp?: number;
  /** DSCP mask. */
  dscpMask?: number;
  /** Uid range. */
  uidrange?: Range;
  /** IP protocol number. */
  ipproto?: number;
  /** Source port range. */
  sport?: Range;
  /** Source port mask. */
  sportMask?: number;
  /** Destination port range. */
  dport?: Range;
  /** Destination port mask. */
  dportMask?: number;
  /** IPv6 flow label. */
  flowlabel?: number;
  /** Flow label mask. */
  flowlabelMask?: number;
  /** Tunnel id. */
  tunId?: bigint;
  /** Looks up the L3 master device's table. */
  l3mdev: boolean;
  /** Selectors inverted. */
  not: boolean;
  /** The action, or its number when unknown. */
  action: RuleAction | number;
  /** Table looked up (FRA_TABLE, else the header's), when not 0. */
  table?: number;
  /** Target preference of a goto. */
  goto?: number;
  /** The goto target does not exist (FIB_RULE_UNRESOLVED). */
  unresolved: boolean;
  /** Suppressed prefix length. */
  suppressPrefixlength?: number;
  /** Suppressed interface group. */
  suppressIfgroup?: number;
  /** Realms. */
  flow?: number;
  /** Who installed it (RTPROT_* number). */
  protocol?: number;
  /** fib_rule_hdr.flags (FIB_RULE_*). */
  flags: number;
  /** Every attribute the kernel sent. */
  attrs: RuleAttrs;
}

const FAMILIES: Record<RuleFamily, number> = { inet: AF.AF_INET, inet6: AF.AF_INET6 };
const ACTIONS: Record<RuleAction, number> = {
  table: FR_ACT.FR_ACT_TO_TBL,
  goto: FR_ACT.FR_ACT_GOTO,
  nop: FR_ACT.FR_ACT_NOP,
  blackhole: FR_ACT.FR_ACT_BLACKHOLE,
  unreachable: FR_ACT.FR_ACT_UNREACHABLE,
  prohibit: FR_ACT.FR_ACT_PROHIBIT,
};
const TABLES: Record<string, number> = {
  main: RT_TABLE.RT_TABLE_MAIN,
  local: RT_TABLE.RT_TABLE_LOCAL,
  default: RT_TABLE.RT_TABLE_DEFAULT,
};
const PROTOS = new Map(
  Object.entries(IPPROTO).map(([k, v]) => [k.slice('IPPROTO_'.length).toLowerCase(), v]),
);

const UNSET = 0xffffffff;

const familyName = (n: number): RuleFamily | number =>
  n === AF.AF_INET ? 'inet' : n === AF.AF_INET6 ? 'inet6' : n;

/** The API view of an RTM_NEWRULE message. */
export function toRule(m: Message<FibRuleHdr, RuleAttrs>): Rule {
  const h = m.header;
  const a = m.attrs;
  const flags = h.flags ?? 0;
  const action = h.action ?? 0;
  const r: Rule = {
    family: familyName(h.family ?? 0),
    priority: a.priority ?? 0,
    tos: h.tos ?? 0,
    l3mdev: (a.l3mdev ?? 0) !== 0,
    not: (flags & FIB_RULE.FIB_RULE_INVERT) !== 0,
    action: (Object.keys(ACTIONS) as RuleAction[]).find((k) => ACTIONS[k] === action) ?? action,
    unresolved: (flags & FIB_RULE.FIB_RULE_UNRESOLVED) !== 0,
    flags,
    attrs: a,
  };
  if (a.src !== undefined) r.from = `${a.src}/${h.srcLen ?? 0}`;
  if (a.dst !== undefined) r.to = `${a.dst}/${h.dstLen ?? 0}`;
  if (a.iifname !== undefined) r.iif = a.iifname;
  if (a.oifname !== undefined) r.oif = a.oifname;
  if (a.fwmark !== undefined) r.fwmark = a.fwmark;
  if (a.fwmask !== undefined) r.fwmask = a.fwmask;
  if (a.dscp !== undefined) r.dscp = a.dscp;
  if (a.dscpMask !== undefined) r.dscpMask = a.dscpMask;
  if (a.uidRange !== undefined) r.uidrange = { start: a.uidRange.start ?? 0, end: a.uidRange.end ?? 0 };
  if (a.ipProto !== undefined) r.ipproto = a.ipProto;
  if (a.sportRange !== undefined) r.sport = { start: a.sportRange.start ?? 0, end: a.sportRange.end ?? 0 };
  if (a.sportMask !== undefined) r.sportMask = a.sportMask;
  if (a.dportRange !== undefined) r.dport = { start: a.dportRange.start ?? 0, end: a.dportRange.end ?? 0 };
  if (a.dportMask !== undefined) r.dportMask = a.dportMask;
  if (a.flowlabel !== undefined) r.flowlabel = a.flowlabel;
  if (a.flowlabelMask !== undefined) r.flowlabelMask = a.flowlabelMask;
  if (a.tunId !== undefined) r.tunId = a.tunId;
  const table = a.table ?? h.table ?? 0;
  if (table !== 0) r.table = table;
  if (a.goto !== undefined) r.goto = a.goto;
  // The kernel sends -1 (as u32) for "not set".
  if (a.suppressPrefixlen !== undefined && a.suppressPrefixlen !== UNSET)
    r.suppressPrefixlength = a.suppressPrefixlen;
  if (a.suppressIfgroup !== undefined && a.suppressIfgroup !== UNSET) r.suppressIfgroup = a.suppressIfgroup;
  if (a.flow !== undefined) r.flow = a.flow;
  if (a.protocol !== undefined) r.protocol = a.protocol;
  return r;
}

function tableId(t: unknown): number {
  if (typeof t === 'string') {
    const id = TABLES[t];
    if (id === undefined)
      throw new ValidationError('table', t, "expected a table id or 'main', 'local', 'default'");
    return id;
  }
  return validateInt('table', t, 1, 0xffffffff);
}

function portRange(field: string, v: unknown): { start: number; end: number } {
  if (typeof v === 'number') {
    validateInt(field, v, 0, 0xffff);
    return { start: v, end: v };
  }
  if (typeof v !== 'object' || v === null)
    throw new ValidationError(field, v, 'expected a port or { start, end }');
  const { start, end } = v as Range;
  validateInt(`${field}.start`, start, 0, 0xffff);
  validateInt(`${field}.end`, end, start, 0xffff);
  return { start, end };
}

function describe(s: RuleSpec): string {
  const parts: string[] = [];
  if (s.priority !== undefined) parts.push('pref', String(s.priority));
  if (s.from !== undefined) parts.push('from', s.from);
  if (s.to !== undefined) parts.push('to', s.to);
  if (s.iif !== undefined) parts.push('iif', s.iif);
  if (s.oif !== undefined) parts.push('oif', s.oif);
  if (s.table !== undefined) parts.push('table', String(s.table));
  if (s.action !== undefined && s.action !== 'table') parts.push(s.action);
  return parts.join(' ');
}

/** Builds fib_rule_hdr and FRA_* for a rule; `adding` fills in the defaults `ip rule add` uses. */
export function encodeRule(s: RuleSpec, adding: boolean): { header: FibRuleHdr; attrs: RuleAttrs } {
  if (typeof s !== 'object' || s === null) throw new ValidationError('rule', s, 'expected an object');
  const from = s.from === undefined ? undefined : parsePrefix(s.from, 'from');
  const to = s.to === undefined ? undefined : parsePrefix(s.to, 'to');
  let family: number;
  if (s.family !== undefined) {
    family = FAMILIES[s.family];
    if (family === undefined) throw new ValidationError('family', s.family, "expected 'inet' or 'inet6'");
  } else family = from?.family ?? to?.family ?? AF.AF_INET;
  if (from && from.family !== family) throw new ValidationError('from', s.from, 'not of the rule family');
  if (to && to.family !== family) throw new ValidationError('to', s.to, 'not of the rule family');

  const action = s.action ?? (s.goto !== undefined ? 'goto' : 'table');
  const act = ACTIONS[action];
  if (act === undefined)
    throw new ValidationError('action', s.action, `expected one of ${Object.keys(ACTIONS).join(', ')}`);
  // A delete without an action, goto or table matches rules of any action (FR_ACT_UNSPEC).
  const anyAction = !adding && s.action === undefined && s.goto === undefined && s.table === undefined;
  if (s.goto !== undefined && action !== 'goto')
    throw new ValidationError('goto', s.goto, `a goto target needs action 'goto', not '${action}'`);
  if (action === 'goto' && s.goto === undefined && adding)
    throw new ValidationError('goto', s.goto, "action 'goto' needs a target preference");
  if (s.table !== undefined && action !== 'table')
    throw new ValidationError('table', s.table, `a table needs action 'table', not '${action}'`);
  if (s.l3mdev && s.table !== undefined)
    throw new ValidationError('table', s.table, 'l3mdev rules take the table of the L3 master device');

  const header: FibRuleHdr = {
    family,
    action: anyAction ? FR_ACT.FR_ACT_UNSPEC : act,
    flags: s.not ? FIB_RULE.FIB_RULE_INVERT : 0,
  };
  const attrs: RuleAttrs = {};
  if (s.priority !== undefined) attrs.priority = validateU32('priority', s.priority);
  if (from) {
    header.srcLen = from.prefixlen;
    attrs.src = from.address;
  }
  if (to) {
    header.dstLen = to.prefixlen;
    attrs.dst = to.address;
  }
  if (s.iif !== undefined) attrs.iifname = validateIfname(s.iif, 'iif');
  if (s.oif !== undefined) attrs.oifname = validateIfname(s.oif, 'oif');
  if (s.fwmark !== undefined) attrs.fwmark = validateU32('fwmark', s.fwmark);
  if (s.fwmask !== undefined) attrs.fwmask = validateU32('fwmask', s.fwmask);
  if (s.tos !== undefined) header.tos = validateInt('tos', s.tos, 0, 255);
  if (s.dscp !== undefined) attrs.dscp = validateInt('dscp', s.dscp, 0, 63);
  if (s.dscpMask !== undefined) attrs.dscpMask = validateInt('dscpMask', s.dscpMask, 0, 63);
  if (s.uidrange !== undefined) {
    const u = s.uidrange as Range;
    if (typeof u !== 'object' || u === null)
      throw new ValidationError('uidrange', u, 'expected { start, end }');
    validateU32('uidrange.start', u.start);
    validateInt('uidrange.end', u.end, u.start, 0xffffffff);
    attrs.uidRange = { start: u.start, end: u.end };
  }
  if (s.ipproto !== undefined) {
    const p = typeof s.ipproto === 'string' ? PROTOS.get(s.ipproto) : s.ipproto;
    if (p === undefined) throw new ValidationError('ipproto', s.ipproto, 'unknown IP protocol name');
    attrs.ipProto = validateInt('ipproto', p, 0, 255);
  }
  if (s.sport !== undefined) attrs.sportRange = portRange('sport', s.sport);
  if (s.sportMask !== undefined) attrs.sportMask = validateInt('sportMask', s.sportMask, 0, 0xffff);
  if (s.dport !== undefined) attrs.dportRange = portRange('dport', s.dport);
  if (s.dportMask !== undefined) attrs.dportMask = validateInt('dportMask', s.dportMask, 0, 0xffff);
  if (s.flowlabel !== undefined) attrs.flowlabel = validateInt('flowlabel', s.flowlabel, 0, 0xfffff);
  if (s.flowlabelMask !== undefined)
    attrs.flowlabelMask = validateInt('flowlabelMask', s.flowlabelMask, 0, 0xfffff);
  if (s.tunId !== undefined) {
    if (typeof s.tunId !== 'bigint' || s.tunId < 0n || s.tunId >= 1n << 64n)
      throw new ValidationError('tunId', s.tunId, 'expected a u64 bigint');
    attrs.tunId = s.tunId;
  }
  if (s.l3mdev) attrs.l3mdev = 1;
  if (s.goto !== undefined) attrs.goto = validateU32('goto', s.goto);
  if (s.suppressPrefixlength !== undefined)
    attrs.suppressPrefixlen = validateInt('suppressPrefixlength', s.suppressPrefixlength, 0, 128);
  if (s.suppressIfgroup !== undefined)
    attrs.suppressIfgroup = validateU32('suppressIfgroup', s.suppressIfgroup);
  if (s.flow !== undefined) attrs.flow = validateU32('flow', s.flow);
  if (s.protocol !== undefined) attrs.protocol = validateInt('protocol', s.protocol, 0, 255);

  const table =
    s.table !== undefined
      ? tableId(s.table)
      : adding && action === 'table' && !s.l3mdev
        ? RT_TABLE.RT_TABLE_MAIN
        : 0;
  if (table !== 0) {
    // As ip does: small ids in the header, the rest in FRA_TABLE.
    if (table < 256) header.table = table;
    else attrs.table = table;
  }
  return { header, attrs };
}

/** The IPv4 and IPv6 rules of the connection's namespace. */
export class Rules {
  /** The rtnetlink connection requests go through. */
  readonly conn: Connection;

  /** Uses `conn`, an rtnetlink connection (`Connection.open(rtnetlink, { netns })`). */
  constructor(conn: Connection) {
    this.conn = conn;
  }

  /** Lists rules in the kernel's order, like `ip [-4|-6] rule show`; every family when none is given. */
  async list(filter: { family?: RuleFamily } = {}): Promise<Rule[]> {
    const family = filter.family === undefined ? AF.AF_UNSPEC : FAMILIES[filter.family];
    if (family === undefined)
      throw new ValidationError('family', filter.family, "expected 'inet' or 'inet6'");
    const msgs = await this.conn.dump(RTM_GETRULE, { family }, {}, { context: 'rule show' });
    return msgs.map((m) => toRule(m as Message<FibRuleHdr, RuleAttrs>));
  }

  /** Adds a rule (`ip rule add`); EEXIST when an identical one exists. */
  async add(rule: RuleSpec): Promise<void> {
    const { header, attrs } = encodeRule(rule, true);
    await this.conn.request(RTM_NEWRULE, header, attrs, {
      flags: NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL,
      context: `rule add ${describe(rule)}`,
    });
  }

  /** Deletes the first rule matching every field given (`ip rule del`); ENOENT when none does. */
  async delete(rule: RuleSpec): Promise<void> {
    const { header, attrs } = encodeRule(rule, false);
    await this.conn.request(RTM_DELRULE, header, attrs, { context: `rule del ${describe(rule)}` });
  }
}
