/**
 * Naming the link a neighbour, FDB entry or namespace id request is about: an interface name or
 * `{ index }`. Names are resolved with one RTM_GETLINK on the caller's connection, so they are looked
 * up in the connection's namespace.
 *
 * Until src/rtnl/link/api.ts provides `Links.get`, the lookup uses a minimal RTM_GETLINK/RTM_NEWLINK
 * pair, registered only when the link family has not registered its own.
 */
import { IFLA } from '../../constants/if_link.js';
import { RTM } from '../../constants/rtnetlink.js';
import { string } from '../../netlink/codec.js';
import type { Connection } from '../../netlink/connection.js';
import { ValidationError } from '../../netlink/errors.js';
import type { MessageSpec } from '../../netlink/message.js';
import { attrSet } from '../../netlink/schema.js';
import { ifinfomsg } from '../link/ifinfomsg.js';
import { rtnetlink } from '../protocol.js';
import { validateIfname } from '../validate.js';

/** A link: its interface name (in the connection's namespace) or `{ index }`. */
export type LinkRef = string | { index: number };

const nameOnly = attrSet('IFLA', IFLA, { name: ['IFLA_IFNAME', string] });
const spec = (name: string, type: number, kind: MessageSpec['kind']) =>
  ({ name, type, kind, header: ifinfomsg, attrs: nameOnly, familyKey: 'family' }) as const;
const GETLINK = spec('RTM_GETLINK', RTM.RTM_GETLINK, 'get');
if (!rtnetlink.spec(RTM.RTM_NEWLINK)) rtnetlink.register(spec('RTM_NEWLINK', RTM.RTM_NEWLINK, 'new'));

/** Checks a link reference; returns the index of `{ index }` or the validated name. */
export function checkLinkRef(ref: unknown, field: string): number | string {
  if (typeof ref === 'string') return validateIfname(ref, field);
  if (typeof ref === 'object' && ref !== null && 'index' in ref) {
    const i = (ref as { index: unknown }).index;
    if (typeof i === 'number' && Number.isInteger(i) && i > 0 && i <= 0x7fffffff) return i;
    throw new ValidationError(`${field}.index`, i, 'must be an interface index from 1 to 2147483647');
  }
  throw new ValidationError(field, ref, 'expected an interface name or { index }');
}

/** The interface index of a link; a name costs one RTM_GETLINK (NetlinkError ENODEV when there is none). */
export async function linkIndex(conn: Connection, ref: LinkRef, field = 'dev'): Promise<number> {
  const r = checkLinkRef(ref, field);
  if (typeof r === 'number') return r;
  const [m] = await conn.request(GETLINK, {}, { name: r }, { context: `${field} ${r}` });
  const index = (m?.header as { index?: number } | undefined)?.index;
  if (index === undefined) throw new ValidationError(field, r, 'the kernel returned no link');
  return index;
}
