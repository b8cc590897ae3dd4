/**
 * nlwire's netlink protocol core: codecs, attribute-set schemas, messages, sockets and connections.
 * Nothing here knows rtnetlink; families declare their messages with these pieces.
 */
export * from './address.js';
export * from './align.js';
export * from './codec.js';
export * from './connection.js';
export * from './describe.js';
export * from './encode-tree.js';
export * from './entry.js';
export * from './errors.js';
export * from './header.js';
export * from './message.js';
export * from './monitor.js';
export * from './netlink-error.js';
export * from './schema.js';
export * from './socket.js';
export * from './struct.js';
export * from './trace.js';
export * from './writer.js';
