/**
 * `nlwire fdb`: `bridge fdb` — show, add, append, replace and delete forwarding database entries of
 * bridges, bridge ports and VXLAN devices. JSON as `bridge -j fdb show` prints it.
 */
import { NTF, NUD } from '../../constants/neighbour.js';
import { NLM_F } from '../../constants/netlink.js';
import { AF } from '../../constants/socket.js';
import { parseMac } from '../../netlink/address.js';
import type { Message } from '../../netlink/message.js';
import type { NeighAttrs } from '../../rtnl/neigh/attrs.js';
import { toFdbEntry } from '../../rtnl/neigh/fdb.js';
import { type NdMsg, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH } from '../../rtnl/neigh/messages.js';
import { validateAddress } from '../../rtnl/validate.js';
import type { Ctx } from './context.js';
import { IpUsageError } from './errors.js';
import { fdbText } from './human.js';
import { fdbJson, linkMap, type Obj } from './json.js';
import { writeJson } from './jsonw.js';
import { dumpLinks } from './link.js';
import { pick, Words } from './words.js';

const HELP = `Usage: nlwire fdb { add | append | del | replace } LLADDR dev DEV
              [ self ] [ master ] [ use ] [ router ] [ extern_learn ] [ sticky ]
              [ local | static | dynamic ] [ vlan VID ]
              [ dst IPADDR ] [ port PORT ] [ vni VNI ] [ src_vni VNI ] [ via DEV ] [ nhid ID ]
       nlwire fdb [ show [ br BRDEV ] [ brport DEV ] [ dev DEV ] [ vlan VID ] [ state STATE ] ]
Add --dry-run to add, append, del or replace to print the request instead of sending it.
`;

/** Runs `nlwire fdb ...`. */
export async function run(ctx: Ctx, words: string[]): Promise<void> {
  const [cmd = 'show', ...rest] = words;
  if (cmd === 'help' || cmd === '--help' || cmd === '-h' || rest.includes('--help') || rest.includes('-h')) {
    ctx.print(HELP);
    return;
  }
  const verb = pick(cmd, ['add', 'append', 'delete', 'replace', 'show', 'list', 'lst']);
  switch (verb) {
    case 'add':
      return modify(ctx, 'add', rest, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL);
    case 'append':
      return modify(ctx, 'append', rest, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_APPEND);
    case 'replace':
      return modify(ctx, 'replace', rest, NLM_F.NLM_F_CREATE | NLM_F.NLM_F_REPLACE);
    case 'delete':
      return modify(ctx, 'delete', rest, 0);
    case 'show':
    case 'list':
    case 'lst':
      return show(ctx, rest);
    default:
      throw new IpUsageError(`fdb: command "${cmd}" is unknown, try "nlwire fdb help"`);
  }
}

async function modify(ctx: Ctx, verb: string, words: string[], nlFlags: number): Promise<void> {
  const w = new Words(words, `fdb ${verb}`);
  let mac: string | undefined;
  let dev: string | undefined;
  let via: string | undefined;
  // As bridge: NUD_NOARP, made permanent unless static/dynamic says otherwise.
  let state: number = NUD.NUD_NOARP;
  let flags = 0;
  const attrs: NeighAttrs = {};
  while (w.more) {
    const a = w.take() as string;
    if (a === 'dev') dev = w.value(a);
    else if (a === 'self') flags |= NTF.NTF_SELF;
    else if (a === 'master') flags |= NTF.NTF_MASTER;
    else if (a === 'router') flags |= NTF.NTF_ROUTER;
    else if (a === 'use') flags |= NTF.NTF_USE;
    else if (a === 'extern_learn') flags |= NTF.NTF_EXT_LEARNED;
    else if (a === 'sticky') flags |= NTF.NTF_STICKY;
    else if (a === 'local' || a === 'permanent') state |= NUD.NUD_PERMANENT;
    else if (a === 'temp' || a === 'static') state |= NUD.NUD_REACHABLE;
    else if (a === 'dynamic') {
      state |= NUD.NUD_REACHABLE;
      state &= ~NUD.NUD_NOARP;
    } else if (a === 'vlan') attrs.vlan = w.uintValue(a, 4094, 1);
    else if (a === 'dst') attrs.dst = validateAddress(w.value(a), 'dst').address;
    else if (a === 'port' || a === 'dst_port') attrs.port = w.uintValue(a, 0xffff);
    else if (a === 'vni') attrs.vni = w.uintValue(a, 0xffffff);
    else if (a === 'src_vni') attrs.srcVni = w.uintValue(a, 0xffffff);
    else if (a === 'via') via = w.value(a);
    else if (a === 'nhid') attrs.nhId = w.uintValue(a, 0xffffffff, 1);
    else if (mac === undefined && !a.startsWith('-')) mac = a;
    else throw w.unknown(a);
  }
  if (mac === undefined) throw new IpUsageError(`fdb ${verb}: a MAC address is needed`);
  ctx.what = `fdb ${verb} ${mac}`;
  parseMac(mac, 'lladdr');
  if (dev === undefined) throw new IpUsageError(`${ctx.what}: "dev DEV" is needed`);
  if (!(state & (NUD.NUD_PERMANENT | NUD.NUD_REACHABLE))) state |= NUD.NUD_PERMANENT;
  if (!(flags & (NTF.NTF_SELF | NTF.NTF_MASTER))) flags |= NTF.NTF_SELF;
  const ifindex = await ctx.ifindex(dev, `${ctx.what}: dev ${dev}`);
  if (via !== undefined) attrs.ifindex = await ctx.ifindex(via, `${ctx.what}: via ${via}`);
  const header: NdMsg = { family: AF.AF_BRIDGE, ifindex, flags, state };
  await ctx.send({
    spec: (verb === 'delete' ? RTM_DELNEIGH : RTM_NEWNEIGH) as never,
    header,
    attrs: { lladdr: mac, ...attrs },
    flags: nlFlags,
    context: ctx.what,
  });
}

const STATES: Readonly<Record<string, number>> = {
  permanent: NUD.NUD_PERMANENT,
  local: NUD.NUD_PERMANENT,
  static: NUD.NUD_NOARP,
  stale: NUD.NUD_STALE,
  dynamic: NUD.NUD_REACHABLE,
};

async function show(ctx: Ctx, words: string[]): Promise<void> {
  const w = new Words(words, 'fdb show');
  let dev: string | undefined;
  let br: string | undefined;
  let vlan: number | undefined;
  let state: number | undefined;
  while (w.more) {
    const a = w.take() as string;
    if (a === 'dev' || a === 'brport') dev = w.value(a);
    else if (a === 'br') br = w.value(a);
    else if (a === 'vlan') vlan = w.uintValue(a, 4094, 1);
    else if (a === 'state') {
      const v = w.value(a);
      state = STATES[v] ?? w.uint(a, v, 0xffff);
    } else throw w.unknown(a);
  }
  ctx.what = 'fdb show';
  const conn = await ctx.connection();
  const attrs: NeighAttrs = {};
  if (dev !== undefined) attrs.ifindex = await ctx.ifindex(dev, `${ctx.what}: dev ${dev}`);
  if (br !== undefined) attrs.master = await ctx.ifindex(br, `${ctx.what}: br ${br}`);
  const msgs = await conn.dump(RTM_GETNEIGH, { family: AF.AF_BRIDGE }, attrs, {
    context: ctx.what,
    retries: 3,
  });
  const entries = msgs
    .map((m) => toFdbEntry(m as Message<NdMsg, NeighAttrs>))
    .filter((e) => vlan === undefined || e.vlan === vlan)
    .filter((e) => attrs.ifindex === undefined || e.ifindex === attrs.ifindex)
    .filter((e) => state === undefined || ((e.attrs && stateOf(e.nud)) & state) !== 0);
  const map = linkMap(await dumpLinks(ctx));
  const objs: Obj[] = entries.map((e) => fdbJson(e, map, { devFiltered: dev !== undefined }));
  if (ctx.opts.json) ctx.print(`${writeJson(objs as never, ctx.opts.pretty)}\n`);
  else for (const o of objs) ctx.print(fdbText(o));
}

function stateOf(nud: readonly string[]): number {
  let s = 0;
  for (const n of nud) s |= (NUD as Record<string, number>)[`NUD_${n.toUpperCase()}`] ?? 0;
  return s;
}
