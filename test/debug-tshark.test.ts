/**
 * The trace nlwire writes (NLWIRE_TRACE=out.pcap) is a capture Wireshark reads: tshark dissects it as
 * netlink / netlink-route with nothing malformed, and the message and attribute boundaries it finds are
 * nlwire's. The traffic is a link dump and a veth create in a throwaway namespace.
 *
 * Skips (with the reason) when tshark is missing; fails instead when CI=true.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IFLA, IFLA_INFO } from '../src/constants/if_link.js';
import { NLM_F } from '../src/constants/netlink.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { VETH_INFO } from '../src/constants/veth.js';
import { decode } from '../src/debug/decode.js';
import { binary, string, u32 } from '../src/netlink/codec.js';
import { Connection } from '../src/netlink/connection.js';
import type { AttrNode, MessageNode } from '../src/netlink/describe.js';
import { Protocol } from '../src/netlink/message.js';
import { attrSet, selector, withHeader } from '../src/netlink/schema.js';
import { struct } from '../src/netlink/struct.js';
import { requireTool, useTestNetns } from './helpers/netns.js';

// Just enough rtnetlink to send the requests; the capture is decoded with the full catalog.
const ifinfomsg = struct('ifinfomsg', [
  ['ifi_family', 'family', 'u8'],
  ['__ifi_pad', null, 'u8'],
  ['ifi_type', 'type', 'u16'],
  ['ifi_index', 'index', 's32'],
  ['ifi_flags', 'flags', 'u32'],
  ['ifi_change', 'change', 'u32'],
]);
const peerAttrs = attrSet('IFLA', IFLA, { ifname: ['IFLA_IFNAME', string] });
const veth = attrSet('VETH_INFO', VETH_INFO, { peer: ['VETH_INFO_PEER', withHeader(ifinfomsg, peerAttrs)] });
const info = attrSet('IFLA_INFO', IFLA_INFO, {
  kind: ['IFLA_INFO_KIND', string],
  data: ['IFLA_INFO_DATA', selector('IFLA_INFO_DATA', (s) => (s.kind === 'veth' ? veth : undefined), binary)],
});
const ifla = attrSet('IFLA', IFLA, {
  ifname: ['IFLA_IFNAME', string],
  extMask: ['IFLA_EXT_MASK', u32],
  linkinfo: ['IFLA_LINKINFO', info],
});
const proto = new Protocol('NETLINK_ROUTE', 0);
const GET = {
  name: 'RTM_GETLINK',
  type: RTM.RTM_GETLINK,
  kind: 'get',
  header: ifinfomsg,
  attrs: ifla,
} as const;
const NEW = {
  name: 'RTM_NEWLINK',
  type: RTM.RTM_NEWLINK,
  kind: 'new',
  header: ifinfomsg,
  attrs: ifla,
} as const;
proto.register(GET, NEW);

const COOKED = 16;
const TMP = mkdtempSync(join(tmpdir(), 'nlwire-tshark-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

interface PdmlField {
  name: string;
  pos: number;
  size: number;
  show: string;
}

/** The fields of each packet of tshark's PDML output, in document order. */
function pdml(file: string): { fields: PdmlField[]; protocols: string }[] {
  const xml = execFileSync('tshark', ['-r', file, '-T', 'pdml'], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return xml
    .split('<packet>')
    .slice(1)
    .map((p) => {
      const fields: PdmlField[] = [];
      for (const m of p.matchAll(/<field ([^>]*?)\/?>/g)) {
        const a = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
        fields.push({ name: a.name ?? '', pos: Number(a.pos), size: Number(a.size), show: a.show ?? '' });
      }
      const protocols = fields.find((f) => f.name === 'frame.protocols')?.show ?? '';
      return { fields, protocols };
    });
}

/** nlwire's message headers (offset/length/type) and attribute spans (offset/length), per datagram. */
function nlwireSpans(messages: readonly MessageNode[]): {
  headers: Set<string>;
  attrs: Set<string>;
  top: Set<string>;
} {
  const headers = new Set<string>();
  const attrs = new Set<string>();
  const top = new Set<string>();
  const walk = (list: readonly AttrNode[] | undefined, isTop = false) => {
    for (const a of list ?? []) {
      if (a.framing_error !== undefined) continue;
      attrs.add(`${a.offset}+${a.nla_len}`);
      if (isTop) top.add(`${a.offset}+${a.nla_len}`);
      walk(a.attributes);
      for (const e of a.entries ?? []) walk(e.attributes);
    }
  };
  const msg = (m: MessageNode) => {
    headers.add(`${m.offset}+${m.nlmsg_len}:${m.nlmsg_type}`);
    walk(m.attributes, m.nlmsg_type >= 16);
    if (m.error) {
      msg(m.error.request);
      walk(m.error.ext_ack);
    }
    walk(m.done?.ext_ack);
  };
  messages.forEach(msg);
  return { headers, attrs, top };
}

describe('tshark reads nlwire traces', () => {
  const ns = useTestNetns('tshark');

  it('as netlink-route, nothing malformed, with the same message and attribute boundaries', async () => {
    requireTool('tshark');
    const file = join(TMP, 'trace.pcap');
    const saved = process.env.NLWIRE_TRACE;
    process.env.NLWIRE_TRACE = file;
    let c: Connection;
    try {
      c = Connection.open(proto, { netns: ns.name });
    } finally {
      if (saved === undefined) delete process.env.NLWIRE_TRACE;
      else process.env.NLWIRE_TRACE = saved;
    }
    try {
      await c.dump(GET, { family: 17 }, { extMask: 1 });
      await c.request(
        NEW,
        {},
        {
          ifname: 'nlw-a',
          linkinfo: { kind: 'veth', data: { peer: { header: {}, attrs: { ifname: 'nlw-b' } } } },
        },
        { flags: NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL },
      );
      await c.dump(GET, {}, {});
    } finally {
      await c.close();
    }

    const ours = decode(readFileSync(file));
    expect(ours.length).toBeGreaterThanOrEqual(6);
    // What went over the socket: both dumps answered, the veth pair created and listed.
    const all = ours.flatMap((d) => d.messages);
    expect(all.some((m) => m.nlmsg_type_name === 'RTM_NEWLINK' && m.direction === 'to-kernel')).toBe(true);
    expect(all.filter((m) => m.nlmsg_type_name === 'NLMSG_DONE')).toHaveLength(2);
    const names = all.flatMap((m) => m.attributes ?? []).filter((a) => a.name === 'IFLA_IFNAME');
    expect(names.map((a) => a.value)).toEqual(expect.arrayContaining(['lo', 'nlw-a', 'nlw-b']));

    const count = (filter: string) =>
      Number(
        execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        })
          .trim()
          .split('\n')
          .filter(Boolean).length,
      );
    expect(count('_ws.malformed || _ws.expert.severity >= "Warning"')).toBe(0);
    expect(count('netlink.family == 0')).toBe(ours.length);

    const theirs = pdml(file);
    expect(theirs).toHaveLength(ours.length);
    theirs.forEach((p, i) => {
      const mine = nlwireSpans(ours[i].messages);
      const where = `${ours[i].source} (${ours[i].messages.map((m) => m.nlmsg_type_name).join(', ')})`;
      const hasRtm = ours[i].messages.some((m) => m.nlmsg_type >= 16);
      // One netlink-route layer per rtnetlink message; control messages stay netlink (NLMSG_DONE's
      // error code shows as data, as in iproute2's own captures).
      const rtm = ours[i].messages.filter((m) => m.nlmsg_type >= 16).length;
      const layers = p.protocols.split(':');
      expect(layers[0], where).toBe('netlink');
      expect(layers.filter((l) => l === 'netlink-route').length, where).toBe(rtm);
      expect(
        layers.filter((l) => l !== 'netlink' && l !== 'netlink-route' && l !== 'data'),
        where,
      ).toEqual([]);
      // Message headers, the ones echoed in errors included: same offsets, lengths and types.
      const lens = p.fields.filter((f) => f.name === 'netlink.hdr_len');
      const types = p.fields.filter(
        (f) => f.name === 'netlink.hdr_type' || f.name === 'netlink-route.nltype',
      );
      const headers = new Set(
        lens.map((f) => {
          const t = types.find((x) => x.pos === f.pos + 4)!;
          const type = t.name === 'netlink.hdr_type' ? Number.parseInt(t.show, 16) : Number(t.show);
          return `${f.pos - COOKED}+${f.show}:${type}`;
        }),
      );
      expect(headers, where).toEqual(mine.headers);
      // Attributes: every one tshark finds is one of nlwire's (nlwire goes deeper), and tshark finds
      // every top-level attribute of the rtnetlink messages.
      const attrs = new Set(
        p.fields.filter((f) => f.name === 'netlink.attr_len').map((f) => `${f.pos - COOKED}+${f.show}`),
      );
      for (const a of attrs) expect(mine.attrs, `${where}: tshark's attribute at ${a}`).toContain(a);
      for (const a of mine.top) expect(attrs, `${where}: nlwire's attribute at ${a}`).toContain(a);
      if (hasRtm && mine.top.size > 0) expect(attrs.size).toBeGreaterThan(0);
    });
  });
});
