/**
 * `nlwire monitor`: `ip monitor` — prints rtnetlink events (links, addresses, routes, neighbours,
 * rules, namespace ids) as they happen, in `show`'s format (or one JSON object a line with -j), until
 * interrupted. Lost events (a full receive buffer) are reported, never silently skipped.
 */
import { RTM, RTNLGRP } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import type { Message } from '../../netlink/message.js';
import type { Ctx } from './context.js';
import { IpUsageError } from './errors.js';
import { addrText, fdbText, linkText, neighText, routeText, ruleText } from './human.js';
import {
  addrJson,
  fdbJson,
  type LinkMap,
  linkJson,
  neighJson,
  type Obj,
  routeJson,
  ruleJson,
} from './json.js';
import { writeJson } from './jsonw.js';

const HELP = `Usage: nlwire monitor [ all | OBJECT-LIST ] [ label ]
OBJECT-LIST := [ link ] [ address ] [ route ] [ neigh ] [ rule ] [ nsid ]
Prints events until interrupted (Ctrl-C). With -j, one JSON object a line.
`;

const OBJECT_GROUPS: Readonly<Record<string, readonly number[]>> = {
  link: [RTNLGRP.RTNLGRP_LINK],
  address: [RTNLGRP.RTNLGRP_IPV4_IFADDR, RTNLGRP.RTNLGRP_IPV6_IFADDR],
  route: [RTNLGRP.RTNLGRP_IPV4_ROUTE, RTNLGRP.RTNLGRP_IPV6_ROUTE],
  neigh: [RTNLGRP.RTNLGRP_NEIGH],
  rule: [RTNLGRP.RTNLGRP_IPV4_RULE, RTNLGRP.RTNLGRP_IPV6_RULE],
  nsid: [RTNLGRP.RTNLGRP_NSID],
};

const ALIASES: Readonly<Record<string, string>> = {
  addr: 'address',
  a: 'address',
  l: 'link',
  r: 'route',
  n: 'neigh',
  neighbour: 'neigh',
  neighbor: 'neigh',
};

/** Runs `nlwire monitor ...`. */
export async function run(ctx: Ctx, words: string[]): Promise<void> {
  if (words.includes('help') || words.includes('--help') || words.includes('-h')) {
    ctx.print(HELP);
    return;
  }
  let label = false;
  const objects = new Set<string>();
  for (const word of words) {
    if (word === 'label') label = true;
    else if (word === 'all') for (const k of Object.keys(OBJECT_GROUPS)) objects.add(k);
    else {
      const o = ALIASES[word] ?? word;
      if (!OBJECT_GROUPS[o])
        throw new IpUsageError(`monitor: unknown object "${word}", try "nlwire monitor help"`);
      objects.add(o);
    }
  }
  if (objects.size === 0) for (const k of Object.keys(OBJECT_GROUPS)) objects.add(k);
  ctx.what = 'monitor';
  await Promise.all([
    import('../../rtnl/link/messages.js'),
    import('../../rtnl/link/kinds/index.js'),
    import('../../rtnl/addr/messages.js'),
    import('../../rtnl/route/messages.js'),
    import('../../rtnl/neigh/messages.js'),
    import('../../rtnl/rule/messages.js'),
    import('../../rtnl/nsid/messages.js'),
  ]);
  const [
    { Monitor },
    { rtnetlink },
    { toLink },
    { addressFromMessage },
    { routeFromMessage },
    { toNeighbour },
    { toFdbEntry },
    { toRule },
  ] = await Promise.all([
    import('../../netlink/monitor.js'),
    import('../../rtnl/protocol.js'),
    import('../../rtnl/link/link.js'),
    import('../../rtnl/addr/api.js'),
    import('../../rtnl/route/api.js'),
    import('../../rtnl/neigh/api.js'),
    import('../../rtnl/neigh/fdb.js'),
    import('../../rtnl/rule/api.js'),
  ]);
  const groups = [...objects].flatMap((o) => OBJECT_GROUPS[o]);
  // Subscribe first, then learn the names: no event falls between.
  const mon = Monitor.open(rtnetlink, { groups, netns: ctx.opts.netns });
  const { dumpLinks } = await import('./link.js');
  const names = new Map<number, { name: string; flags: number; type: number }>();
  for (const l of await dumpLinks(ctx)) names.set(l.index, { name: l.name, flags: l.flags, type: l.type });
  const map: LinkMap = {
    ifname: (i) => names.get(i)?.name ?? `if${i}`,
    ifflags: (i) => names.get(i)?.flags,
    iftype: (i) => names.get(i)?.type,
  };
  const stop = () => void mon.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const o = { details: ctx.opts.details, stats: ctx.opts.stats, doLink: true, family: ctx.opts.family };
  const emit = (tag: string, obj: Obj, text: string) => {
    if (ctx.opts.json) ctx.print(`${writeJson(obj as never, false)}\n`);
    else ctx.print(label ? `[${tag}]${text}` : text);
    void ctx.flushOutput();
  };
  try {
    for await (const ev of mon) {
      if (ev.type === 'overrun') {
        process.stderr.write(`nlwire: monitor: events lost (${ev.reason}); dump again to resynchronise\n`);
        continue;
      }
      if (ev.type !== 'message') continue;
      const m = ev.message as Message;
      const t = m.nl.type;
      if (t === RTM.RTM_NEWLINK || t === RTM.RTM_DELLINK) {
        const l = toLink(m as never);
        if ((l.family ?? 0) !== AF.AF_UNSPEC) continue;
        if (t === RTM.RTM_DELLINK) names.delete(l.index);
        else names.set(l.index, { name: l.name, flags: l.flags, type: l.type });
        const obj = linkJson(l, map, o, t === RTM.RTM_DELLINK);
        emit('LINK', obj, linkText(obj));
      } else if (t === RTM.RTM_NEWADDR || t === RTM.RTM_DELADDR) {
        const a = addressFromMessage(m as never);
        const obj = addrJson(a, { deleted: t === RTM.RTM_DELADDR, dev: map.ifname(a.index) });
        emit('ADDR', obj, addrText(obj));
      } else if (t === RTM.RTM_NEWROUTE || t === RTM.RTM_DELROUTE) {
        const obj = routeJson(
          routeFromMessage(m as never),
          map,
          ctx.opts.details,
          {},
          t === RTM.RTM_DELROUTE,
        );
        emit('ROUTE', obj, routeText(obj));
      } else if (t === RTM.RTM_NEWNEIGH || t === RTM.RTM_DELNEIGH || t === RTM.RTM_GETNEIGH) {
        const family = (m.header as { family?: number }).family;
        if (family === AF.AF_BRIDGE) {
          const obj = fdbJson(toFdbEntry(m as never), map, { deleted: t === RTM.RTM_DELNEIGH });
          emit('NEIGH', obj, fdbText(obj));
        } else {
          const obj = neighJson(toNeighbour(m as never), map, {
            deleted: t === RTM.RTM_DELNEIGH,
            miss: t === RTM.RTM_GETNEIGH,
          });
          emit('NEIGH', obj, neighText(obj));
        }
      } else if (t === RTM.RTM_NEWRULE || t === RTM.RTM_DELRULE) {
        const obj = ruleJson(toRule(m as never), ctx.opts.details, t === RTM.RTM_DELRULE);
        emit('RULE', obj, ruleText(obj));
      } else if (t === RTM.RTM_NEWNSID || t === RTM.RTM_DELNSID) {
        const nsid = (m.attrs as { nsid?: number }).nsid;
        const obj: Obj = t === RTM.RTM_DELNSID ? { deleted: true, nsid } : { nsid };
        emit('NSID', obj, `${t === RTM.RTM_DELNSID ? 'Deleted ' : ''}nsid ${nsid}\n`);
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await mon.close();
  }
}
