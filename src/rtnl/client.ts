/**
 * The rtnetlink client: one connection, optionally bound to a network namespace, with every family's
 * API on it.
 *
 * ```ts
 * const rt = Rtnl.open({ netns: 'blue' });
 * await rt.links.create({ name: 'v0', kind: 'veth', peer: { name: 'v1', netns: 'red' } });
 * await rt.addresses.add('v0', '10.0.0.1/24');
 * await rt.close();
 * ```
 */
import { Connection, type ConnectionOptions } from '../netlink/connection.js';
import type { NetnsRef } from '../netns/ref.js';
import { Addresses } from './addr/api.js';
import { rtnetlink } from './all.js';
import { Links } from './link/api.js';
import { Neighbours } from './neigh/api.js';
import { Fdb } from './neigh/fdb.js';
import { Nsids } from './nsid/api.js';
import { Routes } from './route/api.js';
import { Rules } from './rule/api.js';

/** Options of {@link Rtnl.open}. */
export interface RtnlOptions extends ConnectionOptions {
  /** Work inside this network namespace (name in /run/netns, path, fd or pid). */
  netns?: NetnsRef;
}

/** An rtnetlink connection with the API of every family. */
export class Rtnl {
  /** The underlying connection (requests, dumps, batches, stats). */
  readonly conn: Connection;
  /** Links (RTM_*LINK) and link kinds. */
  readonly links: Links;
  /** Addresses (RTM_*ADDR). */
  readonly addresses: Addresses;
  /** Routes (RTM_*ROUTE). */
  readonly routes: Routes;
  /** ARP/NDP neighbours (RTM_*NEIGH). */
  readonly neighbours: Neighbours;
  /** Bridge forwarding database (RTM_*NEIGH, AF_BRIDGE). */
  readonly fdb: Fdb;
  /** Policy routing rules (RTM_*RULE). */
  readonly rules: Rules;
  /** Namespace ids (RTM_*NSID) and resolving a link-netnsid to a namespace name. */
  readonly nsids: Nsids;

  private constructor(conn: Connection) {
    this.conn = conn;
    this.links = new Links(conn);
    this.addresses = new Addresses(conn);
    this.routes = new Routes(conn);
    this.neighbours = new Neighbours(conn);
    this.fdb = new Fdb(conn);
    this.rules = new Rules(conn);
    this.nsids = new Nsids(conn);
  }

  /**
   * Opens a NETLINK_ROUTE socket (inside `opts.netns` when given; the calling thread goes back to its
   * own namespace at once). Throws SystemError (EPERM...) or NetnsError (no such namespace).
   */
  static open(opts: RtnlOptions = {}): Rtnl {
    return new Rtnl(Connection.open(rtnetlink, opts));
  }

  /** Closes the connection; requests still in flight are rejected with ClosedError. */
  close(): Promise<void> {
    return this.conn.close();
  }

  /** For `await using rt = Rtnl.open()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Opens an {@link Rtnl} in `netns`, runs `fn`, and closes it, also when `fn` throws. */
export async function withRtnl<T>(netns: NetnsRef | undefined, fn: (rt: Rtnl) => Promise<T>): Promise<T> {
  const rt = Rtnl.open(netns === undefined ? {} : { netns });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}
