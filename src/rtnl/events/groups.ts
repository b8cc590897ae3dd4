/**
 * The names `watch` takes for rtnetlink multicast groups, and the groups (RTNLGRP_*) each stands for.
 */
import { RTNLGRP } from '../../constants/rtnetlink.js';
import { ValidationError } from '../../netlink/errors.js';

/** What to watch: a family of objects, for one address family or both. `all` is every other name. */
export type WatchGroup =
  | 'link'
  | 'addr'
  | 'ipv4-addr'
  | 'ipv6-addr'
  | 'route'
  | 'ipv4-route'
  | 'ipv6-route'
  | 'neigh'
  | 'rule'
  | 'nsid'
  | 'all';

const G = RTNLGRP;

/** The RTNLGRP_* groups of each name. */
export const WATCH_GROUPS: Readonly<Record<WatchGroup, readonly number[]>> = {
  link: [G.RTNLGRP_LINK],
  addr: [G.RTNLGRP_IPV4_IFADDR, G.RTNLGRP_IPV6_IFADDR],
  'ipv4-addr': [G.RTNLGRP_IPV4_IFADDR],
  'ipv6-addr': [G.RTNLGRP_IPV6_IFADDR],
  route: [G.RTNLGRP_IPV4_ROUTE, G.RTNLGRP_IPV6_ROUTE],
  'ipv4-route': [G.RTNLGRP_IPV4_ROUTE],
  'ipv6-route': [G.RTNLGRP_IPV6_ROUTE],
  neigh: [G.RTNLGRP_NEIGH],
  rule: [G.RTNLGRP_IPV4_RULE, G.RTNLGRP_IPV6_RULE],
  nsid: [G.RTNLGRP_NSID],
  all: [
    G.RTNLGRP_LINK,
    G.RTNLGRP_IPV4_IFADDR,
    G.RTNLGRP_IPV6_IFADDR,
    G.RTNLGRP_IPV4_ROUTE,
    G.RTNLGRP_IPV6_ROUTE,
    G.RTNLGRP_NEIGH,
    G.RTNLGRP_IPV4_RULE,
    G.RTNLGRP_IPV6_RULE,
    G.RTNLGRP_NSID,
  ],
};

/** The distinct RTNLGRP_* numbers of some names, in ascending order. Throws ValidationError for an unknown name. */
export function groupNumbers(groups: readonly WatchGroup[]): number[] {
  if (!Array.isArray(groups as unknown) || groups.length === 0)
    throw new ValidationError(
      'groups',
      groups,
      `give at least one of ${Object.keys(WATCH_GROUPS).join(', ')}`,
    );
  const out = new Set<number>();
  for (const g of groups) {
    const nums = typeof g === 'string' && Object.hasOwn(WATCH_GROUPS, g) ? WATCH_GROUPS[g] : undefined;
    if (!nums)
      throw new ValidationError('groups', g, `unknown; one of ${Object.keys(WATCH_GROUPS).join(', ')}`);
    for (const n of nums) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}
