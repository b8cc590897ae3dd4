/**
 * Registers every rtnetlink message type on the `rtnetlink` protocol catalog (import for the side
 * effect). The debugger, the fuzzer and the client import this so every family is named.
 */
import './link/messages.js';
import './addr/messages.js';

export { rtnetlink } from './protocol.js';
