/**
 * Links: list, get, create, change and delete network devices, the way `ip link` does, on one
 * rtnetlink connection (so in that connection's namespace).
 */
import { IFF } from '../../constants/if.js';
import { NLM_F } from '../../constants/netlink.js';
import { RTEXT_FILTER, RTM } from '../../constants/rtnetlink.js';
import { AF } from '../../constants/socket.js';
import { type BatchResult, Connection } from '../../netlink/connection.js';
import { ValidationError } from '../../netlink/errors.js';
import { encodeMessage, type Message, type MessageSpec } from '../../netlink/message.js';
import { NetlinkError } from '../../netlink/netlink-error.js';
import { Writer } from '../../netlink/writer.js';
import type { NetnsHandle } from '../../netns/ref.js';
import { rtnetlink } from '../protocol.js';
import { checkEach, IFNAME_MAX, validateInt } from '../validate.js';
import type { LinkAttrs } from './attrs.js';
import { type ChangeLinkOptions, planChange } from './change.js';
import { type CreateLinkOptions, type PlannedRequest, planCreate } from './create.js';
import './kinds/index.js';
import { type Link, readLink, toLink } from './link.js';
import {
  type IfInfoMsg,
  RTM_DELLINK,
  RTM_DELLINKPROP,
  RTM_GETLINK,
  RTM_NEWLINK,
  RTM_NEWLINKPROP,
} from './messages.js';
import { ALTIFNAME_MAX, checkLinkRef, checkLookupName, describeLinkRef, type LinkRef } from './plan.js';

/** Filters of {@link Links.list}. */
export interface LinkFilter {
  /** Only links of this kind (filtered by the kernel, IFLA_LINKINFO/IFLA_INFO_KIND). */
  kind?: string;
  /** Only ports of this master (filtered by the kernel, IFLA_MASTER). */
  master?: LinkRef;
  /** Only links in this group (filtered here: the kernel does not filter dumps by group). */
  group?: number;
}

/** The `dryRun` switch of create, change and delete. */
export interface DryRun {
  /** Return the request's bytes (sequence number 0) instead of sending it. */
  dryRun: true;
}

/** Options of {@link Links.delete} and {@link Links.deleteGroup}. */
export interface DeleteOptions {
  /** Return the request's bytes instead of sending it. */
  dryRun?: boolean;
}

type LinkSpec = MessageSpec<IfInfoMsg, LinkAttrs>;

const CREATE_FLAGS = NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL | NLM_F.NLM_F_ECHO;

/** Checks an alternative name as iproute2 does: 1..127 bytes, no '/', no whitespace, no NUL. */
export function validateAltname(v: unknown, field = 'altname'): string {
  const s = checkLookupName(v, field);
  if (/[/\s]/.test(s)) throw new ValidationError(field, v, "must not contain '/' or whitespace");
  return s;
}

/** Network devices of one connection's namespace. */
export class Links {
  /** The rtnetlink connection requests go through. */
  readonly conn: Connection;

  /** Uses `conn`, an rtnetlink connection (`Connection.open(rtnetlink, { netns })`). */
  constructor(conn: Connection) {
    if (conn.protocol !== rtnetlink)
      throw new ValidationError('conn', conn.protocol.name, 'Links needs a connection opened on rtnetlink');
    this.conn = conn;
  }

  /**
   * Every link, or those matching `filter`. Kind and master are filtered by the kernel (and checked
   * again here: the kernel ignores a kind it does not know); group is filtered here.
   */
  async list(filter: LinkFilter = {}): Promise<Link[]> {
    if (typeof filter !== 'object' || filter === null)
      throw new ValidationError('filter', filter, 'expected an object');
    const attrs: LinkAttrs = { extMask: RTEXT_FILTER.RTEXT_FILTER_VF };
    if (filter.kind !== undefined) {
      if (typeof filter.kind !== 'string' || filter.kind === '')
        throw new ValidationError('filter.kind', filter.kind, 'expected a link kind');
      attrs.linkinfo = { kind: filter.kind };
    }
    if (filter.group !== undefined) validateInt('filter.group', filter.group, 0, 0xffffffff);
    const masterRef = filter.master !== undefined ? checkLinkRef(filter.master, 'filter.master') : undefined;
    if (masterRef !== undefined) attrs.master = await this.index(masterRef, 'link list');
    const links = await this.conn.dumpMap(RTM_GETLINK, { family: AF.AF_UNSPEC }, attrs, readLink, {
      context: 'link list',
      retries: 3,
    });
    if (filter.kind === undefined && attrs.master === undefined && filter.group === undefined) return links;
    return links.filter(
      (l) =>
        (filter.kind === undefined || l.kind === filter.kind) &&
        (attrs.master === undefined || l.master === attrs.master) &&
        (filter.group === undefined || l.group === filter.group),
    );
  }

  /** One link, by index, name or alternative name. Rejects with NetlinkError ENODEV when there is none. */
  async get(ref: LinkRef): Promise<Link> {
    return this.fetch(ref, `link get ${describeLinkRef(ref)}`);
  }

  private async fetch(ref: LinkRef, context: string): Promise<Link> {
    const r = checkLinkRef(ref, 'link');
    const [m] = await this.conn.request(RTM_GETLINK, ...this.lookup(r, RTEXT_FILTER.RTEXT_FILTER_VF), {
      context,
    });
    const [link] = this.links(m ? [m] : []);
    if (!link) throw new ValidationError('link', ref, 'the kernel answered without the link');
    return link;
  }

  /** The index of a link (looks a name up; an index is returned as is). `field` names it in a ValidationError. */
  async index(ref: LinkRef, context = 'link get', field = 'link'): Promise<number> {
    const r = checkLinkRef(ref, field);
    if (typeof r === 'number') return r;
    const [m] = await this.conn.request(
      RTM_GETLINK,
      ...this.lookup(r, RTEXT_FILTER.RTEXT_FILTER_SKIP_STATS),
      {
        context: `${context}: dev ${r}`,
      },
    );
    const index = (m?.header as IfInfoMsg | undefined)?.index;
    if (index === undefined) throw new ValidationError('link', ref, 'the kernel answered without the link');
    return index;
  }

  /**
   * Creates a link (RTM_NEWLINK with NLM_F_CREATE | NLM_F_EXCL) and returns it as the kernel reports
   * it. With `dryRun`, returns the request's bytes instead (names are still looked up, and a
   * namespace descriptor in them was open only while the bytes were built).
   */
  create(opts: CreateLinkOptions & DryRun): Promise<Buffer>;
  create(opts: CreateLinkOptions): Promise<Link>;
  async create(opts: CreateLinkOptions): Promise<Link | Buffer> {
    const p = planCreate(opts);
    const name = p.attrs.ifname as string;
    const context = `link add ${name}`;
    this.check(RTM_NEWLINK, p);
    await p.plan.resolve((n, field) => this.index(n, `${context}: ${field}`));
    const handles = p.plan.open();
    // The kernel echoes the new link before it sets the master: with a master, ask afterwards.
    const flags = p.attrs.master === undefined ? CREATE_FLAGS : CREATE_FLAGS & ~NLM_F.NLM_F_ECHO;
    let replies: Message[];
    try {
      if (opts.dryRun) return this.conn.build(RTM_NEWLINK, p.header, p.attrs, NLM_F.NLM_F_ACK | flags);
      replies = await this.conn.request(RTM_NEWLINK, p.header, p.attrs, { flags, context });
    } finally {
      close(handles);
    }
    const [echo] = this.links(replies);
    if (echo && echo.name === name) return echo;
    if (opts.netns === undefined) return this.get(name);
    // Created in another namespace: the echo went there; ask that namespace.
    const other = Connection.open(rtnetlink, { netns: opts.netns });
    try {
      return await new Links(other).get(name);
    } finally {
      await other.close();
    }
  }

  /**
   * Creates many links in pipelined batches (`ip -batch` of `link add` lines, without an ack or
   * echo each). Every item is checked, and the links it names looked up, before anything is sent: a
   * bad one throws ValidationError naming it (`links[3].mtu`) and nothing changes. An item that
   * names a link made by an earlier item (as `master`, say) goes in a second batch, once that link
   * exists. Resolves with one result per item, in order: undefined when created, the NetlinkError
   * when refused (the others are created all the same).
   */
  async createMany(list: readonly CreateLinkOptions[]): Promise<BatchResult[]> {
    const plans: PlannedRequest[] = [];
    checkEach(list, 'links', (o) => {
      if ((o as DryRun).dryRun)
        throw new ValidationError('dryRun', true, 'createMany sends; use create for a dry run');
      plans.push(planCreate(o));
    });
    // Which item makes each name, so items naming a link made here go after it.
    const maker = new Map<string, number>();
    plans.forEach((p, i) => {
      maker.set(p.attrs.ifname as string, i);
      const peer = (p.attrs.linkinfo?.data as { peer?: { attrs?: LinkAttrs } } | undefined)?.peer;
      if (typeof peer?.attrs?.ifname === 'string') maker.set(peer.attrs.ifname, i);
    });
    const wave: number[] = plans.map(() => 0);
    plans.forEach((p, i) => {
      for (const n of p.plan.pendingNames) {
        const j = maker.get(n);
        if (j !== undefined && j < i) wave[i] = Math.max(wave[i], wave[j] + 1);
        else if (j !== undefined)
          throw new ValidationError(`links[${i}]`, n, 'names a link made by a later item');
      }
    });
    // The first batch is encoded whole before it is sent (batch checks it); later ones are checked
    // now, since by the time they are encoded the first is applied.
    checkEach(plans, 'links', (p, i) => {
      if (wave[i] > 0) this.check(RTM_NEWLINK, p);
    });
    const results: BatchResult[] = new Array(list.length).fill(undefined);
    const indexes = new Map<string, number>();
    const lookup = async (n: string, field: string, context: string): Promise<number> => {
      let x = indexes.get(n);
      if (x === undefined) {
        x = await this.index(n, `${context}: ${field}`);
        indexes.set(n, x);
      }
      return x;
    };
    const last = wave.reduce((a, b) => Math.max(a, b), 0);
    for (let w = 0; w <= last; w++) {
      const items: number[] = [];
      for (let i = 0; i < plans.length; i++) {
        if (wave[i] !== w) continue;
        const context = `link add ${plans[i].attrs.ifname as string}`;
        try {
          await plans[i].plan.resolve((n, field) => lookup(n, field, context));
          items.push(i);
        } catch (e) {
          // Before the first batch, a missing link stops everything; after, it fails its item.
          if (w === 0 || !(e instanceof NetlinkError)) throw e;
          results[i] = e;
        }
      }
      const handles: NetnsHandle[] = [];
      try {
        for (const i of items) handles.push(...plans[i].plan.open());
        const done = await this.conn.batch(
          items.map((i) => ({
            spec: RTM_NEWLINK,
            header: plans[i].header,
            attrs: plans[i].attrs,
            flags: NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL,
            context: `link add ${plans[i].attrs.ifname as string}`,
          })),
          { list: (k) => `links[${items[k]}]` },
        );
        done.forEach((r, k) => {
          results[items[k]] = r;
        });
      } finally {
        close(handles);
      }
    }
    return results;
  }

  /**
   * Changes a link (RTM_NEWLINK without NLM_F_CREATE): name, MTU, address, up/down, master, namespace,
   * alias, queue length, group, kind data and port data. With `dryRun`, returns the request's bytes.
   */
  change(ref: LinkRef, opts: ChangeLinkOptions & DryRun): Promise<Buffer>;
  change(ref: LinkRef, opts: ChangeLinkOptions): Promise<undefined>;
  async change(ref: LinkRef, opts: ChangeLinkOptions): Promise<undefined | Buffer> {
    const r = checkLinkRef(ref, 'link');
    // Check every option (with stand-in kinds) before asking the kernel anything.
    this.check(RTM_NEWLINK, stripData(planChange(opts, { kind: '?', slaveKind: '?' })));
    const context = `link set ${typeof r === 'number' ? `index ${r}` : r}`;
    const cur = await this.fetch(r, typeof r === 'number' ? context : `${context}: dev ${r}`);
    if (opts.mtu !== undefined) {
      const { minMtu, maxMtu } = cur.attrs;
      if (
        (minMtu !== undefined && opts.mtu < minMtu) ||
        (maxMtu !== undefined && maxMtu > 0 && opts.mtu > maxMtu)
      )
        throw new ValidationError(
          'mtu',
          opts.mtu,
          `${cur.name} takes an MTU from ${minMtu ?? 0} to ${maxMtu}`,
        );
    }
    // The kernel moves a link to another namespace before it applies anything else: a later failure
    // could not be undone from here. So a move goes alone, after the rest has succeeded.
    const { netns, dryRun, ...rest } = opts;
    const moveToo = netns !== undefined && Object.values(rest).some((v) => v !== undefined);
    if (moveToo && !dryRun) {
      await this.changeOnce(cur, rest, context, true);
      return this.changeOnce(cur, { netns }, context, false);
    }
    return this.changeOnce(cur, opts, context, true);
  }

  /**
   * One RTM_NEWLINK on an existing link. The kernel applies attributes one at a time and stops at the
   * first failure, so with `undo` a refused change is followed by a request restoring what it touched.
   */
  private async changeOnce(
    cur: Link,
    opts: ChangeLinkOptions,
    context: string,
    undo: boolean,
  ): Promise<undefined | Buffer> {
    const p = planChange(opts, { kind: cur.kind, slaveKind: cur.slaveKind });
    p.header.index = cur.index;
    this.check(RTM_NEWLINK, p);
    await p.plan.resolve((n, field) => this.index(n, `${context}: ${field}`));
    const handles = p.plan.open();
    try {
      if (opts.dryRun) return this.conn.build(RTM_NEWLINK, p.header, p.attrs, NLM_F.NLM_F_ACK);
      await this.conn.request(RTM_NEWLINK, p.header, p.attrs, { context });
    } catch (e) {
      if (undo && e instanceof NetlinkError) await this.restore(cur, opts, context);
      throw e;
    } finally {
      close(handles);
    }
    return undefined;
  }

  /** Puts back the settings `opts` touched, as they were in `cur`; best effort. */
  private async restore(cur: Link, opts: ChangeLinkOptions, context: string): Promise<void> {
    const back: ChangeLinkOptions = {};
    if (opts.name !== undefined) back.name = cur.name;
    if (opts.mtu !== undefined && cur.mtu !== undefined) back.mtu = cur.mtu;
    if (opts.address !== undefined && cur.address !== undefined) back.address = cur.address;
    if (opts.broadcast !== undefined && cur.broadcast !== undefined) back.broadcast = cur.broadcast;
    if (opts.txqlen !== undefined && cur.txqlen !== undefined) back.txqlen = cur.txqlen;
    if (opts.group !== undefined && cur.group !== undefined) back.group = cur.group;
    if (opts.alias !== undefined) back.alias = cur.alias ?? '';
    if (opts.master !== undefined) back.master = cur.master ? cur.master : null;
    if (opts.up !== undefined) back.up = cur.up;
    if (opts.promisc !== undefined) back.promisc = (cur.flags & IFF.IFF_PROMISC) !== 0;
    if (opts.allmulti !== undefined) back.allmulti = (cur.flags & IFF.IFF_ALLMULTI) !== 0;
    if (opts.arp !== undefined) back.arp = (cur.flags & IFF.IFF_NOARP) === 0;
    if (Object.keys(back).length === 0) return;
    try {
      await this.changeOnce(cur, back, `${context} (undo)`, false);
    } catch {
      // The original error is what the caller needs; the link may keep part of the change.
    }
  }

  /** Sets a link up (IFF_UP). */
  async setUp(ref: LinkRef): Promise<void> {
    await this.change(ref, { up: true });
  }

  /** Sets a link down. */
  async setDown(ref: LinkRef): Promise<void> {
    await this.change(ref, { up: false });
  }

  /** Deletes a link (by index, or by name without a lookup). With `dryRun`, returns the request's bytes. */
  delete(ref: LinkRef, opts: DeleteOptions & DryRun): Promise<Buffer>;
  delete(ref: LinkRef, opts?: DeleteOptions): Promise<undefined>;
  async delete(ref: LinkRef, opts: DeleteOptions = {}): Promise<undefined | Buffer> {
    const r = checkLinkRef(ref, 'link');
    const [header, attrs] = this.lookup(r);
    if (opts.dryRun) return this.conn.build(RTM_DELLINK, header, attrs, NLM_F.NLM_F_ACK);
    await this.conn.request(RTM_DELLINK, header, attrs, { context: `link del ${describeLinkRef(ref)}` });
    return undefined;
  }

  /**
   * Deletes every link of a device group in one request (RTM_DELLINK with IFLA_GROUP and index 0).
   * The kernel deletes all or none: it refuses when a link of the group cannot be deleted. Group 0,
   * the default group, holds `lo` and is refused here.
   */
  deleteGroup(group: number, opts: DeleteOptions & DryRun): Promise<Buffer>;
  deleteGroup(group: number, opts?: DeleteOptions): Promise<undefined>;
  async deleteGroup(group: number, opts: DeleteOptions = {}): Promise<undefined | Buffer> {
    validateInt('group', group, 1, 0xffffffff);
    const header: IfInfoMsg = { family: AF.AF_UNSPEC, index: 0 };
    const attrs: LinkAttrs = { group };
    if (opts.dryRun) return this.conn.build(RTM_DELLINK, header, attrs, NLM_F.NLM_F_ACK);
    await this.conn.request(RTM_DELLINK, header, attrs, { context: `link del group ${group}` });
    return undefined;
  }

  /** Adds an alternative name (RTM_NEWLINKPROP). */
  async addAltname(ref: LinkRef, name: string): Promise<void> {
    await this.prop(RTM_NEWLINKPROP, 'add', ref, name);
  }

  /** Removes an alternative name (RTM_DELLINKPROP). */
  async delAltname(ref: LinkRef, name: string): Promise<void> {
    await this.prop(RTM_DELLINKPROP, 'del', ref, name);
  }

  private async prop(spec: LinkSpec, verb: string, ref: LinkRef, name: string): Promise<void> {
    const r = checkLinkRef(ref, 'link');
    validateAltname(name, 'altname');
    const [header, attrs] = this.lookup(r);
    attrs.propList = { altIfname: [name] };
    await this.conn.request(spec, header, attrs, {
      context: `link property ${verb} ${describeLinkRef(ref)} altname ${name}`,
    });
  }

  /** Header and attributes that name a link: its index, IFLA_IFNAME, or IFLA_ALT_IFNAME for long names. */
  private lookup(r: number | string, extMask?: number): [IfInfoMsg, LinkAttrs] {
    const attrs: LinkAttrs = extMask === undefined ? {} : { extMask };
    if (typeof r === 'number') return [{ index: r }, attrs];
    if (Buffer.byteLength(r) <= IFNAME_MAX) attrs.ifname = r;
    else if (Buffer.byteLength(r) <= ALTIFNAME_MAX) attrs.altIfname = [r];
    return [{}, attrs];
  }

  /** Encodes a planned request into a scratch buffer: every value is checked before anything is sent. */
  private check(spec: LinkSpec, p: Pick<PlannedRequest, 'header' | 'attrs'>): void {
    encodeMessage(new Writer(1024), spec, 0, 0, p.header, p.attrs);
  }

  private links(msgs: Message[]): Link[] {
    return msgs
      .filter((m) => m.nl.type === RTM.RTM_NEWLINK)
      .map((m) => toLink(m as Message<IfInfoMsg, LinkAttrs>));
  }
}

function stripData(p: PlannedRequest): PlannedRequest {
  const info = p.attrs.linkinfo;
  if (info)
    p.attrs.linkinfo = {
      ...info,
      data: undefined,
      slaveData: undefined,
      kind: undefined,
      slaveKind: undefined,
    };
  return p;
}

function close(handles: NetnsHandle[]): void {
  for (const h of handles) h.close();
}
