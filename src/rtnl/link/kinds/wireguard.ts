/**
 * WireGuard interfaces (kind `wireguard`): only the device is created over rtnetlink; keys, port and peers
 * are configured over the "wireguard" generic netlink family. No IFLA_INFO_DATA.
 */
import { ValidationError } from '../../../netlink/errors.js';
import { registerKind } from '../registry.js';

/** The wireguard kind: it has no IFLA_INFO_DATA. */
export const wireguardKind = registerKind({
  kind: 'wireguard',
  summary: 'WireGuard interface (keys and peers are configured over generic netlink)',
});

/** Options of a new wireguard: there are none (the kind has no IFLA_INFO_DATA). */
export type WireguardOptions = Record<string, never>;

/** Checks that no option is given; a wireguard has no IFLA_INFO_DATA, so this returns undefined. */
export function buildWireguardData(opts: WireguardOptions = {}): undefined {
  if (typeof opts !== 'object' || opts === null)
    throw new ValidationError('wireguard', opts, 'expected an empty options object');
  for (const [k, v] of Object.entries(opts))
    throw new ValidationError(`wireguard.${k}`, v, 'wireguard has no options');
  return undefined;
}
