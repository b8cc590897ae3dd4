/**
 * Network namespace ids (`ip netns set|list-id`): the numbers a namespace gives its peers, which
 * rtnetlink uses to name another namespace (IFLA_LINK_NETNSID of a veth whose peer lives elsewhere,
 * NDA_LINK_NETNSID...). Ids are per namespace: the connection's namespace is the one asked.
 */
import { NETNSA_NSID } from '../../constants/net_namespace.js';
import { NLM_F } from '../../constants/netlink.js';
import { AF } from '../../constants/socket.js';
import type { Connection } from '../../netlink/connection.js';
import { ValidationError } from '../../netlink/errors.js';
import type { Message } from '../../netlink/message.js';
import { NetlinkError } from '../../netlink/netlink-error.js';
import { listNetns } from '../../netns/manage.js';
import { describeNetnsRef, type NetnsRef, openNetns } from '../../netns/ref.js';
import type { NsidAttrs } from './attrs.js';
import { RTM_GETNSID, RTM_NEWNSID } from './messages.js';

/** A namespace to ask about: a process's, an open namespace descriptor, any {@link NetnsRef}, or an id. */
export type NsidQuery = { pid: number } | { fd: number } | { netns: NetnsRef } | { nsid: number };

/** One id the connection's namespace has assigned. */
export interface NsidEntry {
  /** The id. */
  nsid: number;
  /** The name in /run/netns of the namespace it names, when it has one. */
  name?: string;
}

const NOT_ASSIGNED = NETNSA_NSID.NETNSA_NSID_NOT_ASSIGNED;

function describeQuery(q: NsidQuery): string {
  if ('netns' in q) return describeNetnsRef(q.netns);
  if ('pid' in q) return `pid ${q.pid}`;
  if ('fd' in q) return `fd ${q.fd}`;
  return `nsid ${q.nsid}`;
}

/** The namespace ids seen from the connection's namespace. */
export class Nsids {
  /** The rtnetlink connection requests go through. */
  readonly conn: Connection;

  /** Uses `conn`, an rtnetlink connection opened in the namespace whose ids are wanted. */
  constructor(conn: Connection) {
    this.conn = conn;
  }

  /** Every id this namespace has assigned, with the /run/netns name of each namespace that has one (`ip netns list-id`). */
  async list(): Promise<NsidEntry[]> {
    const msgs = await this.conn.dump(
      RTM_GETNSID,
      { family: AF.AF_UNSPEC },
      {},
      { context: 'netns list-id' },
    );
    const names = await this.names();
    return msgs.flatMap((m) => {
      const nsid = (m.attrs as NsidAttrs).nsid;
      if (nsid === undefined) return [];
      const name = names.get(nsid);
      return [name === undefined ? { nsid } : { nsid, name }];
    });
  }

  /**
   * The id this namespace gives another (RTM_GETNSID); undefined when it has none. With `targetNsid`,
   * the id is the one the namespace this namespace knows by `targetNsid` gives it instead, so
   * `get({ nsid }, { targetNsid })` translates an id from this namespace's view to the target's.
   * `{ nsid }` alone gives back `nsid` when a namespace has it, undefined otherwise.
   */
  async get(query: NsidQuery, opts: { targetNsid?: number } = {}): Promise<number | undefined> {
    const attrs: NsidAttrs = {};
    if (opts.targetNsid !== undefined) attrs.targetNsid = checkNsid(opts.targetNsid, 'targetNsid');
    return this.withQuery(query, attrs, async () => {
      let replies: Message[];
      try {
        replies = await this.conn.request(RTM_GETNSID, { family: AF.AF_UNSPEC }, attrs, {
          context: `netns id of ${describeQuery(query)}`,
        });
      } catch (e) {
        // No namespace has that id.
        if ('nsid' in query && e instanceof NetlinkError && e.code === 'ENOENT') return undefined;
        throw e;
      }
      const nsid = (replies[0]?.attrs as NsidAttrs | undefined)?.nsid;
      return nsid === undefined || nsid === NOT_ASSIGNED ? undefined : nsid;
    });
  }

  /**
   * Assigns an id to a namespace (`ip netns set NAME ID`); without `nsid` the kernel picks the lowest
   * free one. Resolves with the id. EEXIST when the namespace already has an id or the id is taken.
   */
  async set(netns: NetnsRef, nsid?: number): Promise<number> {
    const attrs: NsidAttrs = { nsid: nsid === undefined ? NOT_ASSIGNED : checkNsid(nsid, 'nsid') };
    const context = `netns set ${describeNetnsRef(netns)}${nsid === undefined ? '' : ` ${nsid}`}`;
    return this.withQuery({ netns }, attrs, async () => {
      // NLM_F_ECHO: the kernel unicasts its RTM_NEWNSID notification back, with the id it chose.
      const replies = await this.conn.request(RTM_NEWNSID, { family: AF.AF_UNSPEC }, attrs, {
        flags: NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL | NLM_F.NLM_F_ECHO,
        context,
      });
      const echoed = (replies[0]?.attrs as NsidAttrs | undefined)?.nsid;
      if (echoed !== undefined && echoed >= 0) return echoed;
      const got = await this.get({ netns });
      if (got === undefined)
        throw new ValidationError('nsid', nsid, 'the kernel did not report the id it assigned');
      return got;
    });
  }

  /**
   * The /run/netns name of the namespace this namespace knows by `nsid` (e.g. a link's
   * IFLA_LINK_NETNSID), found by asking the id of every named namespace; undefined when none has it.
   */
  async resolveNsid(nsid: number): Promise<string | undefined> {
    checkNsid(nsid, 'nsid');
    return (await this.names()).get(nsid);
  }

  /** id -> name for every named namespace this namespace has an id for. */
  private async names(): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const ns of await listNetns()) {
      if (ns.inode === undefined) continue; // a stale entry, not a namespace
      let id: number | undefined;
      try {
        id = await this.get({ netns: { path: ns.path } });
      } catch {
        continue; // removed meanwhile
      }
      if (id !== undefined && !out.has(id)) out.set(id, ns.name);
    }
    return out;
  }

  /** Runs `fn` with NETNSA_PID / NETNSA_FD / NETNSA_NSID set in attrs, opening and closing a namespace file if needed. */
  private async withQuery<T>(query: NsidQuery, attrs: NsidAttrs, fn: () => Promise<T>): Promise<T> {
    if (typeof query !== 'object' || query === null)
      throw new ValidationError('netns', query, 'expected { pid }, { fd }, { netns } or { nsid }');
    if ('nsid' in query) {
      attrs.nsid = checkNsid(query.nsid, 'nsid');
      return fn();
    }
    if ('pid' in query) {
      attrs.pid = checkPositive(query.pid, 'pid');
      return fn();
    }
    if ('fd' in query) {
      attrs.fd = checkFd(query.fd);
      return fn();
    }
    if (!('netns' in query))
      throw new ValidationError('netns', query, 'expected { pid }, { fd }, { netns } or { nsid }');
    const ref = query.netns;
    if (typeof ref === 'object' && ref !== null && 'pid' in ref) {
      attrs.pid = checkPositive(ref.pid, 'pid');
      return fn();
    }
    const h = openNetns(ref);
    try {
      attrs.fd = h.fd;
      return await fn();
    } finally {
      h.close();
    }
  }
}

function checkNsid(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff)
    throw new ValidationError(field, v, 'must be an integer from 0 to 2147483647');
  return v;
}

function checkPositive(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 0x7fffffff)
    throw new ValidationError(field, v, 'must be a positive integer');
  return v;
}

function checkFd(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff)
    throw new ValidationError('fd', v, 'must be a file descriptor');
  return v;
}
