/**
 * nlwire: Linux netlink and rtnetlink in TypeScript.
 *
 * - {@link Rtnl}: links, addresses, routes, neighbours, FDB and rules, in any network namespace.
 * - Namespaces: addNetns, listNetns, deleteNetns, runInNetns, execInNetns, sysctls...
 * - The wire debugger: decode, encode and explain netlink messages.
 * - `nlwire/netlink`: the protocol core (codecs, attribute-set schemas, sockets, connections).
 */

export { type DecodedDatagram, type DecodeOptions, decode } from './debug/decode.js';
export { type EncodeOptions, encode } from './debug/encode.js';
export { type ExplainOptions, explain } from './debug/explain.js';
export { type JsonMessage, toJSON } from './debug/json.js';
export { renderTree } from './debug/tree.js';
export {
  type BatchItem,
  type BatchOptions,
  type BatchResult,
  Connection,
  type ConnectionOptions,
  type DumpOptions,
  type RequestOptions,
} from './netlink/connection.js';
export {
  ClosedError,
  DecodeError,
  NlwireError,
  SystemError,
  TruncatedError,
  ValidationError,
} from './netlink/errors.js';
export { DumpInterruptedError, NetlinkError } from './netlink/netlink-error.js';
export { pcapTrace, type TraceSink, textTrace } from './netlink/trace.js';
export * from './netns/index.js';
export * from './rtnl/addr/api.js';
export { rtnetlink } from './rtnl/all.js';
export { Rtnl, type RtnlOptions, withRtnl } from './rtnl/client.js';
export * from './rtnl/events/index.js';
export * from './rtnl/link/index.js';
export * from './rtnl/link/kinds/bond.js';
export * from './rtnl/link/kinds/dummy.js';
export * from './rtnl/link/kinds/geneve.js';
export * from './rtnl/link/kinds/gre.js';
export * from './rtnl/link/kinds/ip6tnl.js';
export * from './rtnl/link/kinds/iptun.js';
export * from './rtnl/link/kinds/nlmon.js';
export * from './rtnl/link/kinds/team.js';
export * from './rtnl/link/kinds/vlan.js';
export * from './rtnl/link/kinds/vrf.js';
export * from './rtnl/link/kinds/vti.js';
export * from './rtnl/link/kinds/wireguard.js';
export * from './rtnl/neigh/api.js';
export * from './rtnl/neigh/fdb.js';
export * from './rtnl/nsid/api.js';
export * from './rtnl/route/api.js';
export * from './rtnl/rule/api.js';
