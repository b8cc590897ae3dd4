/**
 * The JSON view of decoded messages (`nlwire decode --json`), and its types. It is the debugger's tree
 * without offsets: kernel names, C struct field names, values as JSON (64-bit integers above 2^53 as
 * decimal strings, addresses as text) and `hex` wherever bytes are kept raw. `nlwire encode` reads it
 * back to the same bytes.
 */
import type { Json } from '../netlink/codec.js';
import type { AttrNode, MessageNode, RecordNode, StructNode } from '../netlink/describe.js';
import type { DecodedDatagram } from './decode.js';
import type { Direction } from './io/types.js';

/** A struct with its C name and C field names. */
export interface JsonStruct {
  /** The C struct name (ifinfomsg, rtmsg, rtnexthop...). */
  struct: string;
  /** C field name -> value. */
  fields: Record<string, Json>;
  /** C field name -> the name of its value, or the names of its bits set (fields declared with names). */
  names?: Record<string, string | string[]>;
}

/**
 * One attribute. The payload shows as `value`, as `attributes` (after `header` for a struct-headed
 * nest), as `entries`, or as `hex` alone when no declaration decodes it. `hex` next to a decoded form
 * holds the exact bytes where re-encoding the decoded form would differ (a string without its NUL), and
 * wins on encode.
 */
export interface JsonAttr {
  /** nla_type without the flag bits (-1 for bytes after the last attribute that are not one). */
  type: number;
  /** The kernel's name, or null when the declaration does not know the type. */
  name: string | null;
  /** nla_len as received: header and payload, without padding (recomputed by encode). */
  nla_len: number;
  /** NLA_F_NESTED / NLA_F_NET_BYTEORDER, when set. */
  flags?: string[];
  /** The decoded payload: number, string (text, address, hex of binary, decimal of big 64-bit), array or struct. */
  value?: Json;
  /** The name of an enumerated value, or the names of the bits set (informational). */
  value_names?: string | string[];
  /** The struct ahead of nested attributes (VETH_INFO_PEER's ifinfomsg). */
  header?: JsonStruct;
  /** Nested attributes. */
  attributes?: JsonAttr[];
  /** Records of a record array (RTA_MULTIPATH's rtnexthop entries). */
  entries?: JsonRecord[];
  /** The payload as hex: unknown attributes, or bytes the decoded value would not rebuild exactly. */
  hex?: string;
  /** Non-zero padding after the payload, as hex. */
  pad?: string;
  /** Why the payload did not decode. */
  error?: string;
  /** Set when these bytes do not frame as an attribute: `hex` then holds them all, header included. */
  framing_error?: string;
}

/** One record of a record array. */
export interface JsonRecord {
  /** The record's struct (its length field is recomputed by encode). */
  header: JsonStruct;
  /** Its attributes. */
  attributes: JsonAttr[];
}

/** The payload of an NLMSG_ERROR. */
export interface JsonError {
  /** Positive errno; 0 for an ack. */
  errno: number;
  /** The errno's name (ENODEV...), null for an ack. */
  name: string | null;
  /** Extended-ack attributes (NLMSGERR_ATTR_*), empty when none. */
  ext_ack: JsonAttr[];
  /** The echoed request: its header, and its payload unless the ack was capped. */
  request: JsonMessage;
}

/** The payload of an NLMSG_DONE. */
export interface JsonDone {
  /** Positive errno of a failed dump, 0 otherwise. */
  error: number;
  /** Its name, null for 0. */
  name: string | null;
  /** Extended-ack attributes, when any. */
  ext_ack?: JsonAttr[];
}

/** One netlink message. */
export interface JsonMessage {
  /** Length of the message (recomputed by encode). */
  nlmsg_len: number;
  nlmsg_type: number;
  /** RTM_NEWLINK, NLMSG_ERROR... or null when unknown. */
  nlmsg_type_name: string | null;
  nlmsg_flags: number;
  /** Flag names as they read for this kind of message (0x100 is NLM_F_ROOT on a GET, NLM_F_REPLACE on a NEW). */
  nlmsg_flags_names: string[];
  nlmsg_seq: number;
  nlmsg_pid: number;
  /** The family header (ifinfomsg, rtmsg...). */
  family_header?: JsonStruct;
  /** The attributes after it. */
  attributes?: JsonAttr[];
  /** NLMSG_ERROR contents. */
  error?: JsonError;
  /** NLMSG_DONE contents. */
  done?: JsonDone;
  /** The payload as hex, when its type is unknown or its decoded form would not rebuild it exactly. */
  hex?: string;
  /** Why the payload did not decode. */
  decode_error?: string;
  /** Non-zero padding bytes after the message, as hex. */
  pad?: string;
}

/** One datagram with its capture details. */
export interface JsonDatagram {
  /** Where it came from (`pcap packet 3`, `strace line 12`, `hex input`). */
  source?: string;
  /** to-kernel or from-kernel, when the capture tells. */
  direction?: Direction;
  /** Capture time in seconds, when the capture tells. */
  timestamp?: number;
  /** Process id (strace). */
  pid?: number;
  /** System call (strace). */
  syscall?: string;
  /** Netlink protocol number, when the capture tells. */
  family?: number;
  /** Its messages. */
  messages: JsonMessage[];
  /** Zero bytes after the last message, as hex. */
  trailing?: string;
}

function structJSON(s: StructNode): JsonStruct {
  return s.names
    ? { struct: s.struct, fields: { ...s.fields }, names: { ...s.names } }
    : { struct: s.struct, fields: { ...s.fields } };
}

function recordJSON(r: RecordNode): JsonRecord {
  return { header: structJSON(r.header), attributes: r.attributes.map(attrToJSON) };
}

/** The JSON view of one attribute node. */
export function attrToJSON(n: AttrNode): JsonAttr {
  const o: JsonAttr = { type: n.type, name: n.name, nla_len: n.nla_len };
  if (n.flags) o.flags = [...n.flags];
  if (n.value !== undefined) o.value = n.value;
  if (n.value_names !== undefined) o.value_names = n.value_names;
  if (n.header) o.header = structJSON(n.header);
  if (n.attributes) o.attributes = n.attributes.map(attrToJSON);
  if (n.entries) o.entries = n.entries.map(recordJSON);
  if (n.hex !== undefined) o.hex = n.hex;
  if (n.pad !== undefined) o.pad = n.pad;
  if (n.error !== undefined) o.error = n.error;
  if (n.framing_error !== undefined) o.framing_error = n.framing_error;
  return o;
}

/** The JSON view of one message node. */
export function messageToJSON(n: MessageNode): JsonMessage {
  const o: JsonMessage = {
    nlmsg_len: n.nlmsg_len,
    nlmsg_type: n.nlmsg_type,
    nlmsg_type_name: n.nlmsg_type_name,
    nlmsg_flags: n.nlmsg_flags,
    nlmsg_flags_names: [...n.nlmsg_flags_names],
    nlmsg_seq: n.nlmsg_seq,
    nlmsg_pid: n.nlmsg_pid,
  };
  if (n.family_header) o.family_header = structJSON(n.family_header);
  if (n.attributes) o.attributes = n.attributes.map(attrToJSON);
  if (n.error)
    o.error = {
      errno: n.error.errno || 0,
      name: n.error.name,
      ext_ack: (n.error.ext_ack ?? []).map(attrToJSON),
      request: messageToJSON(n.error.request),
    };
  if (n.done) {
    o.done = { error: n.done.error || 0, name: n.done.name };
    if (n.done.ext_ack) o.done.ext_ack = n.done.ext_ack.map(attrToJSON);
  }
  if (n.hex !== undefined) o.hex = n.hex;
  if (n.decode_error !== undefined) o.decode_error = n.decode_error;
  if (n.pad !== undefined) o.pad = n.pad;
  return o;
}

/** The JSON view of messages: one object per message, in order. */
export function toJSON(nodes: readonly MessageNode[]): JsonMessage[] {
  return nodes.map(messageToJSON);
}

/** The JSON view of decoded datagrams (`nlwire decode --json` prints this). */
export function datagramsToJSON(datagrams: readonly DecodedDatagram[]): JsonDatagram[] {
  return datagrams.map((d) => {
    const o = { source: d.source } as JsonDatagram;
    if (d.direction) o.direction = d.direction;
    if (d.timestamp !== undefined) o.timestamp = d.timestamp;
    if (d.pid !== undefined) o.pid = d.pid;
    if (d.syscall !== undefined) o.syscall = d.syscall;
    if (d.family !== undefined) o.family = d.family;
    o.messages = toJSON(d.messages);
    if (d.trailing) o.trailing = d.trailing;
    return o;
  });
}
