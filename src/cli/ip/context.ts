/**
 * What one run of the iproute2-style commands shares: the global options, the rtnetlink connection
 * (opened on first use, in `-n NETNS`), buffered standard output, interface-name lookups, and the
 * request pipeline of `-batch`.
 *
 * Requests go through {@link Ctx.send}. Outside a batch each is sent and acked at once. In a batch they
 * are queued and sent together with `Connection.batch` (pipelined, no per-request ack, a barrier at the
 * end) when something needs the kernel's current state: a dump or a lookup ({@link Ctx.connection}), a
 * name that a queued request creates, renames, moves or deletes ({@link Ctx.ifindex}), or the end.
 */
import { NLM_F } from '../../constants/netlink.js';
import { RTEXT_FILTER } from '../../constants/rtnetlink.js';
import type { Connection } from '../../netlink/connection.js';
import type { Message, MessageSpec } from '../../netlink/message.js';
import type { NetlinkError } from '../../netlink/netlink-error.js';
import type { NetnsHandle } from '../../netns/ref.js';
import { IpError } from './errors.js';

/** The global options (`nlwire [OPTIONS] OBJECT ...`). */
export interface Options {
  /** `-n NETNS`: run in this named namespace. */
  netns?: string;
  /** `-j`: JSON output with iproute2's field names. */
  json: boolean;
  /** `-p`: pretty JSON. */
  pretty: boolean;
  /** `-d` (count). */
  details: number;
  /** `-s` (count). */
  stats: number;
  /** `-4`, `-6` or `-f FAMILY`. */
  family?: 'inet' | 'inet6' | 'link' | 'bridge';
  /** `-o`: one line per record. */
  oneline: boolean;
  /** `-force`: in a batch, go on after errors. */
  force: boolean;
  /** `--dry-run`: print each change request's bytes instead of sending it. */
  dryRun: boolean;
  /** `-batch FILE|-`. */
  batch?: string;
}

/** A change request, built and checked, not yet sent. */
export interface Request {
  /** Message type. */
  spec: MessageSpec<unknown, object>;
  /** Family header. */
  header: unknown;
  /** Attributes. */
  attrs: object;
  /** nlmsg_flags besides NLM_F_REQUEST and NLM_F_ACK (NLM_F_CREATE...). */
  flags?: number;
  /** What it does, for its error (`link add v0`). */
  context: string;
  /** Namespace descriptors the request carries; closed once it is answered. */
  handles?: NetnsHandle[];
  /** Interface names the request creates, renames, moves or deletes (their cached indexes go). */
  touches?: readonly string[];
}

/** Where a batch line came from. */
export interface Origin {
  /** File name as given (`-` for standard input). */
  file: string;
  /** Line number, from 1. */
  line: number;
}

/** A request of the pipeline the kernel refused. */
export interface PipelineFailure {
  /** The batch line. */
  origin: Origin;
  /** The kernel's error. */
  error: NetlinkError;
  /** What the request did. */
  context: string;
}

/** Thrown out of a batch line when an earlier, pipelined line failed (without -force). */
export class PipelineStop extends Error {
  override name = 'PipelineStop';
  /** Requests sent in the same pipeline after the first refused one, which the kernel did apply. */
  readonly appliedAfter: number;
  /** The last line of that pipeline. */
  readonly lastOrigin?: Origin;
  /** Records what went through after the failure. */
  constructor(appliedAfter: number, lastOrigin?: Origin) {
    super('batch stopped');
    this.appliedAfter = appliedAfter;
    this.lastOrigin = lastOrigin;
  }
}

interface Queued {
  req: Request;
  origin: Origin;
}

const BULK_REFRESH = 32;

/** The shared state of one run. */
export class Ctx {
  /** Global options. */
  readonly opts: Options;
  /** The batch line being run, when in a batch. */
  origin?: Origin;
  /** What the command being run does (`link add v0`), for its errors. */
  what = '';
  /** Exit status to end with when nothing failed (`netns exec` passes the program's on). */
  exitCode = 0;
  /** Pipelined requests the kernel refused, in order, not yet reported. */
  readonly failures: PipelineFailure[] = [];
  /** How many requests were sent in a pipeline (statistics). */
  pipelined = 0;
  /** How many pipelines (Connection.batch calls) were sent. */
  pipelines = 0;
  private conn?: Connection;
  private out: string[] = [];
  private outSize = 0;
  private batching = false;
  private queue: Queued[] = [];
  private queuedHandles = 0;
  private readonly touched = new Set<string>();
  private readonly names = new Map<string, number>();
  private bulk = false;

  /** Starts with the given options. */
  constructor(opts: Options) {
    this.opts = opts;
  }

  /** Writes to standard output (buffered until {@link flushOutput}). */
  print(text: string): void {
    this.out.push(text);
    this.outSize += text.length;
    if (this.outSize > 1 << 16) void this.flushOutput();
  }

  /** Writes what was printed; resolves once standard output took it. */
  flushOutput(): Promise<void> {
    if (this.out.length === 0) return Promise.resolve();
    const text = this.out.join('');
    this.out = [];
    this.outSize = 0;
    return new Promise((resolve) => {
      if (process.stdout.write(text)) resolve();
      else process.stdout.once('drain', resolve);
    });
  }

  /** The connection, opened on first use; in a batch, pending requests are sent first. */
  async connection(): Promise<Connection> {
    await this.flushPipeline();
    return this.open();
  }

  private async open(): Promise<Connection> {
    if (!this.conn) {
      const [{ Connection }, { rtnetlink }] = await Promise.all([
        import('../../netlink/connection.js'),
        import('../../rtnl/protocol.js'),
      ]);
      this.conn = Connection.open(rtnetlink, { netns: this.opts.netns, send: 'inline' });
    }
    return this.conn;
  }

  /** Starts queueing requests (batch mode). */
  startPipeline(): void {
    this.batching = true;
  }

  /**
   * Sends a change request: prints its bytes with --dry-run; queues it in a batch; otherwise sends it
   * and waits for the ack (rejecting with the kernel's NetlinkError).
   */
  async send(req: Request): Promise<void> {
    for (const n of req.touches ?? []) {
      this.names.delete(n);
      if (this.batching) this.touched.add(n);
    }
    if (this.opts.dryRun) {
      try {
        await this.dryRun(req);
      } finally {
        for (const h of req.handles ?? []) h.close();
      }
      return;
    }
    if (this.batching) {
      this.queue.push({ req, origin: this.origin ?? { file: '-', line: 0 } });
      this.queuedHandles += req.handles?.length ?? 0;
      // Namespace descriptors stay open until their request is sent: keep well below the fd limit.
      if (this.queue.length >= 4096 || this.queuedHandles >= 256) await this.flushPipeline();
      return;
    }
    const conn = await this.open();
    try {
      await conn.request(req.spec, req.header, req.attrs, { flags: req.flags, context: req.context });
    } finally {
      for (const h of req.handles ?? []) h.close();
    }
  }

  /** Sends a request that needs its replies (a get, or NLM_F_ECHO): never queued. */
  async ask(req: Request): Promise<Message[]> {
    const conn = await this.connection();
    try {
      return await conn.request(req.spec, req.header, req.attrs, { flags: req.flags, context: req.context });
    } finally {
      for (const h of req.handles ?? []) h.close();
    }
  }

  private async dryRun(req: Request): Promise<void> {
    const conn = await this.open();
    const bytes = conn.build(req.spec, req.header, req.attrs, NLM_F.NLM_F_ACK | (req.flags ?? 0));
    let text: string;
    try {
      const { explain } = await import('../../debug/explain.js');
      text = explain(bytes, { format: 'raw', protocol: conn.protocol, bytesPerLine: 16 });
    } catch {
      text = `${bytes.toString('hex').replace(/(.{32})/g, '$1\n')}\n`;
    }
    const where = this.origin ? ` (${this.origin.file}:${this.origin.line})` : '';
    this.print(`# dry run: ${req.context}${where}: ${bytes.length} bytes, not sent\n${text.trimEnd()}\n\n`);
  }

  /**
   * Sends every queued request (one pipelined batch, barrier at the end) and records the refused ones
   * in {@link failures}. Without -force, a refusal stops the batch: throws {@link PipelineStop}.
   */
  async flushPipeline(): Promise<void> {
    if (this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    this.queuedHandles = 0;
    const touched = this.touched.size;
    this.touched.clear();
    if (touched >= BULK_REFRESH) this.bulk = true;
    const conn = await this.open();
    let results: (NetlinkError | undefined)[];
    try {
      results = await conn.batch(
        items.map((q) => ({
          spec: q.req.spec,
          header: q.req.header,
          attrs: q.req.attrs,
          flags: q.req.flags,
          context: q.req.context,
        })),
      );
    } finally {
      for (const q of items) for (const h of q.req.handles ?? []) h.close();
    }
    this.pipelined += items.length;
    this.pipelines++;
    const first = results.findIndex((r) => r !== undefined);
    results.forEach((r, i) => {
      if (r) this.failures.push({ origin: items[i].origin, error: r, context: items[i].req.context });
    });
    if (first >= 0 && !this.opts.force) {
      const applied = results.slice(first + 1).filter((r) => r === undefined).length;
      throw new PipelineStop(applied, items[items.length - 1].origin);
    }
  }

  /**
   * The index of interface `name` (cached). In a batch, a name that a queued request touches is
   * looked up after the queue is sent; after many changes, one dump refreshes every name.
   */
  async ifindex(name: string, what: string): Promise<number> {
    if (this.touched.has(name)) await this.flushPipeline();
    const cached = this.names.get(name);
    if (cached !== undefined) return cached;
    const conn = await this.open();
    const { RTM_GETLINK } = await import('../../rtnl/link/messages.js');
    if (this.bulk) {
      this.bulk = false;
      const msgs = await conn.dump(
        RTM_GETLINK,
        { family: 0 },
        { extMask: RTEXT_FILTER.RTEXT_FILTER_SKIP_STATS },
        { context: `${what}: link list`, retries: 3 },
      );
      for (const m of msgs) {
        const a = m.attrs as { ifname?: string };
        const h = m.header as { index?: number };
        if (a.ifname !== undefined && h.index !== undefined) this.names.set(a.ifname, h.index);
      }
      const got = this.names.get(name);
      if (got === undefined) throw new IpError(`Cannot find device "${name}"`, 'ENODEV');
      return got;
    }
    const attrs: Record<string, unknown> = { extMask: RTEXT_FILTER.RTEXT_FILTER_SKIP_STATS };
    if (Buffer.byteLength(name) <= 15) attrs.ifname = name;
    else attrs.altIfname = [name];
    let replies: Message[];
    try {
      replies = await conn.request(RTM_GETLINK, {}, attrs, { context: what });
    } catch (e) {
      if ((e as NetlinkError).code === 'ENODEV') throw new IpError(`Cannot find device "${name}"`, 'ENODEV');
      throw e;
    }
    const index = (replies[0]?.header as { index?: number } | undefined)?.index;
    if (index === undefined) throw new IpError(`Cannot find device "${name}"`, 'ENODEV');
    this.names.set(name, index);
    return index;
  }

  /** Sends what is queued, writes the output and closes the connection. */
  async close(): Promise<void> {
    try {
      await this.flushOutput();
    } finally {
      const c = this.conn;
      this.conn = undefined;
      if (c) await c.close();
    }
  }

  /** Whether requests are being queued. */
  get inBatch(): boolean {
    return this.batching;
  }

  /** Requests queued and not yet sent. */
  get queued(): number {
    return this.queue.length;
  }
}
