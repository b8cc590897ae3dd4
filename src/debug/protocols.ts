/**
 * The message catalogs the debugger decodes with. rtnetlink's catalog is filled by side effect: each
 * family's `messages.ts` and each link kind registers itself when imported, so this module imports
 * them all before anything is decoded (top-level await).
 *
 * Imported: `src/rtnl/all.ts` when it exists, and every `src/rtnl/<family>/messages` and
 * `src/rtnl/link/kinds/<kind>` module found next to this build (ES modules load once, so overlaps cost
 * nothing).
 */
import { existsSync, readdirSync } from 'node:fs';
import { Protocol } from '../netlink/message.js';
import { rtnetlink } from '../rtnl/protocol.js';

/** The extension of this build's modules: `.ts` under tsx, `.js` once compiled. */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const RTNL = new URL('../rtnl/', import.meta.url);

/** Module URLs that register rtnetlink messages and link kinds. */
function rtnlModules(): URL[] {
  const out: URL[] = [];
  const all = new URL(`all${EXT}`, RTNL);
  if (existsSync(all)) out.push(all);
  for (const dir of readdirSync(RTNL, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const m = new URL(`${dir.name}/messages${EXT}`, RTNL);
    if (existsSync(m)) out.push(m);
  }
  const kinds = new URL('link/kinds/', RTNL);
  if (existsSync(kinds))
    for (const f of readdirSync(kinds).sort())
      if (f.endsWith(EXT) && !f.endsWith(`.d${EXT}`) && !f.endsWith(`.test${EXT}`))
        out.push(new URL(f, kinds));
  return out;
}

for (const url of rtnlModules()) await import(url.href);

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
