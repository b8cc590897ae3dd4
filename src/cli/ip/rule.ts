/**
 * `nlwire rule`: `ip rule` — show, add, delete and flush policy routing rules (IPv4 unless -6).
 */
import { NLM_F } from '../../constants/netlink.js';
import { AF } from '../../constants/socket.js';
import type { Message } from '../../netlink/message.js';
import { encodeRule, type Rule, type RuleAction, type RuleSpec, toRule } from '../../rtnl/rule/api.js';
import type { RuleAttrs } from '../../rtnl/rule/attrs.js';
import { type FibRuleHdr, RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE } from '../../rtnl/rule/messages.js';
import type { Ctx } from './context.js';
import { IpUsageError } from './errors.js';
import { ruleText } from './human.js';
import { type Obj, ruleJson } from './json.js';
import { writeJson } from './jsonw.js';
import { PROTOCOLS, TABLES } from './names.js';
import { parseUint, pick, Words } from './words.js';

const HELP = `Usage: nlwire rule { add | del } SELECTOR ACTION
       nlwire rule { flush | show | list }
SELECTOR := [ not ] [ from PREFIX ] [ to PREFIX ] [ tos TOS ] [ fwmark FWMARK[/MASK] ]
            [ iif STRING ] [ oif STRING ] [ pref NUMBER ] [ l3mdev ] [ uidrange NUMBER-NUMBER ]
            [ ipproto PROTOCOL ] [ sport [ NUMBER | NUMBER-NUMBER ] ] [ dport [ NUMBER | NUMBER-NUMBER ] ]
            [ tun_id TUN_ID ]
ACTION := [ table TABLE_ID ] [ protocol PROTO ] [ realms [SRCREALM/]DSTREALM ] [ goto NUMBER ]
          SUPPRESSOR
SUPPRESSOR := [ suppress_prefixlength NUMBER ] [ suppress_ifgroup DEVGROUP ]
TABLE_ID := [ local | main | default | NUMBER ]
Add --dry-run to add or del to print the request instead of sending it.
`;

/** Runs `nlwire rule ...`. */
export async function run(ctx: Ctx, words: string[]): Promise<void> {
  const [cmd = 'show', ...rest] = words;
  if (cmd === 'help' || cmd === '--help' || cmd === '-h' || rest.includes('--help') || rest.includes('-h')) {
    ctx.print(HELP);
    return;
  }
  const verb = pick(cmd, ['add', 'delete', 'show', 'list', 'lst', 'flush']);
  switch (verb) {
    case 'add':
      return modify(ctx, 'add', rest);
    case 'delete':
      return modify(ctx, 'delete', rest);
    case 'show':
    case 'list':
    case 'lst':
      return show(ctx, rest);
    case 'flush':
      return flush(ctx);
    default:
      throw new IpUsageError(`rule: command "${cmd}" is unknown, try "nlwire rule help"`);
  }
}

function range(w: Words, key: string, max: number): { start: number; end: number } {
  const v = w.value(key);
  const m = /^([^-]+)(?:-(.+))?$/.exec(v);
  const start = m ? parseUint(m[1]) : undefined;
  const end = m?.[2] !== undefined ? parseUint(m[2]) : start;
  if (start === undefined || end === undefined || start > max || end > max || end < start)
    throw w.invalid(key, v, `expected N or N-M (0..${max})`);
  return { start, end };
}

const ACTIONS: Readonly<Record<string, RuleAction>> = {
  blackhole: 'blackhole',
  unreachable: 'unreachable',
  prohibit: 'prohibit',
  nop: 'nop',
};

function parseRule(w: Words, ctx: Ctx): RuleSpec {
  const s: RuleSpec = {};
  if (ctx.opts.family === 'inet' || ctx.opts.family === 'inet6') s.family = ctx.opts.family;
  while (w.more) {
    const a = w.take() as string;
    if (a === 'not') s.not = true;
    else if (a === 'from') {
      const v = w.value(a);
      if (v !== 'all') s.from = v;
    } else if (a === 'to') {
      const v = w.value(a);
      if (v !== 'all') s.to = v;
    } else if (a === 'tos' || a === 'dsfield') s.tos = w.uintValue(a, 255);
    else if (a === 'dscp') s.dscp = w.uintValue(a, 63);
    else if (a === 'fwmark') {
      const v = w.value(a);
      const [mark, mask] = v.split('/');
      const mk = parseUint(mark);
      if (mk === undefined || mk > 0xffffffff) throw w.invalid(a, v, 'expected MARK[/MASK]');
      s.fwmark = mk;
      if (mask !== undefined) {
        const ms = parseUint(mask);
        if (ms === undefined || ms > 0xffffffff) throw w.invalid(a, v, 'expected MARK[/MASK]');
        s.fwmask = ms;
      }
    } else if (a === 'iif' || a === 'dev') s.iif = w.value(a);
    else if (a === 'oif') s.oif = w.value(a);
    else if (a === 'pref' || a === 'priority' || a === 'order' || a === 'preference')
      s.priority = w.uintValue(a);
    else if (a === 'l3mdev') s.l3mdev = true;
    else if (a === 'uidrange') s.uidrange = range(w, a, 0xffffffff);
    else if (a === 'ipproto') {
      const v = w.value(a);
      const n = parseUint(v);
      s.ipproto = (n ?? v) as never;
    } else if (a === 'sport' || a === 'dport') {
      const r = range(w, a, 0xffff);
      s[a] = r.start === r.end ? r.start : r;
    } else if (a === 'tun_id') s.tunId = BigInt(w.uintValue(a, Number.MAX_SAFE_INTEGER));
    else if (a === 'table' || a === 'lookup') {
      const v = w.value(a);
      const n = TABLES.number(v);
      if (n === undefined || n < 1 || n > 0xffffffff)
        throw w.invalid(a, v, 'expected main, local, default or a number');
      s.table = n;
    } else if (a === 'protocol' || a === 'proto') {
      const v = w.value(a);
      const n = PROTOCOLS.number(v);
      if (n === undefined || n > 255) throw w.invalid(a, v, 'expected a protocol name or 0..255');
      s.protocol = n;
    } else if (a === 'realms' || a === 'realm') {
      const v = w.value(a);
      const [x, y] = v.includes('/') ? v.split('/') : ['0', v];
      const from = parseUint(x);
      const to = parseUint(y);
      if (from === undefined || to === undefined || from > 0xffff || to > 0xffff)
        throw w.invalid(a, v, 'expected [FROM/]TO realm numbers');
      s.flow = ((from << 16) | to) >>> 0;
    } else if (a === 'goto') {
      s.action = 'goto';
      s.goto = w.uintValue(a);
    } else if (a === 'suppress_prefixlength' || a === 'sup_pl') s.suppressPrefixlength = w.uintValue(a, 128);
    else if (a === 'suppress_ifgroup' || a === 'sup_group') {
      const v = w.value(a);
      s.suppressIfgroup = v === 'default' ? 0 : w.uint(a, v);
    } else if (a === 'type' || a === 'action') {
      const v = w.value(a);
      if (!ACTIONS[v]) throw w.invalid(a, v, 'expected blackhole, unreachable, prohibit or nop');
      s.action = ACTIONS[v];
    } else if (ACTIONS[a]) s.action = ACTIONS[a];
    else throw w.unknown(a);
  }
  return s;
}

function describe(s: RuleSpec): string {
  const p: string[] = [];
  if (s.priority !== undefined) p.push(`pref ${s.priority}`);
  if (s.from !== undefined) p.push(`from ${s.from}`);
  if (s.to !== undefined) p.push(`to ${s.to}`);
  if (s.table !== undefined) p.push(`table ${TABLES.name(s.table as number)}`);
  return p.join(' ');
}

async function modify(ctx: Ctx, verb: 'add' | 'delete', words: string[]): Promise<void> {
  const w = new Words(words, `rule ${verb}`);
  const s = parseRule(w, ctx);
  ctx.what = `rule ${verb}${s.priority !== undefined || s.from !== undefined ? ` ${describe(s)}` : ''}`;
  if (verb === 'add' && s.action === undefined && s.table === undefined && !s.l3mdev && s.goto === undefined)
    throw new IpUsageError(`${ctx.what}: an action is needed (table TABLE_ID, goto N, blackhole...)`);
  const { header, attrs } = encodeRule(s, verb === 'add');
  await ctx.send({
    spec: (verb === 'add' ? RTM_NEWRULE : RTM_DELRULE) as never,
    header,
    attrs,
    flags: verb === 'add' ? NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL : 0,
    context: ctx.what,
  });
}

async function listRules(ctx: Ctx): Promise<{ rule: Rule; header: FibRuleHdr; attrs: RuleAttrs }[]> {
  const conn = await ctx.connection();
  const family = ctx.opts.family === 'inet6' ? AF.AF_INET6 : AF.AF_INET;
  const msgs = await conn.dump(RTM_GETRULE, { family }, {}, { context: ctx.what, retries: 3 });
  return msgs.map((m) => {
    const mm = m as Message<FibRuleHdr, RuleAttrs>;
    return { rule: toRule(mm), header: mm.header, attrs: mm.attrs };
  });
}

async function show(ctx: Ctx, words: string[]): Promise<void> {
  ctx.what = 'rule show';
  if (words.length) throw new IpUsageError(`rule show: selectors are not supported ("${words.join(' ')}")`);
  const rules = await listRules(ctx);
  const objs: Obj[] = rules.map((r) => ruleJson(r.rule, ctx.opts.details));
  if (ctx.opts.json) ctx.print(`${writeJson(objs as never, ctx.opts.pretty)}\n`);
  else for (const o of objs) ctx.print(ruleText(o));
}

async function flush(ctx: Ctx): Promise<void> {
  ctx.what = 'rule flush';
  // As ip: every rule with a non-zero preference goes.
  const rules = (await listRules(ctx)).filter((r) => r.rule.priority !== 0);
  for (const r of rules)
    await ctx.send({
      spec: RTM_DELRULE as never,
      header: r.header,
      attrs: { priority: r.rule.priority },
      context: `rule flush pref ${r.rule.priority}`,
    });
}
