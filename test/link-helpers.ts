/**
 * Helpers of the link tests: a Links API on a namespace, `ip -d -j link show` of one link, and the
 * exact request iproute2 sends (captured with strace) decoded with nlwire, to compare with nlwire's
 * own dry runs.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NLMSG_HDRLEN } from '../src/netlink/align.js';
import { Connection } from '../src/netlink/connection.js';
import { decodeBody, splitMessages } from '../src/netlink/message.js';
import { Links } from '../src/rtnl/link/api.js';
import type { LinkAttrs } from '../src/rtnl/link/attrs.js';
import { type IfInfoMsg, RTM_NEWLINK } from '../src/rtnl/link/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { ipJson } from './helpers/netns.js';

const execFileP = promisify(execFile);

/** Runs fn with a Links API on a connection inside `ns`, closed afterwards. */
export async function withLinks<T>(
  ns: string,
  fn: (links: Links, conn: Connection) => Promise<T>,
): Promise<T> {
  const conn = Connection.open(rtnetlink, { netns: ns });
  try {
    return await fn(new Links(conn), conn);
  } finally {
    await conn.close();
  }
}

/** One link of `ip -j -d link show` (loosely typed: iproute2's JSON). */
export interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  address?: string;
  broadcast?: string;
  master?: string;
  link?: string;
  link_netnsid?: number;
  operstate: string;
  txqlen?: number;
  group: string;
  ifalias?: string;
  altnames?: string[];
  linkinfo?: {
    info_kind?: string;
    info_data?: Record<string, unknown>;
    info_slave_kind?: string;
    info_slave_data?: Record<string, unknown>;
  };
  [key: string]: unknown;
}

/** `ip -n ns -j -d link show dev NAME`. */
export async function ipLink(ns: string, name: string): Promise<IpLink> {
  const [l] = await ipJson<IpLink[]>(ns, ['-d', 'link', 'show', 'dev', name]);
  return l;
}

/** A decoded link request: the nlmsghdr's type and flags, ifinfomsg and attributes. */
export interface LinkRequest {
  type: number;
  flags: number;
  header: IfInfoMsg;
  attrs: LinkAttrs;
}

/** Decodes request bytes (one message) with nlwire's link messages. */
export function decodeRequest(bytes: Buffer): LinkRequest {
  const [s] = splitMessages(bytes);
  const m = decodeBody(RTM_NEWLINK, bytes, s.offset, s.nl);
  return { type: s.nl.type, flags: s.nl.flags, header: m.header, attrs: m.attrs };
}

const SENDMSG =
  /nlmsg_type=(0x[0-9a-f]+|[A-Z_]+)[^,]*, nlmsg_flags=[^,]*, nlmsg_seq=\d+, nlmsg_pid=\d+\}, "((?:\\x[0-9a-f]{2})*)"/g;

/**
 * Runs `ip -n ns ARGS` under strace and returns the link requests of the given message type it sent
 * (their bodies decoded with nlwire). The command may fail (e.g. a kind this kernel lacks): the
 * request was sent all the same.
 */
export async function ipRequests(ns: string, args: readonly string[], type: number): Promise<LinkRequest[]> {
  let text: string;
  try {
    const r = await execFileP(
      'strace',
      ['-f', '-qq', '-e', 'trace=sendmsg', '-xx', '-s', '65535', 'ip', '-n', ns, ...args],
      {
        maxBuffer: 64 << 20,
      },
    );
    text = r.stderr;
  } catch (e) {
    text = (e as { stderr?: string }).stderr ?? '';
  }
  const out: LinkRequest[] = [];
  for (const m of text.matchAll(SENDMSG)) {
    const t = m[1].startsWith('0x') ? Number.parseInt(m[1], 16) : Number.NaN;
    if (t !== type) continue;
    const body = Buffer.from(m[2].replace(/\\x/g, ''), 'hex');
    const msg = Buffer.alloc(NLMSG_HDRLEN + body.length);
    msg.writeUInt32LE(msg.length, 0);
    msg.writeUInt16LE(type, 4);
    body.copy(msg, NLMSG_HDRLEN);
    out.push(decodeRequest(msg));
  }
  return out;
}
