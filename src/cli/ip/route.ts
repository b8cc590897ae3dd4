/**
 * `nlwire route`: `ip route` — show, get, add, change, replace, append, prepend, delete and flush
 * routes, IPv4 unless -6 (or an IPv6 prefix) says otherwise, table main unless told.
 */
import { NLM_F } from '../../constants/netlink.js';
import { RT_TABLE, RTM_F, RTN } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import type { Message } from '../../netlink/message.js';
import {
  buildRoute,
  type NexthopInput,
  type Route,
  type RouteCommand,
  type RouteInput,
  type RouteMetrics,
  routeFromMessage,
} from '../../rtnl/route/api.js';
import type { RouteAttrs } from '../../rtnl/route/attrs.js';
import { rtmDelRoute, rtmGetRoute, rtmNewRoute } from '../../rtnl/route/messages.js';
import type { RtMsg } from '../../rtnl/route/rtmsg.js';
import { parsePrefix, validateAddress } from '../../rtnl/validate.js';
import type { Ctx } from './context.js';
import { IpError, IpUsageError } from './errors.js';
import { routeText } from './human.js';
import { linkMap, type Obj, type RouteShowFilter, routeJson } from './json.js';
import { writeJson } from './jsonw.js';
import { dumpLinks } from './link.js';
import { PROTOCOLS, SCOPES, TABLES } from './names.js';
import { prefixBits, sameBits } from './prefix.js';
import { pick, Words } from './words.js';

const HELP = `Usage: nlwire route [ list | show ] SELECTOR
       nlwire route get ADDRESS [ from ADDRESS ] [ iif STRING ] [ oif STRING ] [ mark MARK ]
                                [ tos TOS ] [ uid NUMBER ] [ ipproto PROTO ] [ sport N ] [ dport N ] [ fibmatch ]
       nlwire route { add | del | change | append | replace | prepend } ROUTE
       nlwire route flush SELECTOR
SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ] [ table TABLE_ID ] [ proto RTPROTO ]
            [ type TYPE ] [ scope SCOPE ] [ dev STRING ]
ROUTE := NODE_SPEC [ INFO_SPEC ]
NODE_SPEC := [ TYPE ] PREFIX [ tos TOS ] [ table TABLE_ID ] [ proto RTPROTO ] [ scope SCOPE ] [ metric METRIC ]
INFO_SPEC := { NH | nhid ID } OPTIONS FLAGS [ nexthop NH ]...
NH := [ via [ FAMILY ] ADDRESS ] [ dev STRING ] [ weight NUMBER ] NHFLAGS
OPTIONS := [ mtu [ lock ] NUMBER ] [ advmss NUMBER ] [ window NUMBER ] [ rtt TIME ] [ rttvar TIME ]
           [ cwnd NUMBER ] [ initcwnd NUMBER ] [ initrwnd NUMBER ] [ ssthresh NUMBER ] [ reordering NUMBER ]
           [ hoplimit NUMBER ] [ features ecn ] [ quickack BOOL ] [ congctl NAME ] [ src ADDRESS ]
           [ expires TIME ] [ pref { low | medium | high } ] [ from PREFIX ]
TYPE := { unicast | local | broadcast | multicast | throw | unreachable | prohibit | blackhole | nat }
TABLE_ID := [ local | main | default | all | NUMBER ]
NHFLAGS := [ onlink ]
Add --dry-run to add, del, change, append, replace or prepend to print the request instead of sending it.
`;

/** Runs `nlwire route ...`. */
export async function run(ctx: Ctx, words: string[]): Promise<void> {
  const [cmd = 'show', ...rest] = words;
  if (cmd === 'help' || cmd === '--help' || cmd === '-h' || rest.includes('--help') || rest.includes('-h')) {
    ctx.print(HELP);
    return;
  }
  const verb = pick(cmd, [
    'add',
    'change',
    'replace',
    'prepend',
    'append',
    'test',
    'delete',
    'list',
    'show',
    'lst',
    'flush',
    'get',
  ]);
  switch (verb) {
    case 'add':
      return modify(ctx, 'add', rest, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL);
    case 'change':
      return modify(ctx, 'change', rest, NLM_F.NLM_F_REPLACE);
    case 'replace':
      return modify(ctx, 'replace', rest, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_REPLACE);
    case 'prepend':
      return modify(ctx, 'prepend', rest, NLM_F.NLM_F_CREATE);
    case 'append':
      return modify(ctx, 'append', rest, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_APPEND);
    case 'test':
      return modify(ctx, 'test', rest, NLM_F.NLM_F_EXCL);
    case 'delete':
      return modify(ctx, 'delete', rest, 0);
    case 'list':
    case 'show':
    case 'lst':
      return show(ctx, rest, false);
    case 'flush':
      return show(ctx, rest, true);
    case 'get':
      return get(ctx, rest);
    default:
      throw new IpUsageError(`route: command "${cmd}" is unknown, try "nlwire route help"`);
  }
}

const TYPES = [
  'unicast',
  'local',
  'broadcast',
  'anycast',
  'multicast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
  'nat',
  'xresolve',
];

const METRIC_KEYS: Readonly<Record<string, string>> = {
  mtu: 'mtu',
  advmss: 'advmss',
  window: 'window',
  rtt: 'rtt',
  rttvar: 'rttvar',
  cwnd: 'cwnd',
  initcwnd: 'initcwnd',
  initrwnd: 'initrwnd',
  ssthresh: 'ssthresh',
  reordering: 'reordering',
  hoplimit: 'hoplimit',
  rto_min: 'rtoMin',
  quickack: 'quickack',
  fastopen_no_cookie: 'fastopenNoCookie',
};

/** A route time as ip takes it: seconds (`1s`, `1.5s`) or milliseconds (`100ms`, `100`). */
function time(w: Words, key: string): number {
  const v = w.value(key);
  const m = /^(\d+(?:\.\d+)?)(s|sec|secs|ms|msec|msecs)?$/.exec(v);
  if (!m) throw w.invalid(key, v, 'expected a time like 100ms or 1s');
  const n = Number(m[1]);
  return Math.round(m[2]?.startsWith('s') ? n * 1000 : n);
}

function tableValue(w: Words, v: string): number {
  const n = TABLES.number(v);
  if (n === undefined || n < 1 || n > 0xffffffff)
    throw w.invalid('table', v, 'expected main, local, default or 1..4294967295');
  return n;
}

function protoValue(w: Words, v: string): number {
  const n = PROTOCOLS.number(v);
  if (n === undefined || n > 255) throw w.invalid('proto', v, 'expected a protocol name or 0..255');
  return n;
}

function scopeValue(w: Words, v: string): number {
  const n = SCOPES.number(v);
  if (n === undefined || n > 255)
    throw w.invalid('scope', v, 'expected host, link, global, nowhere or 0..255');
  return n;
}

function viaValue(w: Words): string {
  let v = w.value('via');
  if (v === 'inet' || v === 'inet6') v = w.value('via');
  return v;
}

/** Parses a nexthop's words (after `nexthop`), up to the next `nexthop`. */
function parseNexthop(w: Words): NexthopInput {
  const nh: NexthopInput = {};
  while (w.more && w.peek() !== 'nexthop') {
    const a = w.take() as string;
    if (a === 'via') nh.via = viaValue(w);
    else if (a === 'dev') nh.dev = w.value(a);
    else if (a === 'weight') nh.weight = w.uintValue(a, 256, 1);
    else if (a === 'onlink') nh.onlink = true;
    else throw w.unknown(a, 'nexthop option');
  }
  return nh;
}

function parseRoute(w: Words): RouteInput {
  const r: Partial<RouteInput> & { metricsIn?: RouteMetrics & Record<string, unknown> } = {};
  const metrics: Record<string, unknown> = {};
  const lock: string[] = [];
  while (w.more) {
    const a = w.take() as string;
    if (a === 'via') r.via = viaValue(w);
    else if (a === 'dev' || a === 'oif') r.dev = w.value(a);
    else if (a === 'src') r.src = w.value(a);
    else if (a === 'from') r.from = w.value(a);
    else if (a === 'table' || a === 'vrf') {
      if (a === 'vrf') throw new IpUsageError(`${w.what}: vrf is not supported, use table`);
      r.table = tableValue(w, w.value(a));
    } else if (a === 'proto' || a === 'protocol') r.protocol = protoValue(w, w.value(a));
    else if (a === 'scope') r.scope = scopeValue(w, w.value(a));
    else if (a === 'metric' || a === 'priority' || a === 'preference') r.metric = w.uintValue(a);
    else if (a === 'tos' || a === 'dsfield') r.tos = w.uintValue(a, 255);
    else if (a === 'onlink') r.onlink = true;
    else if (a === 'expires') r.expires = w.uintValue(a);
    else if (a === 'pref') {
      const v = w.value(a);
      if (v !== 'low' && v !== 'medium' && v !== 'high')
        throw w.invalid(a, v, 'expected low, medium or high');
      r.pref = v;
    } else if (a === 'nhid') r.nhId = w.uintValue(a, 0xffffffff, 1);
    else if (a === 'nexthop') {
      r.nexthops ??= [];
      r.nexthops.push(parseNexthop(w));
    } else if (METRIC_KEYS[a]) {
      let v = w.value(a);
      if (v === 'lock') {
        lock.push(METRIC_KEYS[a]);
        v = w.value(a);
      }
      if (a === 'rtt' || a === 'rttvar' || a === 'rto_min') {
        const ms = time(new Words([v], w.what), a);
        metrics[METRIC_KEYS[a]] = a === 'rtt' ? ms * 8 : a === 'rttvar' ? ms * 4 : ms;
      } else metrics[METRIC_KEYS[a]] = w.uint(a, v);
    } else if (a === 'features') {
      const v = w.value(a);
      if (v !== 'ecn') throw w.invalid(a, v, 'expected ecn');
      metrics.features = 1;
    } else if (a === 'congctl') {
      let v = w.value(a);
      if (v === 'lock') {
        lock.push('ccAlgo');
        v = w.value(a);
      }
      metrics.ccAlgo = v;
    } else if (TYPES.includes(a) && r.dst === undefined && r.type === undefined) r.type = a as never;
    else if (a === 'to') r.dst = w.value(a);
    else if (r.dst === undefined && !a.startsWith('-')) r.dst = a;
    else throw w.unknown(a);
  }
  if (lock.length) metrics.lock = lock;
  if (Object.keys(metrics).length) r.metrics = metrics as RouteMetrics;
  if (r.dst === undefined) throw new IpUsageError(`${w.what}: a destination is needed (PREFIX or default)`);
  if (r.dst === 'all' || r.dst === 'any') r.dst = 'default';
  return r as RouteInput;
}

function familyOf(ctx: Ctx): 'inet' | 'inet6' | undefined {
  return ctx.opts.family === 'inet' || ctx.opts.family === 'inet6' ? ctx.opts.family : undefined;
}

async function modify(ctx: Ctx, cmd: string, words: string[], flags: number): Promise<void> {
  const w = new Words(words, `route ${cmd}`);
  const r = parseRoute(w);
  const fam = familyOf(ctx);
  if (fam !== undefined && r.dst === 'default') r.family = fam;
  ctx.what = `route ${cmd} ${r.dst}${r.table !== undefined && r.table !== RT_TABLE.RT_TABLE_MAIN ? ` table ${TABLES.name(r.table as number)}` : ''}`;
  const kind: RouteCommand =
    cmd === 'delete' ? 'delete' : cmd === 'append' ? 'append' : cmd === 'add' ? 'add' : 'replace';
  buildRoute(kind, r, () => 1);
  const devs = new Map<string, number>();
  for (const d of [r.dev, ...(r.nexthops ?? []).map((n) => n.dev)])
    if (typeof d === 'string' && !devs.has(d)) devs.set(d, await ctx.ifindex(d, `${ctx.what}: dev ${d}`));
  const req = buildRoute(kind, r, (d) => (typeof d === 'string' ? (devs.get(d) as number) : (d as number)));
  await ctx.send({
    spec: (cmd === 'delete' ? rtmDelRoute : rtmNewRoute) as never,
    header: req.header,
    attrs: req.attrs,
    flags,
    context: ctx.what,
  });
}

interface Selector {
  table?: number | 'all';
  protocol?: number;
  type?: number;
  scope?: number;
  dev?: string;
  root?: string;
  match?: string;
  exact?: string;
  cloned?: boolean;
  via?: string;
  src?: string;
}

function parseSelector(w: Words): Selector {
  const s: Selector = {};
  while (w.more) {
    const a = w.take() as string;
    if (a === 'table') {
      const v = w.value(a);
      s.table = v === 'all' ? 'all' : v === 'cache' ? 'all' : tableValue(w, v);
      if (v === 'cache') s.cloned = true;
    } else if (a === 'cache' || a === 'cloned') s.cloned = true;
    else if (a === 'proto' || a === 'protocol') s.protocol = protoValue(w, w.value(a));
    else if (a === 'type') {
      const v = w.value(a);
      const t = (RTN as Record<string, number>)[`RTN_${v.toUpperCase()}`];
      if (t === undefined) throw w.invalid(a, v, 'not a route type');
      s.type = t;
    } else if (a === 'scope') s.scope = scopeValue(w, w.value(a));
    else if (a === 'dev' || a === 'oif') s.dev = w.value(a);
    else if (a === 'via') s.via = viaValue(w);
    else if (a === 'src') s.src = w.value(a);
    else if (a === 'root') s.root = w.value(a);
    else if (a === 'match') s.match = w.value(a);
    else if (a === 'exact') s.exact = w.value(a);
    else if (a === 'to') s.exact = w.value(a);
    else if (!a.startsWith('-')) s.exact = a;
    else throw w.unknown(a);
  }
  return s;
}

function selects(r: Route, s: Selector): boolean {
  const d = prefixBits(r.dst);
  if (s.exact !== undefined) {
    const p = prefixBits(s.exact);
    if (d.len !== p.len || !sameBits(d.bytes, p.bytes, p.len)) return false;
  }
  if (s.root !== undefined) {
    const p = prefixBits(s.root);
    if (d.len < p.len || !sameBits(d.bytes, p.bytes, p.len)) return false;
  }
  if (s.match !== undefined) {
    const p = prefixBits(s.match);
    if (d.len > p.len || !sameBits(d.bytes, p.bytes, d.len)) return false;
  }
  if (s.scope !== undefined) {
    const sc = typeof r.scope === 'number' ? r.scope : SCOPES.number(r.scope);
    if (sc !== s.scope) return false;
  }
  if (s.via !== undefined && r.gateway !== s.via) return false;
  if (s.src !== undefined && r.src !== s.src) return false;
  return true;
}

async function listRoutes(ctx: Ctx, family: number, s: Selector, oif?: number): Promise<Route[]> {
  const conn = await ctx.connection();
  const table = s.table === undefined ? RT_TABLE.RT_TABLE_MAIN : s.table === 'all' ? 0 : s.table;
  const attrs: RouteAttrs = {};
  if (table > 255) attrs.table = table;
  if (oif !== undefined) attrs.oif = oif;
  const header: RtMsg = {
    family,
    table: table > 255 ? RT_TABLE.RT_TABLE_UNSPEC : table,
    protocol: s.protocol ?? 0,
    type: s.type ?? 0,
    flags: s.cloned ? RTM_F.RTM_F_CLONED : 0,
  };
  let msgs: Message[];
  try {
    msgs = await conn.dump(rtmGetRoute, header, attrs, { context: ctx.what, retries: 3 });
  } catch (e) {
    // As ip (which prints the kernel's message): a table never created does not exist.
    if ((e as { code?: string }).code === 'ENOENT' && table)
      throw new IpError(
        `${(e as { extAckMessage?: string }).extAckMessage ?? 'FIB table does not exist.'}`,
        'ENOENT',
      );
    throw e;
  }
  return msgs
    .map((m) => routeFromMessage(m as Message<RtMsg, RouteAttrs>))
    .filter((r) => (s.cloned ? true : !(r.rawFlags & RTM_F.RTM_F_CLONED)))
    .filter((r) => table === 0 || r.table === table)
    .filter((r) => oif === undefined || r.oif === oif)
    .filter((r) => selects(r, s));
}

async function show(ctx: Ctx, words: string[], flushing: boolean): Promise<void> {
  const w = new Words(words, flushing ? 'route flush' : 'route show');
  const s = parseSelector(w);
  ctx.what = flushing ? 'route flush' : 'route show';
  if (flushing && words.length === 0)
    throw new IpUsageError('route flush: "ip route flush" requires arguments');
  // As ip: -4/-6, else the family of a prefix given, else IPv4 unless every table is asked for.
  let family: number =
    ctx.opts.family === 'inet6' ? AF.AF_INET6 : ctx.opts.family === 'inet' ? AF.AF_INET : AF.AF_UNSPEC;
  for (const p of [s.exact, s.root, s.match])
    if (family === AF.AF_UNSPEC && p !== undefined && p !== 'default')
      family = validateAddress(p.split('/')[0], 'prefix').family;
  if (family === AF.AF_UNSPEC && s.table !== 'all') family = AF.AF_INET;
  const oif = s.dev === undefined ? undefined : await ctx.ifindex(s.dev, `${ctx.what}: dev ${s.dev}`);
  const routes: Route[] = [];
  for (const f of family === AF.AF_UNSPEC ? [AF.AF_INET, AF.AF_INET6] : [family])
    routes.push(...(await listRoutes(ctx, f, s, oif)));
  if (flushing) return flushRoutes(ctx, routes);
  const map = linkMap(await dumpLinks(ctx));
  const f: RouteShowFilter = {
    table: s.table !== undefined && s.table !== 'all',
    type: s.type !== undefined,
    protocol: s.protocol !== undefined,
    dev: s.dev !== undefined,
  };
  if (s.table === undefined) f.table = true;
  const objs: Obj[] = routes.map((r) => routeJson(r, map, ctx.opts.details, f));
  if (ctx.opts.json) ctx.print(`${writeJson(objs as never, ctx.opts.pretty)}\n`);
  else for (const o of objs) ctx.print(routeText(o, { oneline: ctx.opts.oneline }));
}

async function flushRoutes(ctx: Ctx, routes: Route[]): Promise<void> {
  const items = routes.map((r) => {
    const a = r.attrs;
    const attrs: RouteAttrs = {};
    for (const k of ['dst', 'src', 'oif', 'gateway', 'via', 'priority', 'table'] as const)
      if (a[k] !== undefined) (attrs as Record<string, unknown>)[k] = a[k];
    const header: RtMsg = {
      family: r.family,
      dstLen: r.dst === 'default' ? 0 : Number(r.dst.split('/')[1]),
      srcLen: r.from === undefined ? 0 : Number(r.from.split('/')[1]),
      tos: r.tos,
      table: r.table > 255 ? RT_TABLE.RT_TABLE_COMPAT : r.table,
      protocol: typeof r.protocol === 'number' ? r.protocol : (PROTOCOLS.number(r.protocol) ?? 0),
      scope: typeof r.scope === 'number' ? r.scope : (SCOPES.number(r.scope) ?? 0),
      type:
        typeof r.type === 'number' ? r.type : (RTN as Record<string, number>)[`RTN_${r.type.toUpperCase()}`],
      flags: 0,
    };
    return { spec: rtmDelRoute, header, attrs, context: `route flush ${r.dst}` };
  });
  if (ctx.opts.dryRun) {
    for (const it of items) await ctx.send({ ...it, spec: it.spec as never });
    return;
  }
  const conn = await ctx.connection();
  const results = await conn.batch(items);
  for (const r of results) if (r && r.code !== 'ESRCH' && r.code !== 'ENOENT') throw r;
}

async function get(ctx: Ctx, words: string[]): Promise<void> {
  const w = new Words(words, 'route get');
  let dst: string | undefined;
  const attrs: RouteAttrs = {};
  let tos = 0;
  let flags = 0;
  let from: string | undefined;
  let iif: string | undefined;
  let oif: string | undefined;
  while (w.more) {
    const a = w.take() as string;
    if (a === 'from') from = w.value(a);
    else if (a === 'iif') iif = w.value(a);
    else if (a === 'oif' || a === 'dev') oif = w.value(a);
    else if (a === 'mark') attrs.mark = w.uintValue(a);
    else if (a === 'uid') attrs.uid = w.uintValue(a);
    else if (a === 'tos' || a === 'dsfield') tos = w.uintValue(a, 255);
    else if (a === 'ipproto') {
      const v = w.value(a);
      const n = (
        { tcp: 6, udp: 17, icmp: 1, sctp: 132, 'ipv6-icmp': 58, icmpv6: 58 } as Record<string, number>
      )[v];
      attrs.ipProto = n ?? w.uint(a, v, 255);
    } else if (a === 'sport') attrs.sport = w.uintValue(a, 0xffff);
    else if (a === 'dport') attrs.dport = w.uintValue(a, 0xffff);
    else if (a === 'fibmatch') flags |= RTM_F.RTM_F_FIB_MATCH;
    else if (a === 'connected') throw new IpUsageError('route get: connected is not supported');
    else if (a === 'to') dst = w.value(a);
    else if (dst === undefined && !a.startsWith('-')) dst = a;
    else throw w.unknown(a);
  }
  if (dst === undefined) throw new IpUsageError('route get: an address is needed');
  ctx.what = `route get ${dst}`;
  const d = parsePrefix(dst, 'address');
  const max = d.family === AF.AF_INET ? 32 : 128;
  // The table's id in the answer; IPv6 refuses the flag (only RTM_F_FIB_MATCH is valid there).
  if (d.family === AF.AF_INET) flags |= RTM_F.RTM_F_LOOKUP_TABLE;
  attrs.dst = d.address;
  let srcLen = 0;
  if (from !== undefined) {
    const s = parsePrefix(from, 'from');
    attrs.src = s.address;
    srcLen = s.prefixlen;
  }
  if (iif !== undefined) attrs.iif = await ctx.ifindex(iif, `${ctx.what}: iif ${iif}`);
  if (oif !== undefined) attrs.oif = await ctx.ifindex(oif, `${ctx.what}: oif ${oif}`);
  const replies = await ctx.ask({
    spec: rtmGetRoute as never,
    header: { family: d.family, dstLen: d.prefixlen === max ? max : d.prefixlen, srcLen, tos, flags },
    attrs,
    context: ctx.what,
  });
  const map = linkMap(await dumpLinks(ctx));
  const objs = replies.map((m) =>
    routeJson(routeFromMessage(m as Message<RtMsg, RouteAttrs>), map, ctx.opts.details),
  );
  if (ctx.opts.json) ctx.print(`${writeJson(objs as never, ctx.opts.pretty)}\n`);
  else for (const o of objs) ctx.print(routeText(o, { oneline: ctx.opts.oneline }));
}
