/**
 * `nlwire link`: `ip link` — show, add, set, delete, and altname properties of network devices.
 */
import { IFF } from '../../constants/if.js';
import { NLM_F } from '../../constants/netlink.js';
import { RTEXT_FILTER } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import type { Message } from '../../netlink/message.js';
import type { NetnsRef } from '../../netns/ref.js';
import type { LinkAttrs } from '../../rtnl/link/attrs.js';
import type { ChangeLinkOptions, NetnsTarget } from '../../rtnl/link/change.js';
import type { CreateLinkOptions, LinkSettings, VethPeerOptions } from '../../rtnl/link/create.js';
import { type Link, toLink } from '../../rtnl/link/link.js';
import {
  type IfInfoMsg,
  RTM_DELLINK,
  RTM_DELLINKPROP,
  RTM_GETLINK,
  RTM_NEWLINK,
  RTM_NEWLINKPROP,
} from '../../rtnl/link/messages.js';
import type { Ctx } from './context.js';
import { IpError, IpUsageError } from './errors.js';
import { linkText } from './human.js';
import { type LinkMap, linkJson, linkMap, type Obj } from './json.js';
import { writeJson } from './jsonw.js';
import { pick, Words } from './words.js';

const HELP = `Usage: nlwire link add [ link DEV ] [ name ] NAME
                        [ txqueuelen PACKETS ] [ address LLADDR ] [ broadcast LLADDR ]
                        [ mtu MTU ] [ numtxqueues N ] [ numrxqueues N ] [ group GROUP ]
                        [ alias NAME ] [ master DEV ] [ netns { NETNS | PID } ] [ up ]
                        type TYPE [ ARGS ]
       nlwire link delete { DEVICE | dev DEVICE | group GROUP } [ type TYPE ]
       nlwire link set { DEVICE | dev DEVICE } [ up | down ] [ name NEWNAME ] [ mtu MTU ]
                        [ address LLADDR ] [ broadcast LLADDR ] [ txqueuelen PACKETS ]
                        [ netns { NETNS | PID } ] [ master DEV | nomaster ] [ alias NAME ]
                        [ group GROUP ] [ arp | multicast | allmulticast | promisc { on | off } ]
                        [ carrier { on | off } ] [ protodown { on | off } ]
                        [ type { bridge | bridge_slave } ARGS ]
       nlwire link show [ DEVICE | group GROUP ] [ up ] [ master DEV ] [ type TYPE ]
       nlwire link property { add | del } dev DEVICE altname NAME
       nlwire link help [ TYPE ]
Add --dry-run to add, set, delete or property to print the request instead of sending it.
`;

/** Runs `nlwire link ...`. */
export async function run(ctx: Ctx, words: string[]): Promise<void> {
  const [cmd = 'show', ...rest] = words;
  const t = rest.indexOf('type');
  const kindHelp = t >= 0 && rest.slice(t + 2).includes('help');
  if (
    cmd === 'help' ||
    cmd === '--help' ||
    cmd === '-h' ||
    rest.includes('--help') ||
    rest.includes('-h') ||
    kindHelp
  ) {
    const kind = t >= 0 ? rest[t + 1] : cmd === 'help' ? rest[0] : undefined;
    const { KIND_HELP, KINDS } = await import('./link-kinds.js');
    ctx.print(
      kind && KIND_HELP[kind]
        ? `Usage: ... ${KIND_HELP[kind]}\n`
        : `${HELP}TYPE := { ${KINDS.join(' | ')} }\n`,
    );
    return;
  }
  const verb = pick(cmd, ['add', 'create', 'delete', 'set', 'change', 'show', 'list', 'lst', 'property']);
  switch (verb) {
    case 'add':
    case 'create':
      return add(ctx, rest);
    case 'delete':
      return del(ctx, rest);
    case 'set':
    case 'change':
      return set(ctx, rest);
    case 'show':
    case 'list':
    case 'lst':
      return show(ctx, rest);
    case 'property':
      return property(ctx, rest);
    default:
      throw new IpUsageError(`link: command "${cmd}" is unknown, try "nlwire link help"`);
  }
}

/** A namespace given as `netns NAME|PID`. */
function netnsArg(v: string): NetnsRef {
  return /^\d+$/.test(v) ? { pid: Number(v) } : v;
}

interface Parsed {
  name?: string;
  settings: LinkSettings & Record<string, unknown>;
  flags: { set: number; clear: number };
  master?: string | null;
  link?: string;
  netns?: NetnsTarget;
  numTxQueues?: number;
  numRxQueues?: number;
  kind?: string;
  kindWords: string[];
  attrs: LinkAttrs;
  promisc?: boolean;
  allmulti?: boolean;
  arp?: boolean;
  carrier?: boolean;
  protoDown?: boolean;
}

const FLAG_WORDS: Readonly<Record<string, number>> = {
  multicast: IFF.IFF_MULTICAST,
  dynamic: IFF.IFF_DYNAMIC,
  trailers: IFF.IFF_NOTRAILERS,
};

/** Parses the arguments `ip link add|set` share (iplink_parse), up to `type`. */
function parseLinkArgs(w: Words, forAdd: boolean): Parsed {
  const p: Parsed = { settings: {}, flags: { set: 0, clear: 0 }, kindWords: [], attrs: {} };
  const named = (v: string) => {
    if (p.name !== undefined && p.name !== v)
      throw new IpUsageError(`${w.what}: two device names: "${p.name}" and "${v}"`);
    p.name = v;
  };
  while (w.more) {
    const a = w.take() as string;
    switch (a) {
      case 'up':
        p.settings.up = true;
        break;
      case 'down':
        p.settings.up = false;
        break;
      case 'name':
        if (forAdd) named(w.value(a));
        else p.settings.newName = w.value(a);
        break;
      case 'dev':
        named(w.value(a));
        break;
      case 'link':
        p.link = w.value(a);
        break;
      case 'mtu':
        p.settings.mtu = w.uintValue(a);
        break;
      case 'address':
        p.settings.address = w.value(a);
        break;
      case 'broadcast':
      case 'brd':
        p.settings.broadcast = w.value(a);
        break;
      case 'txqueuelen':
      case 'qlen':
      case 'txqlen':
        p.settings.txqlen = w.uintValue(a);
        break;
      case 'numtxqueues':
        p.numTxQueues = w.uintValue(a);
        break;
      case 'numrxqueues':
        p.numRxQueues = w.uintValue(a);
        break;
      case 'group':
        p.settings.group = groupValue(w, w.value(a));
        break;
      case 'alias':
        p.settings.alias = w.value(a);
        break;
      case 'master':
      case 'vrf':
        p.master = w.value(a);
        break;
      case 'nomaster':
        p.master = null;
        break;
      case 'netns': {
        const v = w.value(a);
        p.netns = netnsArg(v);
        break;
      }
      case 'link-netnsid':
      case 'link-netns':
        throw new IpUsageError(`${w.what}: ${a} is not supported by nlwire`);
      case 'promisc':
        p.promisc = w.onOff(a);
        break;
      case 'allmulticast':
      case 'allmulti':
        p.allmulti = w.onOff(a);
        break;
      case 'arp':
        p.arp = w.onOff(a);
        break;
      case 'carrier':
        p.carrier = w.onOff(a);
        break;
      case 'protodown':
        p.protoDown = w.onOff(a);
        break;
      case 'multicast':
      case 'dynamic':
      case 'trailers': {
        const on = w.onOff(a);
        const bit = FLAG_WORDS[a];
        // trailers on clears IFF_NOTRAILERS
        if (on !== (a === 'trailers')) p.flags.set |= bit;
        else p.flags.clear |= bit;
        break;
      }
      case 'gso_max_size':
        p.attrs.gsoMaxSize = w.uintValue(a);
        break;
      case 'gso_max_segs':
        p.attrs.gsoMaxSegs = w.uintValue(a);
        break;
      case 'gro_max_size':
        p.attrs.groMaxSize = w.uintValue(a);
        break;
      case 'type':
        p.kind = w.value(a);
        p.kindWords = w.rest();
        break;
      default:
        if (a.startsWith('-')) throw w.unknown(a);
        named(a);
    }
  }
  return p;
}

function groupValue(w: Words, v: string): number {
  if (v === 'default') return 0;
  return w.uint('group', v);
}

function applyFlags(header: IfInfoMsg, f: { set: number; clear: number }): void {
  if (!f.set && !f.clear) return;
  header.change = (header.change ?? 0) | f.set | f.clear;
  header.flags = ((header.flags ?? 0) | f.set) & ~f.clear;
}

async function add(ctx: Ctx, words: string[]): Promise<void> {
  const w = new Words(words, 'link add');
  const p = parseLinkArgs(w, true);
  if (p.name === undefined)
    throw new IpUsageError('link add: a device name is needed ("nlwire link add NAME type TYPE")');
  ctx.what = `link add ${p.name}`;
  if (p.kind === undefined) throw new IpUsageError(`${ctx.what}: "type TYPE" is needed`);
  if (p.settings.newName !== undefined) throw new IpUsageError(`${ctx.what}: two names`);
  const resolve = (n: string, field: string) => ctx.ifindex(n, `${ctx.what}: ${field} ${n}`);
  const devs: { link?: string; vxlanDev?: string } = {};
  const [{ kindArgs }] = await Promise.all([
    import('./link-kinds.js'),
    import('../../rtnl/link/kinds/index.js'),
  ]);
  const k = await kindArgs(p.kind, p.kindWords, ctx.what, resolve, devs);
  const opts: Record<string, unknown> = {
    ...p.settings,
    ...k.options,
    name: p.name,
    kind: p.kind,
  };
  if (p.numTxQueues !== undefined) opts.numTxQueues = p.numTxQueues;
  if (p.numRxQueues !== undefined) opts.numRxQueues = p.numRxQueues;
  if (Object.keys(p.attrs).length) opts.attrs = p.attrs;
  if (p.master === null) throw new IpUsageError(`${ctx.what}: nomaster is for link set`);
  if (p.netns !== undefined) {
    if (typeof p.netns === 'object' && 'nsid' in p.netns)
      throw new IpUsageError(`${ctx.what}: netns by nsid is for link set`);
    opts.netns = p.netns;
  }
  let peerName: string | undefined;
  if (k.peerWords) {
    const pw = new Words(k.peerWords, `${ctx.what} peer`);
    const peer = parseLinkArgs(pw, true);
    if (peer.kind !== undefined) throw new IpUsageError(`${ctx.what}: peer: type is not allowed`);
    const po: VethPeerOptions & Record<string, unknown> = { ...peer.settings };
    if (peer.name !== undefined) po.name = peerName = peer.name;
    if (peer.netns !== undefined) po.netns = peer.netns as NetnsRef;
    if (peer.numTxQueues !== undefined) po.numTxQueues = peer.numTxQueues;
    if (peer.numRxQueues !== undefined) po.numRxQueues = peer.numRxQueues;
    if (peer.master !== undefined || peer.link !== undefined)
      throw new IpUsageError(`${ctx.what}: peer: master and link are not allowed`);
    opts.peer = po;
  }
  // Names (the lower device, the master) are looked up by the plan; a vxlan's dev below.
  const link = p.link ?? devs.link;
  if (link !== undefined) opts.link = link;
  if (p.master !== undefined) opts.master = p.master;
  const { planCreate } = await import('../../rtnl/link/create.js');
  const planned = planCreate(opts as unknown as CreateLinkOptions);
  applyFlags(planned.header, p.flags);
  if (devs.vxlanDev !== undefined) {
    const data = planned.attrs.linkinfo?.data as Record<string, unknown> | undefined;
    if (data) data.link = await resolve(devs.vxlanDev, 'dev');
  }
  await planned.plan.resolve(resolve);
  const handles = planned.plan.open();
  const touches = peerName === undefined ? [p.name] : [p.name, peerName];
  await ctx.send({
    spec: RTM_NEWLINK as never,
    header: planned.header,
    attrs: planned.attrs,
    flags: NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL,
    context: ctx.what,
    handles,
    touches,
  });
}

async function set(ctx: Ctx, words: string[]): Promise<void> {
  const w = new Words(words, 'link set');
  const p = parseLinkArgs(w, false);
  if (p.name === undefined)
    throw new IpUsageError('link set: a device is needed ("nlwire link set DEVICE ...")');
  ctx.what = `link set ${p.name}`;
  if (p.link !== undefined || p.numTxQueues !== undefined || p.numRxQueues !== undefined)
    throw new IpUsageError(`${ctx.what}: link, numtxqueues and numrxqueues are for link add`);
  const opts: ChangeLinkOptions & Record<string, unknown> = { ...p.settings };
  delete opts.newName;
  if (p.settings.newName !== undefined) opts.name = p.settings.newName as string;
  if (p.promisc !== undefined) opts.promisc = p.promisc;
  if (p.allmulti !== undefined) opts.allmulti = p.allmulti;
  if (p.arp !== undefined) opts.arp = p.arp;
  if (p.carrier !== undefined) opts.carrier = p.carrier;
  if (p.protoDown !== undefined) opts.protoDown = p.protoDown;
  if (p.netns !== undefined) opts.netns = p.netns;
  if (p.master === null) opts.master = null;
  if (Object.keys(p.attrs).length) opts.attrs = p.attrs;
  const resolve = (n: string, field: string) => ctx.ifindex(n, `${ctx.what}: ${field} ${n}`);
  let kinds: { kind?: string; slaveKind?: string } = {};
  if (p.kind !== undefined) {
    const [{ bridgeArgs, bridgeSlaveArgs, loadKind }] = await Promise.all([
      import('./link-kinds.js'),
      import('../../rtnl/link/kinds/index.js'),
    ]);
    const kw = new Words(p.kindWords, `${ctx.what} type ${p.kind}`);
    if (p.kind === 'bridge_slave') {
      opts.slaveData = await bridgeSlaveArgs(kw, resolve);
      kinds = { slaveKind: 'bridge' };
    } else if (p.kind === 'bridge') {
      opts.data = bridgeArgs(kw) as Record<string, unknown>;
      kinds = { kind: 'bridge' };
    } else
      throw new IpUsageError(
        `${ctx.what}: changing type ${p.kind} options is not supported (bridge, bridge_slave)`,
      );
    await loadKind(p.kind);
  }
  const { planChange } = await import('../../rtnl/link/change.js');
  const planned = planChange(opts, kinds);
  applyFlags(planned.header, p.flags);
  planned.header.index = await resolve(p.name, 'dev');
  if (p.master !== undefined && p.master !== null) planned.attrs.master = await resolve(p.master, 'master');
  await planned.plan.resolve(resolve);
  const handles = planned.plan.open();
  const touches = [p.name];
  if (opts.name !== undefined) touches.push(opts.name);
  await ctx.send({
    spec: RTM_NEWLINK as never,
    header: planned.header,
    attrs: planned.attrs,
    context: ctx.what,
    handles,
    touches: opts.name !== undefined || opts.netns !== undefined ? touches : [],
  });
}

async function del(ctx: Ctx, words: string[]): Promise<void> {
  const w = new Words(words, 'link delete');
  let name: string | undefined;
  let group: number | undefined;
  while (w.more) {
    const a = w.take() as string;
    if (a === 'dev') name = w.value(a);
    else if (a === 'group') group = groupValue(w, w.value(a));
    else if (a === 'type') w.value(a);
    else if (name === undefined && !a.startsWith('-')) name = a;
    else throw w.unknown(a);
  }
  if (group !== undefined) {
    ctx.what = `link delete group ${group}`;
    if (group === 0) throw new IpUsageError(`${ctx.what}: the default group holds lo and cannot be deleted`);
    await ctx.send({ spec: RTM_DELLINK as never, header: { index: 0 }, attrs: { group }, context: ctx.what });
    return;
  }
  if (name === undefined) throw new IpUsageError('link delete: a device is needed');
  ctx.what = `link delete ${name}`;
  const { validateAltname } = await import('../../rtnl/link/api.js');
  validateAltname(name, 'dev');
  const attrs: LinkAttrs = Buffer.byteLength(name) <= 15 ? { ifname: name } : { altIfname: [name] };
  await ctx.send({ spec: RTM_DELLINK as never, header: {}, attrs, context: ctx.what, touches: [name] });
}

async function property(ctx: Ctx, words: string[]): Promise<void> {
  const w = new Words(words, 'link property');
  const op = w.take();
  if (op !== 'add' && op !== 'del' && op !== 'delete')
    throw new IpUsageError('link property: expected "add" or "del"');
  let dev: string | undefined;
  const names: string[] = [];
  while (w.more) {
    const a = w.take() as string;
    if (a === 'dev') dev = w.value(a);
    else if (a === 'altname') names.push(w.value(a));
    else if (dev === undefined) dev = a;
    else throw w.unknown(a);
  }
  if (dev === undefined || names.length === 0)
    throw new IpUsageError('link property: "dev DEVICE altname NAME" is needed');
  ctx.what = `link property ${op} ${dev}`;
  const { validateAltname } = await import('../../rtnl/link/api.js');
  for (const n of names) validateAltname(n, 'altname');
  const index = await ctx.ifindex(dev, ctx.what);
  await ctx.send({
    spec: (op === 'add' ? RTM_NEWLINKPROP : RTM_DELLINKPROP) as never,
    header: { index },
    attrs: { propList: { altIfname: names } },
    flags: op === 'add' ? NLM_F.NLM_F_EXCL | NLM_F.NLM_F_APPEND | NLM_F.NLM_F_CREATE : 0,
    context: ctx.what,
    touches: names,
  });
}

/**
 * Links of the connection's namespace (one dump), for shows. With `family` AF_INET6 the kernel answers
 * with its IPv6 view of each link (fewer attributes), as `ip -6` asks for it.
 */
export async function dumpLinks(ctx: Ctx, attrs: LinkAttrs = {}, family = 0): Promise<Link[]> {
  await kindsFor(ctx);
  const conn = await ctx.connection();
  const msgs = await conn.dump(
    RTM_GETLINK,
    { family },
    // The IPv6 view takes no attributes in the request (the kernel refuses them).
    family === AF.AF_INET6 ? {} : { extMask: RTEXT_FILTER.RTEXT_FILTER_VF, ...attrs },
    { context: 'link show', retries: 3 },
  );
  return msgs
    .filter((m) => m.nl.type === RTM_NEWLINK.type)
    .map((m) => toLink(m as Message<IfInfoMsg, LinkAttrs>));
}

/** Registers the link kinds (whose data -d shows) before links are decoded; only -d needs them. */
async function kindsFor(ctx: Ctx): Promise<void> {
  if (ctx.opts.details) await import('../../rtnl/link/kinds/index.js');
}

/** One link by name (RTM_GETLINK); ENODEV as ip words it. */
export async function getLink(ctx: Ctx, name: string): Promise<Link> {
  await kindsFor(ctx);
  const conn = await ctx.connection();
  const attrs: LinkAttrs = { extMask: RTEXT_FILTER.RTEXT_FILTER_VF };
  if (Buffer.byteLength(name) <= 15) attrs.ifname = name;
  else attrs.altIfname = [name];
  try {
    const [m] = await conn.request(RTM_GETLINK, {}, attrs, { context: ctx.what });
    if (m) return toLink(m as Message<IfInfoMsg, LinkAttrs>);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENODEV') throw e;
  }
  throw new IpError(`Device "${name}" does not exist.`, 'ENODEV');
}

/** A map of the given links, completed by looking up the masters and lower devices they name. */
export async function completeMap(ctx: Ctx, links: Link[]): Promise<LinkMap> {
  const known = new Map(links.map((l) => [l.index, l]));
  const want = new Set<number>();
  for (const l of links) {
    if (l.master) want.add(l.master);
    if (l.link && l.linkNetnsid === undefined) want.add(l.link);
    const d = l.data as Record<string, unknown> | undefined;
    if (d && typeof d.link === 'number' && d.link) want.add(d.link);
  }
  const conn = await ctx.connection();
  for (const i of want) {
    if (known.has(i)) continue;
    try {
      const [m] = await conn.request(
        RTM_GETLINK,
        { index: i },
        { extMask: RTEXT_FILTER.RTEXT_FILTER_SKIP_STATS },
      );
      if (m) known.set(i, toLink(m as Message<IfInfoMsg, LinkAttrs>));
    } catch {
      // gone meanwhile: shown as if<N>, as ip does
    }
  }
  return linkMap([...known.values()]);
}

interface ShowFilter {
  dev?: string;
  up?: boolean;
  master?: string;
  kind?: string;
  slaveKind?: string;
  group?: number;
}

/** Parses `link show` / `address show` filters (the ones both take). */
export function parseShowFilter(w: Words, extra: (a: string) => boolean = () => false): ShowFilter {
  const f: ShowFilter = {};
  while (w.more) {
    const a = w.take() as string;
    if (a === 'dev') f.dev = w.value(a);
    else if (a === 'up') f.up = true;
    else if (a === 'master' || a === 'vrf') f.master = w.value(a);
    else if (a === 'type') {
      const t = w.value(a);
      if (t.endsWith('_slave')) f.slaveKind = t.slice(0, -6);
      else f.kind = t;
    } else if (a === 'group') f.group = groupValue(w, w.value(a));
    else if (extra(a)) continue;
    else if (f.dev === undefined && !a.startsWith('-')) f.dev = a;
    else throw w.unknown(a);
  }
  return f;
}

/**
 * The links a show filter selects, and a name map for printing them. `link show DEV` gets the one link;
 * otherwise (and always for `address show`, as ip) the links are dumped, with -6 in the kernel's IPv6
 * view.
 */
export async function selectLinks(
  ctx: Ctx,
  f: ShowFilter,
  doLink = true,
): Promise<{ links: Link[]; map: LinkMap }> {
  if (f.dev !== undefined && f.group === undefined && doLink) {
    const l = await getLink(ctx, f.dev);
    return { links: [l], map: await completeMap(ctx, [l]) };
  }
  let devIndex: number | undefined;
  if (f.dev !== undefined) devIndex = (await getLink(ctx, f.dev)).index;
  const attrs: LinkAttrs = {};
  if (f.kind !== undefined) attrs.linkinfo = { kind: f.kind };
  let masterIndex: number | undefined;
  if (f.master !== undefined) {
    masterIndex = await ctx.ifindex(f.master, `${ctx.what}: master ${f.master}`);
    attrs.master = masterIndex;
  }
  // `ip link` always shows the full (AF_PACKET) view; `ip -6 address` the kernel's IPv6 view.
  const v6 = !doLink && ctx.opts.family === 'inet6';
  const all = await dumpLinks(ctx, attrs, v6 ? AF.AF_INET6 : 0);
  if (v6) {
    // The IPv6 view has no IFLA_TXQLEN; ip asks the device (SIOCGIFTXQLEN): take it from the full view.
    const qlen = new Map((await dumpLinks(ctx)).map((l) => [l.name, l.txqlen]));
    for (const l of all)
      if (l.attrs.txqlen === undefined && qlen.get(l.name) !== undefined) l.attrs.txqlen = qlen.get(l.name);
  }
  const map = f.master !== undefined || f.kind !== undefined ? await completeMap(ctx, all) : linkMap(all);
  const links = all.filter(
    (l) =>
      (devIndex === undefined || l.index === devIndex) &&
      (!f.up || l.up) &&
      (f.kind === undefined || l.kind === f.kind) &&
      (f.slaveKind === undefined || l.slaveKind === f.slaveKind) &&
      (masterIndex === undefined || l.master === masterIndex) &&
      (f.group === undefined || (l.group ?? 0) === f.group),
  );
  return { links, map };
}

async function show(ctx: Ctx, words: string[]): Promise<void> {
  const w = new Words(words, 'link show');
  const f = parseShowFilter(w);
  ctx.what = f.dev === undefined ? 'link show' : `link show ${f.dev}`;
  const { links, map } = await selectLinks(ctx, f);
  // As ip: `link show` is family AF_PACKET whatever -4/-6 say.
  const o = { details: ctx.opts.details, stats: ctx.opts.stats, doLink: true, family: 'link' };
  const objs: Obj[] = links.map((l) => linkJson(l, map, o));
  if (ctx.opts.json) ctx.print(`${writeJson(objs as never, ctx.opts.pretty)}\n`);
  else {
    const netnsName = await netnsNames(ctx, links);
    for (const x of objs)
      ctx.print(linkText(x, { oneline: ctx.opts.oneline, details: ctx.opts.details > 0, netnsName }));
  }
}

/** Names of the namespaces the links' nsids refer to (for `link-netns NAME`), looked up only if needed. */
export async function netnsNames(
  ctx: Ctx,
  links: readonly Link[],
): Promise<(nsid: number) => string | undefined> {
  if (!links.some((l) => l.linkNetnsid !== undefined)) return () => undefined;
  const { Nsids } = await import('../../rtnl/nsid/api.js');
  const n = new Nsids(await ctx.connection());
  const names = new Map<number, string | undefined>();
  for (const l of links)
    if (l.linkNetnsid !== undefined && l.linkNetnsid >= 0 && !names.has(l.linkNetnsid))
      names.set(l.linkNetnsid, await n.resolveNsid(l.linkNetnsid).catch(() => undefined));
  return (nsid) => names.get(nsid);
}
