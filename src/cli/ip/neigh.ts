/**
 * `nlwire neigh`: `ip neigh` — show, get, add, change, replace, delete and flush ARP/NDP entries.
 */
import { NTF, NTF_EXT, NUD } from '../../constants/neighbour.js';
import { NLM_F } from '../../constants/netlink.js';
import { AF } from '../../constants/socket.js';
import { parseMac } from '../../netlink/address.js';
import type { Message } from '../../netlink/message.js';
import { type Neighbour, toNeighbour } from '../../rtnl/neigh/api.js';
import type { NeighAttrs } from '../../rtnl/neigh/attrs.js';
import { type NdMsg, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH } from '../../rtnl/neigh/messages.js';
import { validateAddress } from '../../rtnl/validate.js';
import type { Ctx } from './context.js';
import { IpUsageError } from './errors.js';
import { neighText } from './human.js';
import { linkMap, neighFlagBits, neighJson, type Obj, stateBits } from './json.js';
import { writeJson } from './jsonw.js';
import { dumpLinks } from './link.js';
import { PROTOCOLS } from './names.js';
import { type Bits, inPrefix, prefixBits } from './prefix.js';
import { pick, Words } from './words.js';

const HELP = `Usage: nlwire neigh { add | del | change | replace }
                { ADDR [ lladdr LLADDR ] [ nud STATE ] proxy ADDR } [ dev DEV ]
                [ router ] [ extern_learn ] [ managed ] [ protocol PROTO ]
       nlwire neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ] [ master DEV ]
       nlwire neigh get { ADDR | proxy ADDR } dev DEV
STATE := { delay | failed | incomplete | noarp | none | permanent | probe | reachable | stale }
Add --dry-run to add, del, change or replace to print the request instead of sending it.
`;

/** Runs `nlwire neigh ...`. */
export async function run(ctx: Ctx, words: string[]): Promise<void> {
  const [cmd = 'show', ...rest] = words;
  if (cmd === 'help' || cmd === '--help' || cmd === '-h' || rest.includes('--help') || rest.includes('-h')) {
    ctx.print(HELP);
    return;
  }
  const verb = pick(cmd, [
    'add',
    'change',
    'chg',
    'replace',
    'delete',
    'show',
    'list',
    'lst',
    'flush',
    'get',
  ]);
  switch (verb) {
    case 'add':
      return modify(ctx, 'add', rest, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL);
    case 'change':
    case 'chg':
      return modify(ctx, 'change', rest, NLM_F.NLM_F_REPLACE);
    case 'replace':
      return modify(ctx, 'replace', rest, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_REPLACE);
    case 'delete':
      return modify(ctx, 'delete', rest, 0);
    case 'show':
    case 'list':
    case 'lst':
      return show(ctx, rest, false);
    case 'flush':
      return show(ctx, rest, true);
    case 'get':
      return get(ctx, rest);
    default:
      throw new IpUsageError(`neigh: command "${cmd}" is unknown, try "nlwire neigh help"`);
  }
}

const NUD_NAMES: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(NUD).map(([k, v]) => [k.slice(4).toLowerCase(), v]),
);

function nudValue(w: Words, v: string): number {
  const n = NUD_NAMES[v];
  if (n !== undefined) return n;
  const x = w.uint('nud', v, 0xffff);
  return x;
}

async function modify(ctx: Ctx, verb: string, words: string[], flags: number): Promise<void> {
  const w = new Words(words, `neigh ${verb}`);
  let dst: string | undefined;
  let dev: string | undefined;
  let lladdr: string | undefined;
  let state: number = NUD.NUD_PERMANENT;
  let ntf = 0;
  let flagsExt = 0;
  let protocol: number | undefined;
  while (w.more) {
    const a = w.take() as string;
    if (a === 'lladdr') {
      lladdr = w.value(a);
      parseMac(lladdr, 'lladdr');
    } else if (a === 'nud') state = nudValue(w, w.value(a));
    else if (a === 'proxy') {
      ntf |= NTF.NTF_PROXY;
      dst = w.value(a);
    } else if (a === 'router') ntf |= NTF.NTF_ROUTER;
    else if (a === 'extern_learn') ntf |= NTF.NTF_EXT_LEARNED;
    else if (a === 'use') ntf |= NTF.NTF_USE;
    else if (a === 'managed') flagsExt |= NTF_EXT.NTF_EXT_MANAGED;
    else if (a === 'dev') dev = w.value(a);
    else if (a === 'protocol' || a === 'proto') {
      const v = w.value(a);
      const n = PROTOCOLS.number(v);
      if (n === undefined || n > 255) throw w.invalid(a, v, 'expected a protocol name or 0..255');
      protocol = n;
    } else if (a === 'to') dst = w.value(a);
    else if (dst === undefined && !a.startsWith('-')) dst = a;
    else throw w.unknown(a);
  }
  if (dst === undefined) throw new IpUsageError(`neigh ${verb}: an address is needed`);
  ctx.what = `neigh ${verb} ${ntf & NTF.NTF_PROXY ? 'proxy ' : ''}${dst}`;
  const { family, address } = validateAddress(dst, 'address');
  if (dev === undefined && !(ntf & NTF.NTF_PROXY)) throw new IpUsageError(`${ctx.what}: "dev DEV" is needed`);
  const ifindex = dev === undefined ? 0 : await ctx.ifindex(dev, `${ctx.what}: dev ${dev}`);
  const header: NdMsg = { family, ifindex, flags: ntf };
  const attrs: NeighAttrs = { dst: address };
  if (verb !== 'delete') {
    header.state = state;
    if (lladdr !== undefined) attrs.lladdr = lladdr;
    if (protocol !== undefined) attrs.protocol = protocol;
    if (flagsExt) attrs.flagsExt = flagsExt;
  }
  await ctx.send({
    spec: (verb === 'delete' ? RTM_DELNEIGH : RTM_NEWNEIGH) as never,
    header,
    attrs,
    flags,
    context: ctx.what,
  });
}

interface NeighFilter {
  dev?: string;
  master?: string;
  proxy: boolean;
  to?: Bits;
  state: number;
  allStates: boolean;
}

function parseFilter(w: Words): NeighFilter {
  // As ip: every state but NOARP unless `nud` says otherwise.
  const f: NeighFilter = { proxy: false, state: 0xff & ~NUD.NUD_NOARP, allStates: false };
  let nudGiven = false;
  while (w.more) {
    const a = w.take() as string;
    if (a === 'dev') f.dev = w.value(a);
    else if (a === 'master' || a === 'vrf') f.master = w.value(a);
    else if (a === 'proxy') f.proxy = true;
    else if (a === 'nud') {
      const v = w.value(a);
      if (!nudGiven) f.state = 0;
      nudGiven = true;
      if (v === 'all') {
        f.state = 0xff;
        f.allStates = true;
      } else if (v === 'none') f.state |= 0x100;
      else f.state |= nudValue(w, v);
    } else if (a === 'to') {
      f.to = prefixBits(w.value(a), 'to');
    } else if (a === 'unused') continue;
    else if (!a.startsWith('-')) f.to = prefixBits(a, 'to');
    else throw w.unknown(a);
  }
  return f;
}

function familyNumber(ctx: Ctx): number {
  return ctx.opts.family === 'inet' ? AF.AF_INET : ctx.opts.family === 'inet6' ? AF.AF_INET6 : AF.AF_UNSPEC;
}

async function listNeigh(ctx: Ctx, f: NeighFilter): Promise<Neighbour[]> {
  const conn = await ctx.connection();
  const attrs: NeighAttrs = {};
  if (f.dev !== undefined) attrs.ifindex = await ctx.ifindex(f.dev, `${ctx.what}: dev ${f.dev}`);
  if (f.master !== undefined) attrs.master = await ctx.ifindex(f.master, `${ctx.what}: master ${f.master}`);
  const msgs = await conn.dump(
    RTM_GETNEIGH,
    { family: familyNumber(ctx), flags: f.proxy ? NTF.NTF_PROXY : 0 },
    attrs,
    { context: ctx.what, retries: 3 },
  );
  return msgs
    .map((m) => toNeighbour(m as Message<NdMsg, NeighAttrs>))
    .filter((n) => n.family === 'inet' || n.family === 'inet6')
    .filter((n) => {
      if (f.to && !(n.dst !== undefined && inPrefix(n.dst, f.to))) return false;
      if (f.allStates) return true;
      const state = stateBits(n);
      const flags = neighFlagBits(n);
      if (!(f.state & state) && !(flags & NTF.NTF_PROXY) && !n.managed && (state || !(f.state & 0x100)))
        return false;
      return true;
    });
}

async function show(ctx: Ctx, words: string[], flushing: boolean): Promise<void> {
  const w = new Words(words, flushing ? 'neigh flush' : 'neigh show');
  const f = parseFilter(w);
  ctx.what = flushing ? 'neigh flush' : 'neigh show';
  if (flushing && words.length === 0) throw new IpUsageError('neigh flush: flush requires arguments');
  const list = await listNeigh(ctx, f);
  if (flushing) {
    const items = list
      .filter((n) => !(stateBits(n) & NUD.NUD_PERMANENT) || f.allStates || f.state & NUD.NUD_PERMANENT)
      .map((n) => ({
        spec: RTM_DELNEIGH,
        header: {
          family: n.family === 'inet' ? AF.AF_INET : AF.AF_INET6,
          ifindex: n.ifindex,
          flags: neighFlagBits(n) & NTF.NTF_PROXY,
        },
        attrs: { dst: n.dst } as NeighAttrs,
        context: `neigh flush ${n.dst}`,
      }));
    if (ctx.opts.dryRun) {
      for (const it of items) await ctx.send({ ...it, spec: it.spec as never });
      return;
    }
    const conn = await ctx.connection();
    const results = await conn.batch(items);
    for (const r of results) if (r && r.code !== 'ENOENT') throw r;
    return;
  }
  const map = linkMap(await dumpLinks(ctx));
  const objs: Obj[] = list.map((n) =>
    neighJson(n, map, { devFiltered: f.dev !== undefined, stats: ctx.opts.stats }),
  );
  if (ctx.opts.json) ctx.print(`${writeJson(objs as never, ctx.opts.pretty)}\n`);
  else for (const o of objs) ctx.print(neighText(o, { oneline: ctx.opts.oneline }));
}

async function get(ctx: Ctx, words: string[]): Promise<void> {
  const w = new Words(words, 'neigh get');
  let dst: string | undefined;
  let dev: string | undefined;
  let proxy = false;
  while (w.more) {
    const a = w.take() as string;
    if (a === 'dev') dev = w.value(a);
    else if (a === 'proxy') {
      proxy = true;
      dst = w.value(a);
    } else if (a === 'to') dst = w.value(a);
    else if (dst === undefined) dst = a;
    else throw w.unknown(a);
  }
  if (dst === undefined || dev === undefined) throw new IpUsageError('neigh get: "ADDR dev DEV" is needed');
  ctx.what = `neigh get ${dst}`;
  const { family, address } = validateAddress(dst, 'address');
  const ifindex = await ctx.ifindex(dev, `${ctx.what}: dev ${dev}`);
  const replies = await ctx.ask({
    spec: RTM_GETNEIGH as never,
    header: { family, ifindex, flags: proxy ? NTF.NTF_PROXY : 0 },
    attrs: { dst: address },
    context: ctx.what,
  });
  const map = linkMap(await dumpLinks(ctx));
  const objs = replies.map((m) =>
    neighJson(toNeighbour(m as Message<NdMsg, NeighAttrs>), map, { stats: ctx.opts.stats }),
  );
  if (ctx.opts.json) ctx.print(`${writeJson(objs as never, ctx.opts.pretty)}\n`);
  else for (const o of objs) ctx.print(neighText(o, { oneline: ctx.opts.oneline }));
}
