/**
 * Naming an interface in the address and route APIs: by index, by name (or alternative name), or by
 * anything with an `index` (a Link). Names are looked up by the link family's `Links.index` on the
 * caller's connection, so in the connection's namespace.
 */
import type { Connection } from '../../netlink/connection.js';
import { Links } from '../link/api.js';
import { checkLinkRef, type LinkRef } from '../link/plan.js';

/** An interface: its index, its name, or an object carrying its index (a Link). */
export type DevRef = LinkRef;

/** Checks a DevRef without resolving it: returns the index, or the name. Throws ValidationError naming `field`. */
export function checkDev(dev: DevRef, field = 'dev'): number | string {
  return checkLinkRef(dev, field);
}

/**
 * The index of an interface. A name is looked up in the connection's namespace; an unknown name
 * rejects with NetlinkError ENODEV whose message starts with `context`.
 */
export async function resolveDev(
  conn: Connection,
  dev: DevRef,
  context: string,
  field = 'dev',
): Promise<number> {
  const d = checkDev(dev, field);
  return typeof d === 'number' ? d : new Links(conn).index(d, context);
}
