/**
 * Live rtnetlink events: `watch(groups)` yields typed link, address, route, neighbour, rule and
 * namespace id events, and overruns; `snapshot(groups)` dumps the same objects to resynchronise.
 */
export {
  type AddressEvent,
  type AddressMessage,
  EVENT_TYPES,
  type EventAction,
  type LinkEvent,
  type LinkMessage,
  type NeighbourEvent,
  type NeighbourMessage,
  type NsidEvent,
  type NsidMessage,
  type ObjectKind,
  type OverrunEvent,
  objectEvent,
  type RawEvent,
  type RouteEvent,
  type RouteMessage,
  type RtnlEvent,
  type RuleEvent,
  type RuleMessage,
  toRtnlEvent,
} from './event.js';
export { groupNumbers, WATCH_GROUPS, type WatchGroup } from './groups.js';
export { type SnapshotOptions, snapshot } from './snapshot.js';
export { Watch, type WatchOptions, watch } from './watch.js';
