/**
 * Live events of a netlink family (like `ip monitor`): a socket joined to multicast groups, read by a
 * thread of its own (see monitor-worker.ts), its messages decoded with the family's specs and yielded
 * by an async iterator.
 *
 * Lost events are never silent. When the socket's receive buffer overflows the kernel drops events and
 * says so (ENOBUFS), and the monitor yields `{ type: 'overrun' }` and goes on; so does a datagram too
 * large for the receive buffer. After an overrun the monitor's view is stale: dump the tables the
 * subscription covers again (e.g. RTM_GETLINK for RTNLGRP_LINK) and apply later events on top of that.
 * Subscribe before dumping, so that nothing falls between the dump and the first event.
 */

import { ERRNO_NAMES } from '../constants/errno.js';
import type { NetnsRef } from '../netns/ref.js';
import { align } from './align.js';
import { SystemError, TruncatedError, ValidationError } from './errors.js';
import { type NlMsgHeader, readHeader } from './header.js';
import { decodeBody, type Message, type MessageSpec, type Protocol } from './message.js';
import { type ReceivedItem, Receiver } from './monitor-worker.js';
import { NetlinkSocket } from './socket.js';

/** Options of {@link Monitor.open}. */
export interface MonitorOptions {
  /** Multicast groups to join (group numbers, e.g. RTNLGRP_LINK). More can be joined later. */
  groups: readonly number[];
  /** Listen inside this network namespace (the socket is opened there). */
  netns?: NetnsRef;
  /**
   * The socket's receive buffer in bytes (SO_RCVBUFFORCE when permitted, else SO_RCVBUF, which
   * net.core.rmem_max caps). Events that arrive while it is full are lost and reported as an overrun.
   * Default 4 MiB.
   */
  rcvbuf?: number;
  /** Largest datagram the monitor can take, in bytes; a larger one is an overrun. Default 1 MiB. */
  recvBufferSize?: number;
  /**
   * Most datagrams received and not yet taken by the iterator. At the limit the receiving thread stops
   * reading, so events wait in the socket's receive buffer (`rcvbuf`); when that overflows too, the
   * kernel drops events and the monitor yields an overrun (after draining the socket, which may take
   * the queue up to twice the limit). Default 1024.
   */
  queueLimit?: number;
  /**
   * Also receive the events of every namespace that has an nsid in the socket's namespace
   * (NETLINK_LISTEN_ALL_NSID). Limitation: the kernel tells which namespace an event comes from only
   * in a control message (cmsg NETLINK_LISTEN_ALL_NSID) that recvmsg(2) returns; nlwire receives with
   * recvfrom(2), so events do not say their namespace. Default false.
   */
  listenAllNsid?: boolean;
  /** How long the receiving thread blocks in one recvfrom, in ms (SO_RCVTIMEO): the most {@link Monitor.close} waits for it. Default 100. */
  waitSliceMs?: number;
}

/** A message of a type the protocol knows, decoded. */
export interface MonitorMessage {
  /** Discriminant. */
  readonly type: 'message';
  /** The message's spec (its `name` is the kernel's, e.g. RTM_NEWLINK). */
  readonly spec: MessageSpec;
  /** The decoded message. */
  readonly message: Message;
  /** The message's bytes, header included. */
  readonly bytes: Buffer;
  /** The multicast group it was sent to, when the kernel says (groups 1 to 32). */
  readonly group?: number;
}

/** A message the protocol has no spec for (or a control message), or one that did not decode. */
export interface MonitorRaw {
  /** Discriminant. */
  readonly type: 'raw';
  /** Its nlmsghdr; absent when the header itself does not decode. */
  readonly nl?: NlMsgHeader;
  /** The message's bytes, header included (to the end of the datagram when the header is bad). */
  readonly bytes: Buffer;
  /** The multicast group it was sent to, when the kernel says (groups 1 to 32). */
  readonly group?: number;
  /** Why it was not decoded, when it has a spec (usually a DecodeError). */
  readonly error?: Error;
}

/** Events were lost: dump again what the subscription covers to resynchronise. */
export interface MonitorOverrun {
  /** Discriminant. */
  readonly type: 'overrun';
  /**
   * `enobufs`: the socket's receive buffer overflowed and the kernel dropped events. The overrun comes
   * once the socket's queue has been emptied, after the events that were queued then; every event after
   * it is delivered (until the next overrun). `truncated`: a datagram was larger than `recvBufferSize`
   * and its bytes are lost.
   */
  readonly reason: 'enobufs' | 'truncated';
  /** For `truncated`: the sizes. */
  readonly error?: TruncatedError;
}

/** What a {@link Monitor} yields. */
export type MonitorEvent = MonitorMessage | MonitorRaw | MonitorOverrun;

/** Counters of a monitor. */
export interface MonitorStats {
  /** Datagrams received from the kernel. */
  datagrams: number;
  /** Messages yielded (decoded or raw). */
  messages: number;
  /** Overruns yielded (ENOBUFS and truncated datagrams). */
  overruns: number;
  /** Datagrams dropped because they did not come from the kernel (nl_pid not 0). */
  droppedForeign: number;
}

type Waiter = () => void;

function positiveInt(field: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isSafeInteger(v) && v > 0))
    throw new ValidationError(field, v, 'must be a positive integer');
}

/** Bit (g - 1) of nl_groups to the group number g. */
function groupOf(mask: number): number | undefined {
  return mask === 0 ? undefined : 32 - Math.clz32(mask);
}

/**
 * A netlink monitor: an async iterator of the events of some multicast groups, until {@link close}.
 *
 * ```ts
 * const m = Monitor.open(rtnetlink, { groups: [RTNLGRP.RTNLGRP_LINK] });
 * try {
 *   for await (const ev of m) if (ev.type === 'message') console.log(ev.spec.name, ev.message.attrs);
 * } finally {
 *   await m.close();
 * }
 * ```
 *
 * One thread per monitor does the receiving (no libuv pool thread is used); while a monitor is open
 * it keeps the process alive, so close it. Leaving a `for await` loop (break, return, throw) closes
 * the monitor; events still queued are discarded. Several loops on one monitor share its events.
 */
export class Monitor implements AsyncIterableIterator<MonitorEvent> {
  /** The family whose specs decode the messages. */
  readonly protocol: Protocol;
  /** Counters. */
  readonly stats: MonitorStats = { datagrams: 0, messages: 0, overruns: 0, droppedForeign: 0 };
  private readonly socket: NetlinkSocket;
  private readonly receiver: Receiver;
  private queue: ReceivedItem[] = [];
  private head = 0;
  private ready: MonitorEvent[] = [];
  private waiters: Waiter[] = [];
  private failure: Error | undefined;
  /** Set once the thread is being stopped (close, or a failure): nothing more arrives. */
  private stopping: Promise<void> | undefined;
  /** Set by close (and after a failure was thrown): queued events are dropped. */
  private discarded = false;

  private constructor(protocol: Protocol, socket: NetlinkSocket, opts: MonitorOptions) {
    this.protocol = protocol;
    this.socket = socket;
    this.receiver = Receiver.start({
      fd: socket.fd,
      bufferSize: opts.recvBufferSize ?? 1 << 20,
      queueLimit: opts.queueLimit ?? 1024,
      onItems: (items) => this.arrive(items),
      onError: (e) => this.fail(e),
    });
  }

  /**
   * Opens a socket of `protocol` joined to `groups` (in `netns`, if given) and starts receiving.
   * Throws SystemError (EPERM, EINVAL for a group the family lacks...) before anything starts.
   */
  static open(protocol: Protocol, opts: MonitorOptions): Monitor {
    positiveInt('queueLimit', opts.queueLimit);
    positiveInt('recvBufferSize', opts.recvBufferSize);
    positiveInt('rcvbuf', opts.rcvbuf);
    positiveInt('waitSliceMs', opts.waitSliceMs);
    for (const g of opts.groups) positiveInt('groups', g);
    const socket = NetlinkSocket.open({
      protocol: protocol.number,
      groups: opts.groups,
      netns: opts.netns,
      rcvbuf: opts.rcvbuf,
      listenAllNsid: opts.listenAllNsid,
      waitSliceMs: opts.waitSliceMs,
      recvBufferSize: 16, // the socket's own buffer is unused: the thread has its own
    });
    try {
      return new Monitor(protocol, socket, opts);
    } catch (e) {
      socket.closeSync();
      throw e;
    }
  }

  /** The socket's port id (nl_pid). */
  get portId(): number {
    return this.socket.portId;
  }

  /** The receiving thread's id (-1 once it has exited). */
  get threadId(): number {
    return this.receiver.threadId;
  }

  /** Whether the monitor has been closed, or has stopped receiving after a failure. */
  get closed(): boolean {
    return this.stopping !== undefined;
  }

  /** Joins one more multicast group. */
  addMembership(group: number): void {
    this.socket.addMembership(group);
  }

  /** Leaves a multicast group. */
  dropMembership(group: number): void {
    this.socket.dropMembership(group);
  }

  /**
   * The next event; `done` once the monitor is closed. If receiving failed, the events received
   * before the failure come first, then this rejects once with the SystemError, then `done`.
   */
  async next(): Promise<IteratorResult<MonitorEvent, undefined>> {
    for (;;) {
      if (this.discarded) return { value: undefined, done: true };
      const ev = this.ready.shift();
      if (ev) return { value: ev, done: false };
      if (this.head < this.queue.length) {
        const item = this.queue[this.head++];
        if (this.head > 256 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        this.expand(item);
        continue;
      }
      if (this.failure) {
        const e = this.failure;
        this.failure = undefined;
        this.discarded = true;
        throw e;
      }
      if (this.stopping) return { value: undefined, done: true };
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Closes the monitor (leaving a `for await` loop calls this). */
  async return(): Promise<IteratorResult<MonitorEvent, undefined>> {
    await this.close();
    return { value: undefined, done: true };
  }

  /** The monitor itself: it is its own iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Stops the receiving thread, then closes the socket (never while the thread may be inside a
   * recvfrom on it). Queued events are discarded; pending and later {@link next} calls end.
   * Resolves within about `waitSliceMs`.
   */
  close(): Promise<void> {
    this.discarded = true;
    this.queue = [];
    this.head = 0;
    this.ready = [];
    return this.stop();
  }

  private stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        try {
          await this.receiver.stop();
        } finally {
          this.socket.closeSync();
          this.wake();
        }
      })();
      this.wake();
    }
    return this.stopping;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Receiving failed: what came before is still delivered, then the error. */
  private fail(e: Error): void {
    if (this.stopping) return;
    this.failure = e;
    void this.stop();
  }

  private arrive(items: ReceivedItem[]): void {
    if (this.stopping) return;
    let foreign = 0;
    for (const it of items) {
      if (it.kind === 'failed') {
        this.fail(new SystemError('recvfrom', it.errno, ERRNO_NAMES[it.errno] ?? `errno ${it.errno}`));
        break;
      }
      if (it.kind === 'datagram') {
        if (it.sender !== 0) {
          foreign++;
          continue;
        }
        this.stats.datagrams++;
      }
      this.queue.push(it);
    }
    this.stats.droppedForeign += foreign;
    this.receiver.release(foreign);
    this.wake();
  }

  /** Turns a queued item into events (in `ready`). */
  private expand(item: ReceivedItem): void {
    switch (item.kind) {
      case 'enobufs':
        this.stats.overruns++;
        this.ready.push({ type: 'overrun', reason: 'enobufs' });
        return;
      case 'truncated':
        this.stats.overruns++;
        this.ready.push({
          type: 'overrun',
          reason: 'truncated',
          error: new TruncatedError(item.length, item.capacity),
        });
        return;
      case 'datagram':
        this.receiver.release(1);
        this.decodeDatagram(Buffer.from(item.data), groupOf(item.groups));
        return;
      case 'failed': // handled on arrival, never queued
        return;
    }
  }

  private decodeDatagram(buf: Buffer, group: number | undefined): void {
    for (const ev of decodeMonitorDatagram(this.protocol, buf, group)) this.push(ev);
  }

  private push(ev: MonitorMessage | MonitorRaw): void {
    this.stats.messages++;
    this.ready.push(ev);
  }
}

/**
 * Splits one received datagram into events: messages with a spec in `protocol` decoded, the others
 * (and any that fail to decode, with the error) raw. Never throws; stops at zero padding after the
 * last message. The events' bytes are views of `buf`.
 */
export function decodeMonitorDatagram(
  protocol: Protocol,
  buf: Buffer,
  group?: number,
): Array<MonitorMessage | MonitorRaw> {
  const out: Array<MonitorMessage | MonitorRaw> = [];
  let p = 0;
  while (p < buf.length) {
    // A message is never 0 bytes long: zeros here are padding, if the rest is zeros too.
    if ((p + 4 > buf.length || buf.readUInt32LE(p) === 0) && buf.subarray(p).every((b) => b === 0)) break;
    let nl: NlMsgHeader;
    try {
      nl = readHeader(buf, p, buf.length);
    } catch (e) {
      out.push({ type: 'raw', bytes: buf.subarray(p), group, error: e as Error });
      break;
    }
    const bytes = buf.subarray(p, p + nl.len);
    const spec = protocol.spec(nl.type);
    if (!spec) out.push({ type: 'raw', nl, bytes, group });
    else {
      try {
        out.push({ type: 'message', spec, message: decodeBody(spec, buf, p, nl), bytes, group });
      } catch (e) {
        out.push({ type: 'raw', nl, bytes, group, error: e as Error });
      }
    }
    p += align(nl.len);
  }
  return out;
}
