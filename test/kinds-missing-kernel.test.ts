/**
 * The link kinds the test kernel lacks, against the kernel: each test builds the kind's IFLA_INFO_DATA
 * from create options, checks the request Links.create would send (a dry run, decoded with the
 * RTM_NEWLINK spec), then tries to create the link in a fresh namespace. A kernel without the kind
 * answers EOPNOTSUPP "Unknown device type", and the test is skipped with that answer; a kernel with it
 * creates the link, which is read back with nlwire and with `ip -j -d link show`.
 */
import { describe, expect, it } from 'vitest';
import { Connection } from '../src/netlink/connection.js';
import { decodeBody, splitMessages } from '../src/netlink/message.js';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { Links } from '../src/rtnl/link/api.js';
import { buildBondData } from '../src/rtnl/link/kinds/bond.js';
import { buildDummyData } from '../src/rtnl/link/kinds/dummy.js';
import { buildGeneveData } from '../src/rtnl/link/kinds/geneve.js';
import { buildGreData, buildIp6greData } from '../src/rtnl/link/kinds/gre.js';
import { buildIp6tnlData } from '../src/rtnl/link/kinds/ip6tnl.js';
import { buildIpipData, buildSitData } from '../src/rtnl/link/kinds/iptun.js';
import { buildNlmonData } from '../src/rtnl/link/kinds/nlmon.js';
import { buildTeamData } from '../src/rtnl/link/kinds/team.js';
import { buildVlanData } from '../src/rtnl/link/kinds/vlan.js';
import { buildVrfData } from '../src/rtnl/link/kinds/vrf.js';
import { buildVti6Data, buildVtiData } from '../src/rtnl/link/kinds/vti.js';
import { buildWireguardData } from '../src/rtnl/link/kinds/wireguard.js';
import { RTM_NEWLINK } from '../src/rtnl/link/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { ipJson, runIp, useTestNetns } from './helpers/netns.js';

interface IpLink {
  ifname: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

interface KernelCase {
  kind: string;
  name: string;
  /** IFLA_INFO_DATA, from the kind's build function. */
  data: Record<string, unknown> | undefined;
  /** The lower device (a veth made for the test). */
  lower?: boolean;
  /** Fields the kernel reports back as given (a kernel that has the kind fills in the rest). */
  reported?: Record<string, unknown>;
  /** Fields of `ip -j -d link show`'s info_data. */
  ip?: Record<string, unknown>;
}

const CASES: KernelCase[] = [
  { kind: 'dummy', name: 'dum0', data: buildDummyData() },
  { kind: 'nlmon', name: 'nlmon0', data: buildNlmonData() },
  { kind: 'team', name: 'team0', data: buildTeamData() },
  { kind: 'wireguard', name: 'wg0', data: buildWireguardData() },
  {
    kind: 'vlan',
    name: 'v10',
    lower: true,
    data: buildVlanData({ id: 10, protocol: '802.1ad', egressQos: [{ from: 1, to: 2 }] }),
    reported: { id: 10, protocol: 0x88a8 },
    ip: { id: 10, protocol: '802.1ad' },
  },
  {
    kind: 'vrf',
    name: 'vrf-blue',
    data: buildVrfData({ table: 10 }),
    reported: { table: 10 },
    ip: { table: 10 },
  },
  {
    kind: 'gre',
    name: 'gre1',
    data: buildGreData({ local: '10.0.0.1', remote: '10.0.0.2', ttl: 64, key: 42 }),
    reported: { local: '10.0.0.1', remote: '10.0.0.2', ttl: 64, ikey: 42, okey: 42 },
    ip: { local: '10.0.0.1', remote: '10.0.0.2', ttl: 64 },
  },
  {
    kind: 'gretap',
    name: 'gt1',
    data: buildGreData({ local: '10.0.0.1', remote: '10.0.0.3', key: 7 }),
    reported: { local: '10.0.0.1', remote: '10.0.0.3', ikey: 7 },
  },
  {
    kind: 'erspan',
    name: 'ers1',
    data: buildGreData({
      local: '10.0.0.1',
      remote: '10.0.0.4',
      key: 100,
      seq: true,
      erspan: { version: 1, index: 123 },
    }),
    reported: { erspanVer: 1, erspanIndex: 123 },
  },
  {
    kind: 'ip6gre',
    name: 'g6',
    data: buildIp6greData({ local: '2001:db8::1', remote: '2001:db8::2', hopLimit: 32, key: 7 }),
    reported: { local: '2001:db8::1', remote: '2001:db8::2', ttl: 32 },
  },
  {
    kind: 'ip6gretap',
    name: 'g6t',
    data: buildIp6greData({ local: '2001:db8::1', remote: '2001:db8::3' }),
    reported: { local: '2001:db8::1', remote: '2001:db8::3' },
  },
  {
    kind: 'ip6erspan',
    name: 'e6',
    data: buildIp6greData({
      local: '2001:db8::1',
      remote: '2001:db8::4',
      key: 9,
      seq: true,
      erspan: { version: 2, dir: 'egress', hwid: 17 },
    }),
    reported: { erspanVer: 2, erspanDir: 1, erspanHwid: 17 },
  },
  {
    kind: 'ipip',
    name: 'tun1',
    data: buildIpipData({ local: '10.0.0.1', remote: '10.0.0.2', ttl: 32 }),
    reported: { local: '10.0.0.1', remote: '10.0.0.2', ttl: 32 },
    ip: { local: '10.0.0.1', remote: '10.0.0.2', ttl: 32 },
  },
  {
    kind: 'sit',
    name: 'sit1',
    data: buildSitData({ local: '10.0.0.1', remote: '10.0.0.5', mode: 'ip6ip' }),
    reported: { local: '10.0.0.1', remote: '10.0.0.5', proto: 41 },
  },
  {
    kind: 'ip6tnl',
    name: 't6',
    data: buildIp6tnlData({ local: '2001:db8::1', remote: '2001:db8::2', mode: 'ipip6', encapLimit: 'none' }),
    reported: { local: '2001:db8::1', remote: '2001:db8::2', proto: 4 },
  },
  {
    kind: 'vti',
    name: 'vti1',
    data: buildVtiData({ local: '10.0.0.1', remote: '10.0.0.2', ikey: 10, okey: 20 }),
    reported: { local: '10.0.0.1', remote: '10.0.0.2', ikey: 10, okey: 20 },
  },
  {
    kind: 'vti6',
    name: 'vti6a',
    data: buildVti6Data({ local: '2001:db8::1', remote: '2001:db8::2', key: 30 }),
    reported: { local: '2001:db8::1', remote: '2001:db8::2', ikey: 30 },
  },
  {
    kind: 'geneve',
    name: 'gnv0',
    data: buildGeneveData({ id: 5, remote: '10.0.0.2', port: 6081, ttl: 20 }),
    reported: { id: 5, remote: '10.0.0.2', port: 6081, ttl: 20 },
    ip: { id: 5, remote: '10.0.0.2', port: 6081, ttl: 20 },
  },
  {
    kind: 'bond',
    name: 'bond0',
    data: buildBondData({
      mode: '802.3ad',
      miimon: 100,
      lacpRate: 'fast',
      xmitHashPolicy: 'layer3+4',
      minLinks: 2,
    }),
    reported: { mode: 4, miimon: 100, adLacpRate: 1, xmitHashPolicy: 1, minLinks: 2 },
    ip: { mode: '802.3ad', miimon: 100, ad_lacp_rate: 'fast', xmit_hash_policy: 'layer3+4', min_links: 2 },
  },
];

/** The kernel's own words when it has no driver for a kind (rtnl_newlink). */
const UNKNOWN_KIND = /Unknown device type/;

describe('kinds the kernel lacks: creating them in a namespace', () => {
  const ns = useTestNetns('kinds');

  for (const c of CASES) {
    it(`${c.kind}: dry run carries the data, then the kernel creates it or says it lacks it`, async (ctx) => {
      const conn = Connection.open(rtnetlink, { netns: ns.name });
      try {
        const links = new Links(conn);
        if (c.lower)
          await runIp(ns.name, ['link', 'add', 'lower0', 'type', 'veth', 'peer', 'name', 'lower1']);
        const opts = { name: c.name, kind: c.kind, data: c.data, ...(c.lower ? { link: 'lower0' } : {}) };

        // The request Links.create sends: IFLA_INFO_DATA decodes back to what the options built.
        const bytes = await links.create({ ...opts, dryRun: true });
        const [m] = splitMessages(bytes);
        const req = decodeBody(RTM_NEWLINK, bytes, 0, m.nl);
        expect(req.attrs.ifname).toBe(c.name);
        expect(req.attrs.linkinfo?.kind).toBe(c.kind);
        expect(req.attrs.linkinfo?.data).toStrictEqual(c.data);

        let err: unknown;
        const link = await links.create(opts).catch((e: unknown) => {
          err = e;
          return undefined;
        });
        if (
          err instanceof NetlinkError &&
          err.code === 'EOPNOTSUPP' &&
          UNKNOWN_KIND.test(err.extAckMessage ?? '')
        ) {
          ctx.skip(`kernel lacks ${c.kind}: ${err.code}: ${err.extAckMessage}`);
        }
        if (err !== undefined) throw err;

        // The kernel has the kind: read it back with nlwire and with ip.
        expect(link?.kind).toBe(c.kind);
        if (c.reported) expect(link?.data).toMatchObject(c.reported);
        const [ip] = await ipJson<IpLink[]>(ns.name, ['-d', 'link', 'show', c.name]);
        expect(ip.linkinfo?.info_kind).toBe(c.kind);
        if (c.ip) expect(ip.linkinfo?.info_data).toMatchObject(c.ip);
        await links.delete(c.name);
      } finally {
        await conn.close();
      }
    });
  }

  it('control: the same path creates and reads back a kind this kernel has (ifb)', async () => {
    const conn = Connection.open(rtnetlink, { netns: ns.name });
    try {
      const links = new Links(conn);
      const link = await links.create({ name: 'ifb9', kind: 'ifb' });
      expect(link.kind).toBe('ifb');
      const [ip] = await ipJson<IpLink[]>(ns.name, ['-d', 'link', 'show', 'ifb9']);
      expect(ip.linkinfo?.info_kind).toBe('ifb');
    } finally {
      await conn.close();
    }
  });
});
