/**
 * Resynchronising after an overrun: dump again what a subscription covers, as the events a watcher
 * would have seen had it been listening from the start.
 */
import { RTNLGRP } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import { Connection } from '../../netlink/connection.js';
import type { MessageSpec } from '../../netlink/message.js';
import type { NetnsRef } from '../../netns/ref.js';
import { rtmGetAddr } from '../addr/messages.js';
import { RTM_GETLINK } from '../link/messages.js';
import { RTM_GETNEIGH } from '../neigh/messages.js';
import { RTM_GETNSID } from '../nsid/messages.js';
import { rtnetlink } from '../protocol.js';
import { rtmGetRoute } from '../route/messages.js';
import { RTM_GETRULE } from '../rule/messages.js';
import { objectEvent, type RtnlEvent } from './event.js';
import { groupNumbers, type WatchGroup } from './groups.js';

type Dump = readonly [MessageSpec<unknown, object>, number];
const spec = (s: object) => s as MessageSpec<unknown, object>;

// The dumps that list what each group's events are about, by RTNLGRP_* number. Links and
// neighbours include the bridge's views (AF_BRIDGE), which the same groups announce.
const DUMPS = new Map<number, readonly Dump[]>([
  [
    RTNLGRP.RTNLGRP_LINK,
    [
      [spec(RTM_GETLINK), AF.AF_UNSPEC],
      [spec(RTM_GETLINK), AF.AF_BRIDGE],
    ],
  ],
  [RTNLGRP.RTNLGRP_IPV4_IFADDR, [[spec(rtmGetAddr), AF.AF_INET]]],
  [RTNLGRP.RTNLGRP_IPV6_IFADDR, [[spec(rtmGetAddr), AF.AF_INET6]]],
  [RTNLGRP.RTNLGRP_IPV4_ROUTE, [[spec(rtmGetRoute), AF.AF_INET]]],
  [RTNLGRP.RTNLGRP_IPV6_ROUTE, [[spec(rtmGetRoute), AF.AF_INET6]]],
  [
    RTNLGRP.RTNLGRP_NEIGH,
    [
      [spec(RTM_GETNEIGH), AF.AF_UNSPEC],
      [spec(RTM_GETNEIGH), AF.AF_BRIDGE],
    ],
  ],
  [RTNLGRP.RTNLGRP_IPV4_RULE, [[spec(RTM_GETRULE), AF.AF_INET]]],
  [RTNLGRP.RTNLGRP_IPV6_RULE, [[spec(RTM_GETRULE), AF.AF_INET6]]],
  [RTNLGRP.RTNLGRP_NSID, [[spec(RTM_GETNSID), AF.AF_UNSPEC]]],
]);

/** Options of {@link snapshot}. */
export interface SnapshotOptions {
  /** The namespace to list (the watched one). */
  netns?: NetnsRef;
  /** Retry a dump the kernel interrupted (NLM_F_DUMP_INTR) this many times. Default 3. */
  retries?: number;
}

/**
 * Every object the groups cover, as `new` events: links, then addresses, routes, neighbours, rules
 * and namespace ids (for `all`). After an overrun, replace what was built from events with this, then
 * apply the events that follow. Take it after subscribing (`watch` first), so nothing falls between.
 *
 * Dumps RTM_GETLINK (AF_UNSPEC and AF_BRIDGE), RTM_GETADDR and RTM_GETROUTE (per address family,
 * every table), RTM_GETNEIGH (AF_UNSPEC and the bridge FDB), RTM_GETRULE (per address family) and
 * RTM_GETNSID. Throws ValidationError for an unknown group name, NetlinkError if a dump fails.
 */
export async function snapshot(
  groups: readonly WatchGroup[],
  opts: SnapshotOptions = {},
): Promise<RtnlEvent[]> {
  const dumps: Dump[] = [];
  const seen = new Set<string>();
  for (const g of groupNumbers(groups))
    for (const d of DUMPS.get(g) ?? []) {
      const key = `${d[0].type}/${d[1]}`;
      if (!seen.has(key)) {
        seen.add(key);
        dumps.push(d);
      }
    }
  // Links first, then the objects that refer to them.
  dumps.sort((a, b) => a[0].type - b[0].type);
  const conn = Connection.open(rtnetlink, { netns: opts.netns });
  try {
    const out: RtnlEvent[] = [];
    for (const [s, family] of dumps) {
      const header = { [s.familyKey ?? 'family']: family };
      const msgs = await conn.dump(s, header, {}, { retries: opts.retries ?? 3, context: `${s.name} dump` });
      for (const m of msgs) {
        const ev = objectEvent(m);
        if (ev) out.push(ev);
      }
    }
    return out;
  } finally {
    await conn.close();
  }
}
