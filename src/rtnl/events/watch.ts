/**
 * `watch`: live rtnetlink events (like `ip monitor`) as typed objects.
 */
import { Monitor, type MonitorOptions, type MonitorStats } from '../../netlink/monitor.js';
import type { NetnsRef } from '../../netns/ref.js';
import '../addr/messages.js';
import '../link/messages.js';
import '../neigh/messages.js';
import '../nsid/messages.js';
import '../route/messages.js';
import '../rule/messages.js';
import { rtnetlink } from '../protocol.js';
import { type RtnlEvent, toRtnlEvent } from './event.js';
import { groupNumbers, type WatchGroup } from './groups.js';
import { snapshot } from './snapshot.js';

/** Options of {@link watch}. */
export interface WatchOptions extends Omit<MonitorOptions, 'groups'> {
  /** Watch this network namespace (default: the calling thread's). */
  netns?: NetnsRef;
}

/**
 * A subscription to rtnetlink events: an async iterator of {@link RtnlEvent}s until {@link close}.
 * Leaving a `for await` loop closes it.
 */
export class Watch implements AsyncIterableIterator<RtnlEvent> {
  /** The names it was opened with. */
  readonly groups: readonly WatchGroup[];
  /** The underlying monitor. */
  readonly monitor: Monitor;
  private readonly netns?: NetnsRef;

  /** @internal Use {@link watch}. */
  constructor(groups: readonly WatchGroup[], opts: WatchOptions) {
    this.groups = [...groups];
    this.netns = opts.netns;
    this.monitor = Monitor.open(rtnetlink, { ...opts, groups: groupNumbers(groups) });
  }

  /** Counters of the monitor (datagrams, messages, overruns, foreign datagrams dropped). */
  get stats(): Readonly<MonitorStats> {
    return this.monitor.stats;
  }

  /** The next event; `done` once closed. Rejects with SystemError if receiving failed. */
  async next(): Promise<IteratorResult<RtnlEvent, undefined>> {
    const r = await this.monitor.next();
    return r.done ? r : { value: toRtnlEvent(r.value), done: false };
  }

  /** Closes the watch (leaving a `for await` loop calls this). */
  async return(): Promise<IteratorResult<RtnlEvent, undefined>> {
    await this.close();
    return { value: undefined, done: true };
  }

  /** The watch itself: it is its own iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Stops receiving and closes the socket; queued events are dropped. */
  close(): Promise<void> {
    return this.monitor.close();
  }

  /**
   * Everything the watched groups cover, dumped now in the watched namespace, as `new` events: what to
   * start from, and what to start again from after an `overrun` event (see {@link snapshot}).
   */
  snapshot(): Promise<RtnlEvent[]> {
    return snapshot(this.groups, { netns: this.netns });
  }
}

/**
 * Subscribes to rtnetlink events now (synchronously: nothing after this call is missed) and returns
 * them as an async iterator. Events for links, addresses, routes, neighbours, rules and namespace ids
 * are decoded and typed by kind and action; other messages come as `raw`.
 *
 * Lost events are never silent: when the socket's buffer overflows, an `{ kind: 'overrun' }` event
 * comes, and every event after it is delivered. To resynchronise, take a {@link Watch.snapshot} then
 * and keep applying the events that follow (a change may show up both in the snapshot and as a later
 * event; applying it twice is harmless for new/del of whole objects).
 *
 * ```ts
 * const w = watch(['link', 'addr'], { netns: 'blue' });
 * let state = await w.snapshot();
 * for await (const ev of w) {
 *   if (ev.kind === 'overrun') state = await w.snapshot();
 *   else if (ev.kind === 'link') console.log(ev.action, ev.message.attrs.ifname);
 * }
 * ```
 *
 * Throws ValidationError for an unknown group name, SystemError if the socket cannot be opened.
 */
export function watch(groups: readonly WatchGroup[], opts: WatchOptions = {}): Watch {
  return new Watch(groups, opts);
}
