/**
 * A request/response connection on one netlink socket: acks, replies, dumps as async iterators,
 * many requests in flight (routed by sequence number), and pipelined batches.
 *
 * Requests made in the same tick are written into one datagram and sent with one sendto(2) on a
 * pool thread; the kernel handles them in order. Only one dump runs at a time per socket (the kernel
 * answers a second one with EBUSY), so dumps queue behind each other; other requests do not wait.
 */
import { ERRNO_NAMES } from '../constants/errno.js';
import { NLM_F, NLMSG } from '../constants/netlink.js';
import { align } from './align.js';
import { attrPathAt, describeMessage } from './describe.js';
import { type EntryReader, ReusableEntryView } from './entry.js';
import { ClosedError, DecodeError, NlwireError, ValidationError } from './errors.js';
import { endMessage, type NlMsgHeader, readHeader, startMessage } from './header.js';
import {
  decodeBody,
  decodeDone,
  decodeError,
  type ExtAckValue,
  encodeMessage,
  type Message,
  type MessageSpec,
  type Protocol,
} from './message.js';
import { DumpInterruptedError, NetlinkError } from './netlink-error.js';
import { NetlinkSocket, type SocketOptions } from './socket.js';
import { type TraceSink, traceFromEnv } from './trace.js';
import { Writer } from './writer.js';

/** Options for {@link Connection.open}. */
export interface ConnectionOptions extends Partial<Omit<SocketOptions, 'protocol'>> {
  /** Record every datagram sent and received (see trace.ts); NLWIRE_TRACE sets a default. */
  trace?: TraceSink;
  /** Largest datagram a batch of requests is packed into, in bytes. Default 256 KiB. */
  maxDatagram?: number;
  /** Yield to the event loop after this many ms of continuous receiving. Default 8. */
  sliceMs?: number;
  /**
   * Where sendto(2) runs: 'pool' (default) on a libuv pool thread, so the kernel's work and any wait
   * for the rtnl lock stay off the event loop; 'inline' on the calling thread, about 60 us faster per
   * datagram, for scripts and short-lived commands that have nothing else to do meanwhile.
   */
  send?: 'pool' | 'inline';
}

/** Options of one request. */
export interface RequestOptions {
  /** Extra nlmsg_flags (NLM_F_CREATE, NLM_F_EXCL...); NLM_F_REQUEST and NLM_F_ACK are always set. */
  flags?: number;
  /** What is being done, for error messages (e.g. 'link add v0'). */
  context?: string;
}

/** Options of a dump. */
export interface DumpOptions {
  /** Extra nlmsg_flags besides NLM_F_REQUEST | NLM_F_DUMP. */
  flags?: number;
  /** What is being done, for error messages. */
  context?: string;
  /** Retry this many times when the dump is interrupted (NLM_F_DUMP_INTR). Default 0: throw. */
  retries?: number;
}

/** One request of a pipelined batch. */
export interface BatchItem {
  /** The message type. */
  spec: MessageSpec<unknown, object>;
  /** Extra nlmsg_flags. */
  flags?: number;
  /** Family header. */
  header: unknown;
  /** Attributes. */
  attrs: object;
  /** What it does, for its error. */
  context?: string;
}

/** Options of {@link Connection.batch}. */
export interface BatchOptions {
  /** Send each item as its own acked request instead of a pipeline (one round trip each: slower). */
  acks?: boolean;
  /**
   * Names the items in a ValidationError: with 'links', IFLA_MTU of item 3 is links[3].IFLA_MTU; a
   * function gives the name of item `i` itself (for items taken from a longer list).
   */
  list?: string | ((i: number) => string);
}

/** Outcome of one batch item: undefined when it succeeded. */
export type BatchResult = NetlinkError | undefined;

interface Pending {
  seq: number;
  spec: MessageSpec;
  request: Buffer;
  dump: boolean;
  silent: boolean;
  context?: string;
  replies: unknown[];
  interrupted: boolean;
  failure?: Error;
  onEntry?: (m: Message) => void;
  read?: EntryReader<unknown>;
  resolve(m: unknown[]): void;
  reject(e: Error): void;
}

interface BatchRange {
  first: number;
  last: number;
  base: number;
  offsets: number[];
  bytes: Buffer | undefined;
  item: (i: number) => BatchItem;
  results: BatchResult[];
}

interface Outgoing {
  bytes: Buffer;
  pendings: Pending[];
}

/** Counters of a connection. */
export interface ConnectionStats {
  /** Messages whose nlmsg_pid was not this socket's port id. */
  droppedWrongPort: number;
  /** Messages whose sequence number matched nothing in flight. */
  droppedUnknownSeq: number;
  /** Multicast notifications received (and not taken for replies), when the socket joined groups. */
  notifications: number;
}

/** A netlink request/response connection. */
export class Connection {
  /** The socket. */
  readonly socket: NetlinkSocket;
  /** The family's message catalog. */
  readonly protocol: Protocol;
  /** Counters (see also socket.stats). */
  readonly stats: ConnectionStats = { droppedWrongPort: 0, droppedUnknownSeq: 0, notifications: 0 };
  private seq = (Math.random() * 0x7fffffff) >>> 0;
  private readonly pending = new Map<number, Pending>();
  private readonly ranges = new Set<BatchRange>();
  private readonly outbox: Outgoing[] = [];
  private readonly dumpQueue: Outgoing[] = [];
  private dumpActive = false;
  private sending = false;
  private pumping = false;
  private flushScheduled = false;
  private readonly trace?: TraceSink;
  private readonly maxDatagram: number;
  private readonly sliceMs: number;
  private readonly inline: boolean;
  private readonly writer = new Writer(64 * 1024);
  private readonly view = new ReusableEntryView();

  private constructor(socket: NetlinkSocket, protocol: Protocol, opts: ConnectionOptions) {
    this.socket = socket;
    this.protocol = protocol;
    this.trace = opts.trace ?? traceFromEnv(protocol);
    this.maxDatagram = opts.maxDatagram ?? 256 * 1024;
    this.sliceMs = opts.sliceMs ?? 8;
    this.inline = opts.send === 'inline';
  }

  /** Opens a connection (a socket bound in the given namespace, if any). */
  static open(protocol: Protocol, opts: ConnectionOptions = {}): Connection {
    const socket = NetlinkSocket.open({ capAck: true, ...opts, protocol: protocol.number });
    return new Connection(socket, protocol, opts);
  }

  /** The next sequence number. */
  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    return this.seq;
  }

  /** Builds the exact bytes of a request without sending it (for dry runs and the teacher). */
  build<H, A extends object>(spec: MessageSpec<H, A>, header: H, attrs: A, flags = 0, seq = 0): Buffer {
    const w = new Writer(512);
    encodeMessage(w, spec, NLM_F.NLM_F_REQUEST | flags, seq, header, attrs);
    return Buffer.from(w.bytes());
  }

  /**
   * Sends a request with NLM_F_ACK and resolves with the replies that came before the ack (none
   * for most changes; the object for a GET or with NLM_F_ECHO). Rejects with NetlinkError.
   */
  request<H, A extends object>(
    spec: MessageSpec<H, A>,
    header: H,
    attrs: A,
    opts: RequestOptions = {},
  ): Promise<Message[]> {
    const seq = this.nextSeq();
    const w = this.writer;
    w.reset();
    encodeMessage(w, spec, NLM_F.NLM_F_REQUEST | NLM_F.NLM_F_ACK | (opts.flags ?? 0), seq, header, attrs);
    const bytes = Buffer.from(w.bytes());
    return new Promise((resolve, reject) => {
      const p = this.newPending(
        seq,
        spec as unknown as MessageSpec,
        bytes,
        false,
        opts.context,
        resolve as (m: unknown[]) => void,
        reject,
      );
      this.enqueue({ bytes, pendings: [p] }, false);
    });
  }

  /** Dumps (NLM_F_DUMP) and resolves with every entry; retries interrupted dumps if asked. */
  async dump<H, A extends object>(
    spec: MessageSpec<H, A>,
    header: H,
    attrs: A,
    opts: DumpOptions = {},
  ): Promise<Message[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.dumpOnce(spec, header, attrs, opts)) as Message[];
      } catch (e) {
        if (e instanceof DumpInterruptedError && attempt < (opts.retries ?? 0)) continue;
        throw e;
      }
    }
  }

  /**
   * Dumps and converts every entry with `read` as its datagram arrives, straight from the receive
   * buffer, so only what `read` returns is kept (entries it returns undefined for are left out).
   * This is how the object APIs list: no intermediate {@link Message} outlives its datagram.
   */
  async dumpMap<H, A extends object, T>(
    spec: MessageSpec<H, A>,
    header: H,
    attrs: A,
    read: EntryReader<T>,
    opts: DumpOptions = {},
  ): Promise<T[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.dumpOnce(spec, header, attrs, opts, undefined, read)) as T[];
      } catch (e) {
        if (e instanceof DumpInterruptedError && attempt < (opts.retries ?? 0)) continue;
        throw e;
      }
    }
  }

  /** Dumps and yields entries as their datagrams arrive. Throws DumpInterruptedError at the end if interrupted. */
  async *dumpIter<H, A extends object>(
    spec: MessageSpec<H, A>,
    header: H,
    attrs: A,
    opts: DumpOptions = {},
  ): AsyncGenerator<Message, void, undefined> {
    const queue: Message[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    let error: Error | undefined;
    const finished = this.dumpOnce(spec, header, attrs, opts, (m) => {
      queue.push(m);
      wake?.();
    }).then(
      () => {
        done = true;
        wake?.();
      },
      (e: Error) => {
        error = e;
        done = true;
        wake?.();
      },
    );
    while (true) {
      while (queue.length) yield queue.shift() as Message;
      if (done) break;
      await new Promise<void>((r) => {
        wake = r;
      });
      wake = undefined;
    }
    await finished;
    if (error) throw error;
  }

  private dumpOnce<H, A extends object>(
    spec: MessageSpec<H, A>,
    header: H,
    attrs: A,
    opts: DumpOptions,
    onEntry?: (m: Message) => void,
    read?: EntryReader<unknown>,
  ): Promise<unknown[]> {
    const seq = this.nextSeq();
    const w = new Writer(256);
    encodeMessage(w, spec, NLM_F.NLM_F_REQUEST | NLM_F.NLM_F_DUMP | (opts.flags ?? 0), seq, header, attrs);
    const bytes = Buffer.from(w.bytes());
    return new Promise((resolve, reject) => {
      const p = this.newPending(
        seq,
        spec as unknown as MessageSpec,
        bytes,
        true,
        opts.context,
        resolve,
        reject,
      );
      p.onEntry = onEntry;
      p.read = read;
      this.enqueue({ bytes, pendings: [p] }, true);
    });
  }

  /**
   * Sends many requests pipelined: without per-request acks, packed into few datagrams, each
   * followed by an acked NLMSG_NOOP as a barrier. The kernel reports every failure; the rest succeeded.
   * Resolves with one result per item, in order. Every item is encoded before anything is sent, so
   * an item that cannot be encoded throws ValidationError and nothing is sent.
   */
  async batch(items: readonly BatchItem[], opts: BatchOptions = {}): Promise<BatchResult[]> {
    if (opts.acks) return this.batchAcked(items);
    return this.pipeline(items.length, (i) => items[i], false, opts.list);
  }

  /**
   * Like {@link batch}, for large batches: item `i` is made by `item(i)` when it is encoded (and
   * again if it fails, for its error), and datagrams go out as they fill, so the kernel works while
   * the rest is encoded and no list of requests is kept. Validate the items first: one that cannot
   * be encoded throws ValidationError after the datagrams before it were sent.
   */
  batchOf(count: number, item: (i: number) => BatchItem): Promise<BatchResult[]> {
    return this.pipeline(count, item, true);
  }

  private async pipeline(
    count: number,
    item: (i: number) => BatchItem,
    stream: boolean,
    list?: string | ((i: number) => string),
  ): Promise<BatchResult[]> {
    const results: BatchResult[] = new Array(count).fill(undefined);
    const waits: Promise<unknown>[] = [];
    const sends: (() => void)[] = [];
    const chunk = Math.min(this.maxDatagram, 64 * 1024);
    // The first datagram is small, so the kernel starts on it while the rest is encoded.
    let limit = stream ? Math.min(chunk - 1024, 4096) : chunk - 1024;
    let w = new Writer(chunk);
    const empty = (): BatchRange => ({
      first: 0,
      last: -1,
      base: 0,
      offsets: [],
      bytes: undefined,
      item,
      results,
    });
    let range = empty();
    const flush = () => {
      const seq = this.nextSeq();
      const at = startMessage(w, NLMSG.NLMSG_NOOP, NLM_F.NLM_F_REQUEST | NLM_F.NLM_F_ACK, seq);
      endMessage(w, at);
      const bytes = Buffer.from(w.bytes());
      range.bytes = bytes;
      range.offsets.push(at);
      const r = range;
      sends.push(() => {
        if (r.last >= r.first) this.ranges.add(r);
        waits.push(
          new Promise((resolve, reject) => {
            const b = this.newPending(
              seq,
              { name: 'NLMSG_NOOP' } as MessageSpec,
              bytes.subarray(at),
              false,
              'batch barrier',
              resolve,
              reject,
            );
            b.resolve = (x) => {
              this.ranges.delete(r);
              resolve(x);
            };
            b.reject = (e) => {
              this.ranges.delete(r);
              reject(e);
            };
            this.enqueue({ bytes, pendings: [b] }, false);
          }),
        );
      });
      w = new Writer(chunk);
    };
    const send = () => {
      for (const f of sends) f();
      sends.length = 0;
    };
    try {
      for (let i = 0; i < count; i++) {
        const it = item(i);
        const seq = this.nextSeq();
        if (range.last < range.first) range = { ...empty(), first: seq, last: seq - 1, base: i };
        range.offsets.push(w.length);
        range.last = seq;
        try {
          encodeMessage(w, it.spec, NLM_F.NLM_F_REQUEST | (it.flags ?? 0), seq, it.header as never, it.attrs);
        } catch (e) {
          if (list === undefined || !(e instanceof ValidationError)) throw e;
          throw typeof list === 'string' ? e.within(list, i) : e.under(list(i));
        }
        if (w.length >= limit) {
          flush();
          limit = chunk - 1024;
          range = empty();
          if (stream) {
            send();
            // Let the send start: the kernel works on this datagram while the next is encoded.
            await undefined;
          }
        }
      }
    } catch (e) {
      // Nothing more is sent; wait for what was, so no barrier is left behind.
      await Promise.allSettled(waits);
      throw e;
    }
    if (range.last >= range.first || (waits.length === 0 && sends.length === 0)) flush();
    send();
    await Promise.all(waits);
    return results;
  }

  private async batchAcked(items: readonly BatchItem[]): Promise<BatchResult[]> {
    const results: BatchResult[] = new Array(items.length).fill(undefined);
    await Promise.all(
      items.map((it, i) =>
        this.request(it.spec, it.header as never, it.attrs, { flags: it.flags, context: it.context }).then(
          () => undefined,
          (e) => {
            if (!(e instanceof NetlinkError)) throw e;
            results[i] = e;
          },
        ),
      ),
    );
    return results;
  }

  private newPending(
    seq: number,
    spec: MessageSpec,
    request: Buffer,
    dump: boolean,
    context: string | undefined,
    resolve: (m: unknown[]) => void,
    reject: (e: Error) => void,
  ): Pending {
    if (this.socket.closed) throw new ClosedError('connection is closed');
    const p: Pending = {
      seq,
      spec,
      request,
      dump,
      silent: false,
      context,
      replies: [],
      interrupted: false,
      resolve,
      reject,
    };
    this.pending.set(seq, p);
    return p;
  }

  private enqueue(o: Outgoing, dump: boolean): void {
    if (dump) this.dumpQueue.push(o);
    else this.outbox.push(o);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    }
  }

  private takeBatch(): Outgoing | undefined {
    if (!this.dumpActive && this.dumpQueue.length) {
      this.dumpActive = true;
      this.outbox.push(this.dumpQueue.shift() as Outgoing);
    }
    if (!this.outbox.length) return undefined;
    if (this.outbox.length === 1) return this.outbox.shift();
    const parts: Buffer[] = [];
    const pendings: Pending[] = [];
    let size = 0;
    while (this.outbox.length && (size === 0 || size + this.outbox[0].bytes.length <= this.maxDatagram)) {
      const o = this.outbox.shift() as Outgoing;
      parts.push(o.bytes);
      pendings.push(...o.pendings);
      size += align(o.bytes.length);
    }
    const buf = Buffer.alloc(size);
    let off = 0;
    for (const b of parts) {
      b.copy(buf, off);
      off += align(b.length);
    }
    return { bytes: buf, pendings };
  }

  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (let o = this.takeBatch(); o; o = this.takeBatch()) {
        this.trace?.('to-kernel', o.bytes);
        try {
          if (this.inline) this.socket.sendSync(o.bytes);
          else await this.socket.send(o.bytes);
        } catch (e) {
          for (const p of o.pendings) this.fail(p, e as Error);
          continue;
        }
        this.drain();
      }
    } finally {
      this.sending = false;
    }
    void this.pump();
  }

  /** Takes every queued datagram, for at most sliceMs. Returns true if any was taken. */
  private drain(): boolean {
    let any = false;
    const until = performance.now() + this.sliceMs;
    while (this.pending.size && !this.socket.closed) {
      let d: ReturnType<NetlinkSocket['tryRecv']>;
      try {
        d = this.socket.tryRecv();
      } catch (e) {
        this.failAll(e as Error);
        return any;
      }
      if (!d) return any;
      any = true;
      this.trace?.('from-kernel', d.data);
      this.dispatch(d.data, d.groups);
      if (performance.now() > until) return any;
    }
    return any;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.pending.size && !this.socket.closed && !this.sending) {
        if (this.drain()) {
          await new Promise<void>((r) => setImmediate(r));
          continue;
        }
        if (this.outbox.length || (this.dumpQueue.length && !this.dumpActive)) break;
        try {
          await this.socket.waitReadable();
        } catch (e) {
          if (this.socket.closed) break;
          this.failAll(e as Error);
        }
      }
    } finally {
      this.pumping = false;
    }
    if (this.outbox.length || (this.dumpQueue.length && !this.dumpActive)) void this.flush();
  }

  private dispatch(buf: Buffer, groups: number): void {
    this.view.datagram(buf);
    let p = 0;
    while (p < buf.length) {
      let nl: NlMsgHeader;
      try {
        nl = readHeader(buf, p, buf.length);
      } catch (e) {
        // A datagram we cannot frame: everyone waiting may have lost their reply.
        this.failAll(e as Error);
        return;
      }
      this.onMessage(buf, p, nl, groups);
      p += (nl.len + 3) & ~3;
    }
  }

  private onMessage(buf: Buffer, off: number, nl: NlMsgHeader, groups: number): void {
    if (nl.pid !== this.socket.portId) {
      this.stats.droppedWrongPort++;
      return;
    }
    const pend = this.pending.get(nl.seq);
    // A notification to a group this socket joined carries the port id and sequence number of the
    // request that caused it. It is an event, not a reply, unless the request asked for an echo (the
    // kernel then sends the echo to the requester alone, marked with the group).
    const echo = pend !== undefined && (pend.request.readUInt16LE(6) & NLM_F.NLM_F_ECHO) !== 0;
    if (groups !== 0 && !echo && nl.type >= NLMSG.NLMSG_MIN_TYPE) {
      this.stats.notifications++;
      return;
    }
    if (!pend) {
      if (nl.type === NLMSG.NLMSG_ERROR && this.ranges.size && this.batchError(buf, off, nl)) return;
      this.stats.droppedUnknownSeq++;
      return;
    }
    try {
      if (nl.type === NLMSG.NLMSG_ERROR) {
        const e = decodeError(buf, off, nl);
        if (e.error === 0) this.finish(pend);
        else this.fail(pend, this.netlinkError(pend, -e.error, e.extAck));
      } else if (nl.type === NLMSG.NLMSG_DONE) {
        const d = decodeDone(buf, off, nl);
        if (nl.flags & NLM_F.NLM_F_DUMP_INTR) pend.interrupted = true;
        if (d.error < 0) this.fail(pend, this.netlinkError(pend, -d.error, d.extAck));
        else this.finish(pend);
      } else if (nl.type === NLMSG.NLMSG_NOOP || nl.type === NLMSG.NLMSG_OVERRUN) {
        // nothing to deliver
      } else {
        if (nl.flags & NLM_F.NLM_F_DUMP_INTR) pend.interrupted = true;
        if (pend.read) {
          const v = this.view;
          v.off = off;
          v.nl = nl;
          const x = pend.read(v);
          if (x !== undefined) pend.replies.push(x);
          return;
        }
        const spec = this.protocol.spec(nl.type);
        if (!spec) throw new DecodeError(`unknown message type ${nl.type}`, off);
        const m = decodeBody(spec, buf, off, nl);
        if (pend.onEntry) pend.onEntry(m);
        else pend.replies.push(m);
      }
    } catch (e) {
      if (!(e instanceof NlwireError)) throw e;
      // Keep reading to the end of the reply, then report.
      pend.failure ??= e;
      if (!pend.dump) this.fail(pend, e);
    }
  }

  /** A failure of a batch item (no Pending of its own): recorded in the batch's results. */
  private batchError(buf: Buffer, off: number, nl: NlMsgHeader): boolean {
    for (const r of this.ranges) {
      const k = (nl.seq - r.first) >>> 0;
      if (k > (r.last - r.first) >>> 0) continue;
      const e = decodeError(buf, off, nl);
      if (e.error === 0) return true;
      const it = r.item(r.base + k);
      const bytes = (r.bytes as Buffer).subarray(r.offsets[k], r.offsets[k + 1]);
      const p = { seq: nl.seq, spec: it.spec, request: bytes, context: it.context } as Pending;
      r.results[r.base + k] = this.netlinkError(p, -e.error, e.extAck);
      return true;
    }
    return false;
  }

  private finish(p: Pending): void {
    this.pending.delete(p.seq);
    if (p.dump) this.dumpDone();
    if (p.failure) return p.reject(p.failure);
    if (p.interrupted) return p.reject(new DumpInterruptedError(p.context ?? p.spec.name, p.replies));
    p.resolve(p.replies);
  }

  private fail(p: Pending, e: Error): void {
    if (!this.pending.has(p.seq)) return;
    this.pending.delete(p.seq);
    if (p.dump) this.dumpDone();
    p.reject(e);
  }

  private dumpDone(): void {
    this.dumpActive = false;
    if (this.dumpQueue.length) void this.flush();
  }

  private failAll(e: Error): void {
    for (const p of [...this.pending.values()]) this.fail(p, e);
  }

  private netlinkError(p: Pending, errno: number, extAck: ExtAckValue): NetlinkError {
    const req = p.request;
    const header = readHeader(req, 0, req.length);
    let attrPath: string[] | undefined;
    let missing: { type: number; name?: string; nest?: string[] } | undefined;
    if (extAck.offs !== undefined || extAck.missType !== undefined) {
      try {
        const tree = describeMessage(this.protocol, req, 0);
        if (extAck.offs !== undefined) attrPath = attrPathAt(tree.attributes, extAck.offs);
        if (extAck.missType !== undefined) {
          const nest = extAck.missNest !== undefined ? attrPathAt(tree.attributes, extAck.missNest) : [];
          const set = nest.length ? undefined : p.spec.attrs;
          missing = { type: extAck.missType, name: set?.def(extAck.missType)?.name, nest };
        }
      } catch {
        /* the path is a courtesy */
      }
    }
    return new NetlinkError({
      errno,
      code: ERRNO_NAMES[errno] ?? `errno ${errno}`,
      extAck,
      request: { type: p.spec.name, header, bytes: req },
      attrPath,
      missing,
      context: p.context,
    });
  }

  /** Closes the connection; every request still in flight is rejected with ClosedError. */
  async close(): Promise<void> {
    // Empty the queues first: rejecting a dump would otherwise start sending what waits behind it.
    this.outbox.length = 0;
    this.dumpQueue.length = 0;
    this.failAll(new ClosedError('connection closed with the request in flight'));
    await this.socket.close();
  }
}
