/**
 * Team devices (kind `team`): link aggregation whose ports and runner are set by teamd over the "team"
 * generic netlink family, not rtnetlink. The kind has no IFLA_INFO_DATA and its ports no IFLA_INFO_SLAVE_DATA.
 */
import { ValidationError } from '../../../netlink/errors.js';
import { registerKind } from '../registry.js';

/** The team kind: it has no IFLA_INFO_DATA. */
export const teamKind = registerKind({
  kind: 'team',
  summary: 'Team device (ports and runner configured by teamd over generic netlink)',
});

/** Options of a new team: there are none (the kind has no IFLA_INFO_DATA). */
export type TeamOptions = Record<string, never>;

/** Checks that no option is given; a team has no IFLA_INFO_DATA, so this returns undefined. */
export function buildTeamData(opts: TeamOptions = {}): undefined {
  if (typeof opts !== 'object' || opts === null)
    throw new ValidationError('team', opts, 'expected an empty options object');
  for (const [k, v] of Object.entries(opts)) throw new ValidationError(`team.${k}`, v, 'team has no options');
  return undefined;
}
