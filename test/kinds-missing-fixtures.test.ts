/**
 * The link kinds this kernel lacks, against real iproute2 bytes: fixtures/kinds/*.json hold the RTM_NEWLINK
 * requests `ip link add ... type K ...` built (scripts/capture-kind-requests.ts) and the kernel's answer.
 * Each request is decoded with the RTM_NEWLINK spec, its IFLA_INFO_DATA compared with the object written by
 * hand from the command line, and the request rebuilt byte for byte from the debugger's tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRNO } from '../src/constants/errno.js';
import { NLMSG } from '../src/constants/netlink.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { type AttrNode, describeMessages } from '../src/netlink/describe.js';
import { encodeMessageNodes } from '../src/netlink/encode-tree.js';
import { decodeBody, decodeError, splitMessages } from '../src/netlink/message.js';
import '../src/rtnl/link/kinds/bond.js';
import '../src/rtnl/link/kinds/dummy.js';
import '../src/rtnl/link/kinds/geneve.js';
import '../src/rtnl/link/kinds/gre.js';
import '../src/rtnl/link/kinds/ip6tnl.js';
import '../src/rtnl/link/kinds/iptun.js';
import '../src/rtnl/link/kinds/nlmon.js';
import '../src/rtnl/link/kinds/team.js';
import '../src/rtnl/link/kinds/vlan.js';
import '../src/rtnl/link/kinds/vrf.js';
import '../src/rtnl/link/kinds/vti.js';
import '../src/rtnl/link/kinds/wireguard.js';
import { RTM_NEWLINK } from '../src/rtnl/link/messages.js';
import { linkKind } from '../src/rtnl/link/registry.js';
import { rtnetlink } from '../src/rtnl/protocol.js';

interface KindFixture {
  name: string;
  kind: string;
  command: string;
  iproute2: string;
  kernel: string;
  request: string;
  reply: string;
  expected: Record<string, unknown> | null;
}

const DIR = join(import.meta.dirname, '../fixtures/kinds');
const fixtures: KindFixture[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as KindFixture);

/** The kinds this task covers: each needs at least one fixture. */
const KINDS = [
  'dummy',
  'vlan',
  'vrf',
  'gre',
  'gretap',
  'erspan',
  'ip6gre',
  'ip6gretap',
  'ip6erspan',
  'ipip',
  'sit',
  'ip6tnl',
  'vti',
  'vti6',
  'bond',
  'team',
  'geneve',
  'wireguard',
  'nlmon',
];

function child(nodes: readonly AttrNode[] | undefined, name: string): AttrNode | undefined {
  return nodes?.find((n) => n.name === name);
}

/** Every attribute below `nodes` decoded by a declaration: named, no raw-hex fallback, no error. */
function allDecoded(nodes: readonly AttrNode[], path: string): void {
  for (const n of nodes) {
    const where = `${path}/${n.name ?? `type ${n.type}`}`;
    expect(n.name, where).not.toBeNull();
    expect(n.error, where).toBeUndefined();
    expect(n.hex, where).toBeUndefined();
    if (n.attributes) allDecoded(n.attributes, where);
  }
}

describe('kinds the kernel lacks: iproute2 request fixtures', () => {
  it('has a fixture for every kind, captured from iproute2', () => {
    expect(new Set(fixtures.map((f) => f.kind))).toEqual(new Set(KINDS));
    for (const f of fixtures) expect(f.iproute2).toMatch(/iproute2/);
  });

  for (const f of fixtures) {
    describe(`${f.name}: ${f.command}`, () => {
      const req = Buffer.from(f.request, 'hex');

      it('decodes with the RTM_NEWLINK spec to the IFLA_INFO_DATA the command asks for', () => {
        const [m] = splitMessages(req);
        expect(m.nl.len).toBe(req.length);
        expect(m.nl.type).toBe(RTM.RTM_NEWLINK);
        const msg = decodeBody(RTM_NEWLINK, req, 0, m.nl);
        expect(msg.attrs.unknownAttrs).toBeUndefined();
        const info = msg.attrs.linkinfo;
        expect(info?.kind).toBe(f.kind);
        expect(linkKind(f.kind), `kind ${f.kind} registered`).toBeDefined();
        if (f.expected === null) {
          expect(info?.data).toBeUndefined();
          expect(linkKind(f.kind)?.data).toBeUndefined();
        } else {
          expect(info?.data).not.toBeInstanceOf(Uint8Array);
          expect(info?.data).toStrictEqual(f.expected);
        }
      });

      it('names every attribute of IFLA_INFO_DATA in the debugger tree and rebuilds the bytes exactly', () => {
        const nodes = describeMessages(rtnetlink, req);
        expect(nodes).toHaveLength(1);
        expect(nodes[0].nlmsg_type_name).toBe('RTM_NEWLINK');
        expect(nodes[0].hex).toBeUndefined();
        const info = child(nodes[0].attributes, 'IFLA_LINKINFO');
        expect(info).toBeDefined();
        const data = child(info?.attributes, 'IFLA_INFO_DATA');
        if (f.expected === null) expect(data).toBeUndefined();
        else {
          expect(data?.kind).toBe(linkKind(f.kind)?.data?.typeName);
          expect(data?.attributes?.length).toBeGreaterThan(0);
          allDecoded([data as AttrNode], 'IFLA_LINKINFO');
        }
        expect(encodeMessageNodes(rtnetlink, nodes).toString('hex')).toBe(f.request);
      });

      it("holds the kernel's answer to that request", () => {
        const reply = Buffer.from(f.reply, 'hex');
        const [m] = splitMessages(reply);
        expect(m.nl.type).toBe(NLMSG.NLMSG_ERROR);
        const e = decodeError(reply, 0, m.nl);
        expect(e.request.seq).toBe(req.readUInt32LE(8));
        // Captured where the kernel lacks the kind; a kernel that has it acks (error 0).
        if (e.error !== 0) {
          expect(-e.error).toBe(ERRNO.EOPNOTSUPP);
          expect(e.extAck.msg).toBe('Unknown device type');
        }
      });
    });
  }
});
