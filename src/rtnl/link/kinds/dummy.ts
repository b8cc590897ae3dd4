/**
 * Dummy interfaces (kind `dummy`): a local interface that drops every packet sent to it. No IFLA_INFO_DATA.
 */
import { ValidationError } from '../../../netlink/errors.js';
import { registerKind } from '../registry.js';

/** The dummy kind: it has no IFLA_INFO_DATA. */
export const dummyKind = registerKind({
  kind: 'dummy',
  summary: 'Virtual interface that drops everything sent to it',
});

/** Options of a new dummy: there are none (the kind has no IFLA_INFO_DATA). */
export type DummyOptions = Record<string, never>;

/** Checks that no option is given; a dummy has no IFLA_INFO_DATA, so this returns undefined. */
export function buildDummyData(opts: DummyOptions = {}): undefined {
  if (typeof opts !== 'object' || opts === null)
    throw new ValidationError('dummy', opts, 'expected an empty options object');
  for (const [k, v] of Object.entries(opts))
    throw new ValidationError(`dummy.${k}`, v, 'dummy has no options');
  return undefined;
}
