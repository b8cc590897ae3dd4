/**
 * Naming an interface in the address and route APIs: by index, by name, or by anything with an
 * `index` (a link object). Names are resolved with RTM_GETLINK on the caller's connection, so in the
 * connection's namespace.
 */
import { RTEXT_FILTER } from '../../constants/rtnetlink.js';
import type { Connection } from '../../netlink/connection.js';
import { ValidationError } from '../../netlink/errors.js';
import { RTM_GETLINK } from '../link/messages.js';
import { validateIfname } from '../validate.js';

/** An interface: its index, its name, or an object carrying its index. */
export type DevRef = number | string | { readonly index: number };

function checkIndex(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 0x7fffffff)
    throw new ValidationError(field, v, 'an interface index is an integer from 1 to 2147483647');
  return v;
}

/** Checks a DevRef without resolving it: returns the index, or the validated name. */
export function checkDev(dev: DevRef, field = 'dev'): number | string {
  if (typeof dev === 'string') return validateIfname(dev, field);
  if (typeof dev === 'number') return checkIndex(dev, field);
  if (typeof dev === 'object' && dev !== null && 'index' in dev)
    return checkIndex(dev.index, `${field}.index`);
  throw new ValidationError(field, dev, 'expected an interface index, name, or { index }');
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
  if (typeof d === 'number') return d;
  const [reply] = await conn.request(
    RTM_GETLINK,
    {},
    { ifname: d, extMask: RTEXT_FILTER.RTEXT_FILTER_SKIP_STATS },
    { context: `${context}: ${field} ${d}` },
  );
  const index = (reply?.header as { index?: number } | undefined)?.index;
  if (index === undefined) throw new ValidationError(field, dev, 'the kernel returned no interface');
  return index;
}
