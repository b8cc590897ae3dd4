/**
 * The message catalogs the debugger decodes with. rtnetlink's catalog is filled by side effect: every
 * family's `messages.ts` and every link kind registers itself when imported, which `src/rtnl/all.ts`
 * does.
 */
import '../rtnl/all.js';
import { Protocol } from '../netlink/message.js';
import { rtnetlink } from '../rtnl/protocol.js';

/** Protocols without a catalog here, by netlink protocol number: control messages still decode. */
const bare = new Map<number, Protocol>();

/** Names of the netlink protocols (linux/netlink.h), for messages about captures of other families. */
const NETLINK_NAMES: Readonly<Record<number, string>> = {
  0: 'NETLINK_ROUTE',
  4: 'NETLINK_SOCK_DIAG',
  6: 'NETLINK_XFRM',
  9: 'NETLINK_AUDIT',
  12: 'NETLINK_NETFILTER',
  15: 'NETLINK_KOBJECT_UEVENT',
  16: 'NETLINK_GENERIC',
};

/**
 * The catalog for a netlink protocol number (a capture's `family`): rtnetlink for 0 or unknown, an
 * empty catalog otherwise (its messages then show as hex, control messages still decode).
 */
export function protocolFor(family: number | undefined): Protocol {
  if (family === undefined || family === rtnetlink.number) return rtnetlink;
  let p = bare.get(family);
  if (!p) {
    p = new Protocol(NETLINK_NAMES[family] ?? `netlink protocol ${family}`, family);
    bare.set(family, p);
  }
  return p;
}

export { rtnetlink };
