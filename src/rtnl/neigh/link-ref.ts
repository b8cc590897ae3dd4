/**
 * Naming the link a neighbour or FDB request is about: an interface index, a name, or anything with
 * an `index`. Names are resolved with one RTM_GETLINK on the caller's connection, so they are looked
 * up in the connection's namespace.
 */
import { RTEXT_FILTER } from '../../constants/rtnetlink.js';
import type { Connection } from '../../netlink/connection.js';
import { ValidationError } from '../../netlink/errors.js';
import { RTM_GETLINK } from '../link/messages.js';
import { validateIfname } from '../validate.js';

/** A link: its interface index, its name (in the connection's namespace), or `{ index }`. */
export type LinkRef = number | string | { readonly index: number };

function checkIndex(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 0x7fffffff)
    throw new ValidationError(field, v, 'an interface index is an integer from 1 to 2147483647');
  return v;
}

/** Checks a link reference without resolving it: returns the index, or the validated name. */
export function checkLinkRef(ref: unknown, field: string): number | string {
  if (typeof ref === 'string') return validateIfname(ref, field);
  if (typeof ref === 'number') return checkIndex(ref, field);
  if (typeof ref === 'object' && ref !== null && 'index' in ref)
    return checkIndex((ref as { index: unknown }).index, `${field}.index`);
  throw new ValidationError(field, ref, 'expected an interface index, name, or { index }');
}

/** Short text for a link reference in error contexts: the name, or #index. */
export function showLinkRef(ref: LinkRef | undefined): string {
  if (ref === undefined) return '';
  if (typeof ref === 'string') return ref;
  return `#${typeof ref === 'number' ? ref : ref.index}`;
}

/**
 * The index of a link. A name costs one RTM_GETLINK; an unknown name rejects with NetlinkError
 * ENODEV whose message starts with `context`.
 */
export async function linkIndex(
  conn: Connection,
  ref: LinkRef,
  context: string,
  field = 'dev',
): Promise<number> {
  const r = checkLinkRef(ref, field);
  if (typeof r === 'number') return r;
  const [m] = await conn.request(
    RTM_GETLINK,
    {},
    { ifname: r, extMask: RTEXT_FILTER.RTEXT_FILTER_SKIP_STATS },
    { context: `${context}: ${field} ${r}` },
  );
  const index = (m?.header as { index?: number } | undefined)?.index;
  if (index === undefined) throw new ValidationError(field, r, 'the kernel returned no link');
  return index;
}
