/**
 * The wire debugger and teacher: decode any capture of netlink traffic to a named tree or JSON, encode
 * the JSON back to the exact bytes, explain bytes as an annotated hex dump. Importing it loads every
 * rtnetlink declaration.
 */
export { type DecodedDatagram, type DecodeOptions, decode } from './decode.js';
export { type EncodeOptions, encode, encodeDatagrams } from './encode.js';
export { type ExplainOptions, type ExplainRow, explain, explainRows, formatRows } from './explain.js';
export { extAckTarget, RequestIndex, type RequestLookup } from './ext-ack.js';
export { detectInput, type InputKind, readCaptured } from './io/detect.js';
export { parseHex, toHex } from './io/hex.js';
export { PcapWriter, readPcap, writePcap } from './io/pcap.js';
export { parseStrace, STRACE_COMMAND } from './io/strace.js';
export { type CapturedMessage, type Direction, InputError } from './io/types.js';
export {
  attrToJSON,
  datagramsToJSON,
  type JsonAttr,
  type JsonDatagram,
  type JsonDone,
  type JsonError,
  type JsonMessage,
  type JsonRecord,
  type JsonStruct,
  messageToJSON,
  toJSON,
} from './json.js';
export { protocolFor } from './protocols.js';
export { datagramTitle, formatTime, renderDatagrams, renderTree } from './tree.js';
export { findUnknown, type Unknown } from './unknown.js';
