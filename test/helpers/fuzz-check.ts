/**
 * The properties every decoder must keep on any input, checked by scripts/fuzz.ts and by the
 * regression test over fixtures/fuzz/: only the library's own errors come out, and whatever the
 * debugger decodes rebuilds byte for byte.
 */

import { RTM } from '../../src/constants/rtnetlink.js';
import { describeDatagram } from '../../src/netlink/describe.js';
import { encodeMessageNodes } from '../../src/netlink/encode-tree.js';
import { type EntryReader, ReusableEntryView } from '../../src/netlink/entry.js';
import { NlwireError } from '../../src/netlink/errors.js';
import {
  convertEntries,
  decodeBody,
  isControl,
  type Protocol,
  splitMessages,
} from '../../src/netlink/message.js';
import { addressFromMessage } from '../../src/rtnl/addr/api.js';
import { rtmNewAddr } from '../../src/rtnl/addr/messages.js';
import { type Link, readLink } from '../../src/rtnl/link/link.js';
import { rtnetlink } from '../../src/rtnl/protocol.js';
import { routeFromMessage } from '../../src/rtnl/route/api.js';
import { rtmNewRoute } from '../../src/rtnl/route/messages.js';

/** The dump readers of the object APIs, by the message type they read. */
const READERS = new Map<number, EntryReader<unknown>>([
  [RTM.RTM_NEWLINK, readLink],
  [RTM.RTM_NEWROUTE, convertEntries(rtmNewRoute, routeFromMessage)],
  [RTM.RTM_NEWADDR, convertEntries(rtmNewAddr, addressFromMessage)],
]);

/** Why an input broke a property, or undefined when it kept them all. */
export function checkDatagram(protocol: Protocol, bytes: Uint8Array): string | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // 1. The typed decoder throws only DecodeError (an NlwireError).
  try {
    for (const m of splitMessages(buf)) {
      const spec = protocol.spec(m.nl.type);
      if (spec && !isControl(m.nl.type)) decodeBody(spec, buf, m.offset, m.nl);
    }
  } catch (e) {
    if (!(e instanceof NlwireError))
      return `typed decoder threw ${(e as Error)?.name}: ${(e as Error)?.message}`;
  }
  // 1b. So do the readers of the object APIs' dumps (a lazy link included, once its attrs are read).
  try {
    const view = new ReusableEntryView();
    view.datagram(buf);
    for (const m of splitMessages(buf)) {
      const read = protocol === rtnetlink ? READERS.get(m.nl.type) : undefined;
      if (!read) continue;
      view.off = m.offset;
      view.nl = m.nl;
      const x = read(view);
      if (m.nl.type === RTM.RTM_NEWLINK) void (x as Link | undefined)?.attrs;
    }
  } catch (e) {
    if (!(e instanceof NlwireError))
      return `dump reader threw ${(e as Error)?.name}: ${(e as Error)?.message}`;
  }
  // 2. The debugger's tree throws only NlwireError, and rebuilds the bytes it decoded.
  let tree: ReturnType<typeof describeDatagram>;
  try {
    tree = describeDatagram(protocol, buf);
  } catch (e) {
    if (e instanceof NlwireError) return undefined;
    return `describe threw ${(e as Error)?.name}: ${(e as Error)?.message}`;
  }
  try {
    const json = JSON.parse(JSON.stringify(tree.messages));
    const back = encodeMessageNodes(protocol, json);
    const consumed = buf.length - (tree.trailing ? tree.trailing.length / 2 : 0);
    const want = buf.subarray(0, consumed);
    // The last message's padding is not part of any message; compare up to its end.
    if (!want.subarray(0, back.length).equals(back) || consumed - back.length > 3 || back.length > consumed)
      return `decode then encode differs (${back.length} bytes back, ${consumed} in)`;
  } catch (e) {
    return `encode of a decoded tree threw ${(e as Error)?.name}: ${(e as Error)?.message}`;
  }
  return undefined;
}
