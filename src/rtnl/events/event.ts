/**
 * Typed rtnetlink events: what {@link watch} yields, made from a monitor's messages by their type.
 */
import { RTM } from '../../constants/rtnetlink.js';
import type { TruncatedError } from '../../netlink/errors.js';
import type { NlMsgHeader } from '../../netlink/header.js';
import type { Message, MessageSpec } from '../../netlink/message.js';
import type { MonitorEvent } from '../../netlink/monitor.js';
import type { rtmNewAddr } from '../addr/messages.js';
import type { RTM_NEWLINK } from '../link/messages.js';
import type { RTM_NEWNEIGH } from '../neigh/messages.js';
import type { RTM_NEWNSID } from '../nsid/messages.js';
import type { rtmNewRoute } from '../route/messages.js';
import type { RTM_NEWRULE } from '../rule/messages.js';

type MessageOf<S> = S extends MessageSpec<infer H, infer A> ? Message<H, A> : never;

/** A decoded link message (ifinfomsg + IFLA_*). */
export type LinkMessage = MessageOf<typeof RTM_NEWLINK>;
/** A decoded address message (ifaddrmsg + IFA_*). */
export type AddressMessage = MessageOf<typeof rtmNewAddr>;
/** A decoded route message (rtmsg + RTA_*). */
export type RouteMessage = MessageOf<typeof rtmNewRoute>;
/** A decoded neighbour message (ndmsg + NDA_*). */
export type NeighbourMessage = MessageOf<typeof RTM_NEWNEIGH>;
/** A decoded rule message (fib_rule_hdr + FRA_*). */
export type RuleMessage = MessageOf<typeof RTM_NEWRULE>;
/** A decoded namespace id message (rtgenmsg + NETNSA_*). */
export type NsidMessage = MessageOf<typeof RTM_NEWNSID>;

/** `new`: an object appeared or changed (RTM_NEW*); `del`: it went away (RTM_DEL*). */
export type EventAction = 'new' | 'del';

interface ObjectEvent<K extends string, M> {
  /** What kind of object. */
  readonly kind: K;
  /** Whether it appeared/changed or went away. */
  readonly action: EventAction;
  /** The decoded message. */
  readonly message: M;
  /** The RTNLGRP_* group it came from, when the kernel says. */
  readonly group?: number;
}

/** A link appeared, changed (up, down, mtu, master...) or went away. */
export type LinkEvent = ObjectEvent<'link', LinkMessage>;
/** An address was added, changed or removed. */
export type AddressEvent = ObjectEvent<'address', AddressMessage>;
/** A route was added, changed or removed. */
export type RouteEvent = ObjectEvent<'route', RouteMessage>;
/** A neighbour (or bridge FDB) entry was added, changed or removed. */
export type NeighbourEvent = ObjectEvent<'neighbour', NeighbourMessage>;
/** A routing rule was added or removed. */
export type RuleEvent = ObjectEvent<'rule', RuleMessage>;
/** A namespace id was assigned or went away. */
export type NsidEvent = ObjectEvent<'nsid', NsidMessage>;

/**
 * Events were lost (the socket's buffer overflowed, or a datagram was too large). Whatever was
 * learnt from earlier events may be stale: take a fresh {@link Watch.snapshot} and go on.
 */
export interface OverrunEvent {
  /** Discriminant. */
  readonly kind: 'overrun';
  /** `enobufs`: the kernel dropped events; `truncated`: a datagram was larger than the buffer. */
  readonly reason: 'enobufs' | 'truncated';
  /** For `truncated`: the sizes. */
  readonly error?: TruncatedError;
}

/** A message of another type (decoded in `message` when a spec knows it), or one that did not decode. */
export interface RawEvent {
  /** Discriminant. */
  readonly kind: 'raw';
  /** Its nlmsghdr (absent when even that did not decode). */
  readonly nl?: NlMsgHeader;
  /** The message's bytes. */
  readonly bytes: Buffer;
  /** The group it came from, when the kernel says. */
  readonly group?: number;
  /** The decoded message, for a type that is none of the kinds above but has a spec. */
  readonly message?: Message;
  /** Why it was not decoded, when it has a spec. */
  readonly error?: Error;
}

/** What {@link watch} yields. */
export type RtnlEvent =
  | LinkEvent
  | AddressEvent
  | RouteEvent
  | NeighbourEvent
  | RuleEvent
  | NsidEvent
  | OverrunEvent
  | RawEvent;

/** The object kinds (the events that carry a message). */
export type ObjectKind = Exclude<RtnlEvent['kind'], 'overrun' | 'raw'>;

/** The kind and action of each message type. */
export const EVENT_TYPES: ReadonlyMap<number, readonly [ObjectKind, EventAction]> = new Map([
  [RTM.RTM_NEWLINK, ['link', 'new']],
  [RTM.RTM_DELLINK, ['link', 'del']],
  [RTM.RTM_NEWADDR, ['address', 'new']],
  [RTM.RTM_DELADDR, ['address', 'del']],
  [RTM.RTM_NEWROUTE, ['route', 'new']],
  [RTM.RTM_DELROUTE, ['route', 'del']],
  [RTM.RTM_NEWNEIGH, ['neighbour', 'new']],
  [RTM.RTM_DELNEIGH, ['neighbour', 'del']],
  [RTM.RTM_NEWRULE, ['rule', 'new']],
  [RTM.RTM_DELRULE, ['rule', 'del']],
  [RTM.RTM_NEWNSID, ['nsid', 'new']],
  [RTM.RTM_DELNSID, ['nsid', 'del']],
]);

/** Makes a typed event of a decoded message of a known type; undefined for other types. */
export function objectEvent(message: Message, group?: number): RtnlEvent | undefined {
  const ka = EVENT_TYPES.get(message.nl.type);
  if (!ka) return undefined;
  const ev = { kind: ka[0], action: ka[1], message, ...(group === undefined ? {} : { group }) };
  return ev as RtnlEvent;
}

/** Turns what a Monitor yields into an rtnetlink event. */
export function toRtnlEvent(ev: MonitorEvent): RtnlEvent {
  switch (ev.type) {
    case 'overrun':
      return ev.error
        ? { kind: 'overrun', reason: ev.reason, error: ev.error }
        : { kind: 'overrun', reason: ev.reason };
    case 'message':
      return (
        objectEvent(ev.message, ev.group) ?? {
          kind: 'raw',
          nl: ev.message.nl,
          bytes: ev.bytes,
          group: ev.group,
          message: ev.message,
        }
      );
    case 'raw':
      return { kind: 'raw', nl: ev.nl, bytes: ev.bytes, group: ev.group, error: ev.error };
  }
}
