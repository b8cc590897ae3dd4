/**
 * Naming an interface in the address and route APIs: by index, by name, or by anything with an
 * `index` (a link object). Names are resolved with RTM_GETLINK on the caller's connection, so in the
 * connection's namespace.
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

/** An interface: its index, its name, or an object carrying its index. */
export type DevRef = number | string | { readonly index: number };

// Only the name: enough to look an index up. The link family's full RTM_NEWLINK spec, when loaded,
// takes precedence for decoding the reply.
const nameOnly = attrSet('IFLA', IFLA, { name: ['IFLA_IFNAME', string] });
type LinkSpec = MessageSpec<{ index?: number }, { name?: string }>;
const getLink: LinkSpec = {
  name: 'RTM_GETLINK',
  type: RTM.RTM_GETLINK,
  kind: 'get',
  header: ifinfomsg,
  attrs: nameOnly,
  familyKey: 'family',
};

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
  if (!conn.protocol.spec(RTM.RTM_NEWLINK) && conn.protocol === rtnetlink)
    rtnetlink.register({ ...getLink, name: 'RTM_NEWLINK', type: RTM.RTM_NEWLINK, kind: 'new' });
  const [reply] = await conn.request(getLink, {}, { name: d }, { context: `${context}: dev ${d}` });
  const index = (reply?.header as { index?: number } | undefined)?.index;
  if (index === undefined) throw new ValidationError(field, dev, 'the kernel returned no interface');
  return index;
}
