/**
 * Netlink monitor devices (kind `nlmon`): packet sockets on it see every netlink message of the namespace
 * (capture with tcpdump -i nlmon0). No IFLA_INFO_DATA.
 */
import { ValidationError } from '../../../netlink/errors.js';
import { registerKind } from '../registry.js';

/** The nlmon kind: it has no IFLA_INFO_DATA. */
export const nlmonKind = registerKind({
  kind: 'nlmon',
  summary: 'Netlink monitor: a capture point for the netlink traffic of its namespace',
});

/** Options of a new nlmon: there are none (the kind has no IFLA_INFO_DATA). */
export type NlmonOptions = Record<string, never>;

/** Checks that no option is given; an nlmon has no IFLA_INFO_DATA, so this returns undefined. */
export function buildNlmonData(opts: NlmonOptions = {}): undefined {
  if (typeof opts !== 'object' || opts === null)
    throw new ValidationError('nlmon', opts, 'expected an empty options object');
  for (const [k, v] of Object.entries(opts))
    throw new ValidationError(`nlmon.${k}`, v, 'nlmon has no options');
  return undefined;
}
