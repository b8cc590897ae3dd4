/**
 * `nlwire address`: `ip address` — show, add, change, replace, delete and flush IPv4/IPv6 addresses.
 */
import { IFA_F } from '../../constants/if_addr.js';
import { NLM_F } from '../../constants/netlink.js';
import { AF } from '../../constants/socket.js';
import type { Message } from '../../netlink/message.js';
import {
  type Address,
  type AddressOptions,
  addressFromMessage,
  buildAddress,
  type Lifetime,
} from '../../rtnl/addr/api.js';
import type { AddrAttrs } from '../../rtnl/addr/attrs.js';
import type { SettableAddrFlag } from '../../rtnl/addr/flags.js';
import type { IfAddrMsg } from '../../rtnl/addr/ifaddrmsg.js';
import { rtmDelAddr, rtmGetAddr, rtmNewAddr } from '../../rtnl/addr/messages.js';
import { parsePrefix } from '../../rtnl/validate.js';
import type { Ctx } from './context.js';
import { IpUsageError } from './errors.js';
import { addrText, linkText } from './human.js';
import { addrJson, linkJson, type Obj } from './json.js';
import { writeJson } from './jsonw.js';
import { netnsNames, parseShowFilter, selectLinks } from './link.js';
import { SCOPES } from './names.js';
import { type Bits, inPrefix, prefixBits } from './prefix.js';
import { pick, Words } from './words.js';

const HELP = `Usage: nlwire address { add | change | replace } IFADDR dev IFNAME [ LIFETIME ] [ CONFFLAG-LIST ]
       nlwire address del IFADDR dev IFNAME
       nlwire address flush [ dev IFNAME ] [ scope SCOPE-ID ] [ to PREFIX ] [ label LABEL ] [ FLAG-LIST ]
       nlwire address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ] [ type TYPE ]
                             [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [ up ] ]
IFADDR := PREFIX | ADDR peer PREFIX [ broadcast ADDR | brd { + | - } ] [ label IFNAME ] [ scope SCOPE-ID ]
          [ metric METRIC ] [ proto ADDRPROTO ]
SCOPE-ID := [ host | link | global | NUMBER ]
FLAG-LIST := [ FLAG-LIST ] FLAG
FLAG := [ permanent | dynamic | secondary | primary | [-]tentative | [-]deprecated | [-]dadfailed | temporary | CONFFLAG ]
CONFFLAG-LIST := [ CONFFLAG-LIST ] CONFFLAG
CONFFLAG := [ home | nodad | mngtmpaddr | noprefixroute | autojoin ]
LIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]
LFT := forever | SECONDS
Add --dry-run to add, change, replace or del to print the request instead of sending it.
`;

/** Runs `nlwire address ...`. */
export async function run(ctx: Ctx, words: string[]): Promise<void> {
  const [cmd = 'show', ...rest] = words;
  if (cmd === 'help' || cmd === '--help' || cmd === '-h' || rest.includes('--help') || rest.includes('-h')) {
    ctx.print(HELP);
    return;
  }
  const verb = pick(cmd, ['add', 'change', 'replace', 'delete', 'show', 'list', 'lst', 'flush']);
  switch (verb) {
    case 'add':
    case 'change':
    case 'replace':
      return modify(ctx, verb, rest);
    case 'delete':
      return del(ctx, rest);
    case 'show':
    case 'list':
    case 'lst':
      return show(ctx, rest);
    case 'flush':
      return flush(ctx, rest);
    default:
      throw new IpUsageError(`address: command "${cmd}" is unknown, try "nlwire address help"`);
  }
}

const CONFFLAGS: readonly string[] = ['home', 'nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin'];

interface AddrArgs {
  prefix?: string;
  dev?: string;
  opts: AddressOptions;
}

function lifetime(w: Words, key: string): Lifetime {
  const v = w.value(key);
  return v === 'forever' ? 'forever' : w.uint(key, v);
}

function parseAddrArgs(w: Words): AddrArgs {
  const r: AddrArgs = { opts: {} };
  const flags: SettableAddrFlag[] = [];
  while (w.more) {
    const a = w.take() as string;
    if (a === 'dev') r.dev = w.value(a);
    else if (a === 'peer' || a === 'remote') r.opts.peer = w.value(a);
    else if (a === 'broadcast' || a === 'brd') r.opts.broadcast = w.value(a);
    else if (a === 'anycast') throw new IpUsageError(`${w.what}: anycast is not supported`);
    else if (a === 'label') r.opts.label = w.value(a);
    else if (a === 'scope') {
      const v = w.value(a);
      const n = SCOPES.number(v);
      if (n === undefined || n > 255) throw w.invalid(a, v, 'expected host, link, global or 0..255');
      r.opts.scope = n;
    } else if (a === 'valid_lft') r.opts.validLft = lifetime(w, a);
    else if (a === 'preferred_lft') r.opts.preferredLft = lifetime(w, a);
    else if (a === 'metric' || a === 'priority' || a === 'preference') r.opts.metric = w.uintValue(a);
    else if (a === 'proto') {
      const v = w.value(a);
      r.opts.proto = /^\d+$/.test(v) ? w.uint(a, v, 255) : (v as never);
    } else if (CONFFLAGS.includes(a)) flags.push(a as SettableAddrFlag);
    else if (a === 'local') r.prefix = w.value(a);
    else if (r.prefix === undefined && !a.startsWith('-')) r.prefix = a;
    else throw w.unknown(a);
  }
  if (flags.length) r.opts.flags = flags;
  return r;
}

async function modify(ctx: Ctx, verb: 'add' | 'change' | 'replace', words: string[]): Promise<void> {
  const w = new Words(words, `address ${verb}`);
  const r = parseAddrArgs(w);
  if (r.prefix === undefined)
    throw new IpUsageError(`address ${verb}: an address is needed (PREFIX dev IFNAME)`);
  ctx.what = `address ${verb} ${r.prefix}`;
  if (r.dev === undefined) throw new IpUsageError(`${ctx.what}: "dev IFNAME" is needed`);
  buildAddress(1, r.prefix, r.opts);
  const index = await ctx.ifindex(r.dev, `${ctx.what}: dev ${r.dev}`);
  const req = buildAddress(index, r.prefix, r.opts);
  const flags =
    verb === 'add'
      ? NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL
      : verb === 'replace'
        ? NLM_F.NLM_F_CREATE | NLM_F.NLM_F_REPLACE
        : NLM_F.NLM_F_REPLACE;
  await ctx.send({
    spec: rtmNewAddr as never,
    header: req.header,
    attrs: req.attrs,
    flags,
    context: ctx.what,
  });
}

async function del(ctx: Ctx, words: string[]): Promise<void> {
  const w = new Words(words, 'address delete');
  const r = parseAddrArgs(w);
  if (r.prefix === undefined)
    throw new IpUsageError('address delete: an address is needed (PREFIX dev IFNAME)');
  ctx.what = `address delete ${r.prefix}`;
  if (r.dev === undefined) throw new IpUsageError(`${ctx.what}: "dev IFNAME" is needed`);
  let prefix = r.prefix;
  const p = parsePrefix(prefix, 'address');
  const index = await ctx.ifindex(r.dev, `${ctx.what}: dev ${r.dev}`);
  if (!prefix.includes('/') && p.family === AF.AF_INET6 && r.opts.peer === undefined) {
    // IPv6 deletes match the prefix length: use the address's own.
    const mine = (await listAddresses(ctx, AF.AF_INET6, index)).find((a) => a.local === p.address);
    if (mine) prefix = `${p.address}/${mine.prefixlen}`;
  }
  const req = buildAddress(index, prefix, { peer: r.opts.peer, label: r.opts.label });
  // As ip: without a peer, IFA_LOCAL alone (IPv4 then matches whatever the prefix length).
  if (r.opts.peer === undefined) delete req.attrs.address;
  await ctx.send({ spec: rtmDelAddr as never, header: req.header, attrs: req.attrs, context: ctx.what });
}

/** Every address of a family (both when undefined), of one interface when index is given. */
export async function listAddresses(ctx: Ctx, family?: number, index = 0): Promise<Address[]> {
  const conn = await ctx.connection();
  const out: Address[] = [];
  for (const f of family === undefined ? [AF.AF_INET, AF.AF_INET6] : [family]) {
    const msgs = await conn.dump(
      rtmGetAddr,
      { family: f, index },
      {},
      { context: 'address show', retries: 3 },
    );
    for (const m of msgs) out.push(addressFromMessage(m as Message<IfAddrMsg, AddrAttrs>));
  }
  return out;
}

interface AddrFilter {
  scope?: number;
  to?: Bits & { family: number };
  label?: string;
  flags: number;
  mask: number;
}

const FILTER_FLAGS: Readonly<Record<string, number>> = {
  secondary: IFA_F.IFA_F_SECONDARY,
  temporary: IFA_F.IFA_F_SECONDARY,
  nodad: IFA_F.IFA_F_NODAD,
  optimistic: IFA_F.IFA_F_OPTIMISTIC,
  dadfailed: IFA_F.IFA_F_DADFAILED,
  home: IFA_F.IFA_F_HOMEADDRESS,
  deprecated: IFA_F.IFA_F_DEPRECATED,
  tentative: IFA_F.IFA_F_TENTATIVE,
  permanent: IFA_F.IFA_F_PERMANENT,
  mngtmpaddr: IFA_F.IFA_F_MANAGETEMPADDR,
  noprefixroute: IFA_F.IFA_F_NOPREFIXROUTE,
  autojoin: IFA_F.IFA_F_MCAUTOJOIN,
  'stable-privacy': IFA_F.IFA_F_STABLE_PRIVACY,
};

function addrFilterWord(f: AddrFilter, w: Words, a: string): boolean {
  if (a === 'scope') {
    const v = w.value(a);
    if (v === 'all') return true;
    const n = SCOPES.number(v);
    if (n === undefined) throw w.invalid(a, v, 'expected host, link, global, all or 0..255');
    f.scope = n;
  } else if (a === 'to') {
    const v = w.value(a);
    f.to = { ...prefixBits(v, 'to'), family: parsePrefix(v, 'to').family };
  } else if (a === 'label') f.label = w.value(a);
  else if (a === 'dynamic') {
    f.flags &= ~IFA_F.IFA_F_PERMANENT;
    f.mask |= IFA_F.IFA_F_PERMANENT;
  } else if (a === 'primary') {
    f.flags &= ~IFA_F.IFA_F_SECONDARY;
    f.mask |= IFA_F.IFA_F_SECONDARY;
  } else if (a.startsWith('-') && FILTER_FLAGS[a.slice(1)] !== undefined) {
    f.flags &= ~FILTER_FLAGS[a.slice(1)];
    f.mask |= FILTER_FLAGS[a.slice(1)];
  } else if (FILTER_FLAGS[a] !== undefined) {
    f.flags |= FILTER_FLAGS[a];
    f.mask |= FILTER_FLAGS[a];
  } else return false;
  return true;
}

function matchAddr(a: Address, f: AddrFilter, family: number | undefined, ifname: string): boolean {
  if (family !== undefined && a.family !== family) return false;
  const scope = typeof a.scope === 'number' ? a.scope : (SCOPES.number(a.scope) ?? 0);
  if (f.scope !== undefined && scope !== f.scope) return false;
  if ((f.flags ^ a.rawFlags) & f.mask) return false;
  if (f.to && !(a.local !== undefined && inPrefix(a.local, f.to))) return false;
  if (f.label !== undefined && !globMatch(f.label, a.label ?? ifname)) return false;
  return true;
}

/** fnmatch(3) for the `*`, `?` patterns of `label`. */
function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(s);
}

function familyNumber(ctx: Ctx): number | undefined {
  const f = ctx.opts.family;
  return f === 'inet' ? AF.AF_INET : f === 'inet6' ? AF.AF_INET6 : undefined;
}

async function show(ctx: Ctx, words: string[]): Promise<void> {
  const w = new Words(words, 'address show');
  const af: AddrFilter = { flags: 0, mask: 0 };
  const lf = parseShowFilter(w, (a) => addrFilterWord(af, w, a));
  ctx.what = lf.dev === undefined ? 'address show' : `address show ${lf.dev}`;
  const family = familyNumber(ctx) ?? (af.to ? af.to.family : undefined);
  const { links, map } = await selectLinks(ctx, lf, false);
  const addrs =
    ctx.opts.family === 'link'
      ? []
      : await listAddresses(ctx, family, lf.dev !== undefined && links.length === 1 ? links[0].index : 0);
  const shownFamily =
    ctx.opts.family ?? (af.to ? (af.to.family === AF.AF_INET6 ? 'inet6' : 'inet') : undefined);
  const o = { details: ctx.opts.details, stats: ctx.opts.stats, doLink: false, family: shownFamily };
  const out: Obj[] = [];
  for (const l of links) {
    const all = addrs.filter((a) => a.index === l.index);
    const mine = all.filter((a) => matchAddr(a, af, family, l.name));
    // As ip: a link whose addresses all fail the filters is left out; one without any is kept
    // unless a family was asked for.
    if (ctx.opts.family !== 'link' && all.length > 0 && mine.length === 0) continue;
    if (all.length === 0 && family !== undefined) continue;
    if (lf.up && !l.up) continue;
    const obj = linkJson(l, map, o);
    obj.addr_info = mine.map((a) => addrJson(a));
    out.push(obj);
  }
  if (ctx.opts.json && ctx.opts.oneline) {
    // ip -j -o: each link reduced to its addresses, each naming its interface.
    const one = out.map((l) => ({
      addr_info: (l.addr_info as Obj[]).map((a) => ({ index: l.ifindex, dev: l.ifname, ...a })),
    }));
    ctx.print(`${writeJson(one as never, ctx.opts.pretty)}\n`);
  } else if (ctx.opts.json) ctx.print(`${writeJson(out as never, ctx.opts.pretty)}\n`);
  else if (ctx.opts.oneline)
    for (const l of out)
      for (const a of l.addr_info as Obj[])
        ctx.print(addrText({ ...a, index: l.ifindex, dev: l.ifname }, { oneline: true }));
  else {
    const netnsName = await netnsNames(ctx, links);
    for (const l of out) ctx.print(linkText(l, { details: ctx.opts.details > 0, netnsName }));
  }
}

async function flush(ctx: Ctx, words: string[]): Promise<void> {
  if (words.length === 0)
    throw new IpUsageError('address flush: flush requires arguments (dev IFNAME, scope...)');
  const w = new Words(words, 'address flush');
  const af: AddrFilter = { flags: 0, mask: 0 };
  const lf = parseShowFilter(w, (a) => addrFilterWord(af, w, a));
  ctx.what = lf.dev === undefined ? 'address flush' : `address flush ${lf.dev}`;
  const family = familyNumber(ctx);
  const { links } = await selectLinks(ctx, lf, false);
  const names = new Map(links.map((l) => [l.index, l.name]));
  const addrs = (await listAddresses(ctx, family)).filter(
    (a) => names.has(a.index) && matchAddr(a, af, family, names.get(a.index) as string),
  );
  // Secondaries first: deleting an IPv4 primary takes its secondaries with it.
  addrs.sort((x, y) => (y.rawFlags & IFA_F.IFA_F_SECONDARY) - (x.rawFlags & IFA_F.IFA_F_SECONDARY));
  const items = addrs.map((a) => ({
    spec: rtmDelAddr,
    header: { family: a.family, prefixlen: a.prefixlen, flags: 0, scope: 0, index: a.index },
    attrs: { local: a.local, address: a.address } as AddrAttrs,
    context: `${ctx.what}: ${a.local}/${a.prefixlen}`,
  }));
  if (ctx.opts.dryRun) {
    for (const it of items) await ctx.send({ ...it, spec: it.spec as never });
    return;
  }
  const conn = await ctx.connection();
  const results = await conn.batch(items);
  for (const r of results) if (r && r.code !== 'EADDRNOTAVAIL') throw r;
  if (ctx.opts.stats)
    ctx.print(addrs.length ? `*** Deleted ${addrs.length} addresses ***\n` : 'Nothing to flush.\n');
}
