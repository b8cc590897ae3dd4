import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IFLA, IFLA_INFO, IFLA_VXLAN } from '../src/constants/if_link.js';
import { NLM_F } from '../src/constants/netlink.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { binary, string, u32 } from '../src/netlink/codec.js';
import { Connection } from '../src/netlink/connection.js';
import { ClosedError, ValidationError } from '../src/netlink/errors.js';
import { Protocol } from '../src/netlink/message.js';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { attrSet, selector } from '../src/netlink/schema.js';
import { struct } from '../src/netlink/struct.js';
import { currentNetnsInode } from '../src/netns/enter.js';
import { ipJson, runIp, useTestNetns } from './helpers/netns.js';

// A deliberately tiny rtnetlink subset: this file tests the connection, not the rtnl schemas.
const ifi = struct('ifinfomsg', [
  ['ifi_family', 'family', 'u8'],
  ['__ifi_pad', null, 'u8'],
  ['ifi_type', 'type', 'u16'],
  ['ifi_index', 'index', 's32'],
  ['ifi_flags', 'flags', 'u32'],
  ['ifi_change', 'change', 'u32'],
]);
const vxlan = attrSet('IFLA_VXLAN', IFLA_VXLAN, { id: ['IFLA_VXLAN_ID', u32] });
const info = attrSet('IFLA_INFO', IFLA_INFO, {
  kind: ['IFLA_INFO_KIND', string],
  data: [
    'IFLA_INFO_DATA',
    selector('IFLA_INFO_DATA', (s) => (s.kind === 'vxlan' ? vxlan : undefined), binary),
  ],
});
const ifla = attrSet('IFLA', IFLA, {
  ifname: ['IFLA_IFNAME', string],
  mtu: ['IFLA_MTU', u32],
  group: ['IFLA_GROUP', u32],
  linkinfo: ['IFLA_LINKINFO', info],
});
const proto = new Protocol('NETLINK_ROUTE', 0);
const spec = (name: string, type: number, kind: 'new' | 'get' | 'del') =>
  ({ name, type, kind, header: ifi, attrs: ifla, familyKey: 'family' }) as const;
const NEW = spec('RTM_NEWLINK', RTM.RTM_NEWLINK, 'new');
const GET = spec('RTM_GETLINK', RTM.RTM_GETLINK, 'get');
const DEL = spec('RTM_DELLINK', RTM.RTM_DELLINK, 'del');
proto.register(NEW, GET, DEL);

const openFds = () => fs.readdirSync('/proc/self/fd').length;

describe('Connection against the kernel', () => {
  const ns = useTestNetns('conn');

  it('dumps links, gets one, creates and deletes with acks', async () => {
    const before = currentNetnsInode();
    const c = Connection.open(proto, { netns: ns.name });
    expect(currentNetnsInode()).toBe(before);
    try {
      const links = await c.dump(GET, {}, {});
      expect(links.map((m) => (m.attrs as { ifname?: string }).ifname)).toEqual(['lo']);
      await c.request(
        NEW,
        {},
        { ifname: 'nlw0', linkinfo: { kind: 'bridge' }, mtu: 1400 },
        { flags: NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL },
      );
      const [got] = await c.request(GET, {}, { ifname: 'nlw0' });
      expect((got.attrs as { mtu?: number }).mtu).toBe(1400);
      const ip = await ipJson<{ ifname: string; mtu: number }[]>(ns.name, ['link', 'show', 'nlw0']);
      expect(ip[0].mtu).toBe(1400);
      await c.request(DEL, {}, { ifname: 'nlw0' });
      expect(await runIp(ns.name, ['-o', 'link'])).not.toContain('nlw0');
    } finally {
      await c.close();
    }
  });

  it('reports the kernel error with errno name, ext-ack text and the attribute path', async () => {
    const c = Connection.open(proto, { netns: ns.name });
    try {
      const err = await c
        .request(
          NEW,
          {},
          { ifname: 'nlw1', linkinfo: { kind: 'no-such-kind' } },
          { flags: NLM_F.NLM_F_CREATE, context: 'link add nlw1' },
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetlinkError);
      const e = err as NetlinkError;
      expect(e.code).toBe('EOPNOTSUPP');
      expect(e.message).toMatch(/^link add nlw1: RTM_NEWLINK: EOPNOTSUPP/);
      // The kernel's own words for an unknown kind.
      expect(e.extAckMessage).toMatch(/Unknown device type/);

      // A nested culprit: the kernel points at IFLA_VXLAN_ID inside IFLA_LINKINFO/IFLA_INFO_DATA.
      const vx = (await c
        .request(
          NEW,
          {},
          { ifname: 'nlwvx', linkinfo: { kind: 'vxlan', data: { id: 1 << 24 } } },
          { flags: NLM_F.NLM_F_CREATE },
        )
        .catch((x: unknown) => x)) as NetlinkError;
      expect(vx).toBeInstanceOf(NetlinkError);
      expect(vx.code).toBe('ERANGE');
      expect(vx.extAckMessage).toMatch(/VXLAN ID must be lower than 16777216/);
      expect(vx.attrPath).toEqual(['IFLA_LINKINFO', 'IFLA_INFO_DATA', 'IFLA_VXLAN_ID']);

      // A policy violation: a 16-byte name.
      const bad = (await c
        .request(NEW, {}, { ifname: 'x'.repeat(16) }, {})
        .catch((x: unknown) => x)) as NetlinkError;
      expect(bad).toBeInstanceOf(NetlinkError);
      expect(bad.code).toBe('ERANGE');
      expect(bad.attrPath).toEqual(['IFLA_IFNAME']);
    } finally {
      await c.close();
    }
  });

  it('keeps many requests in flight on one socket and routes replies by sequence number', async () => {
    const c = Connection.open(proto, { netns: ns.name });
    try {
      const names = Array.from({ length: 40 }, (_, i) => `nlwb${i}`);
      await Promise.all(
        names.map((n, i) =>
          c.request(
            NEW,
            {},
            { ifname: n, mtu: 1000 + i, linkinfo: { kind: 'bridge' } },
            { flags: NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL },
          ),
        ),
      );
      const got = await Promise.all(names.map((n) => c.request(GET, {}, { ifname: n })));
      for (const [i, [m]] of got.entries()) expect((m.attrs as { mtu?: number }).mtu).toBe(1000 + i);
      // A dump while other requests are in flight.
      const [all, again] = await Promise.all([c.dump(GET, {}, {}), c.dump(GET, {}, {})]);
      expect(all.length).toBe(41);
      expect(again.length).toBe(41);
      const res = await c.batch([
        ...names.map((n) => ({ spec: DEL, header: {}, attrs: { ifname: n } })),
        { spec: DEL, header: {}, attrs: { ifname: 'nlw-missing' } },
      ]);
      expect(res.slice(0, 40).every((r) => r === undefined)).toBe(true);
      expect(res[40]).toBeInstanceOf(NetlinkError);
      expect((res[40] as NetlinkError).code).toBe('ENODEV');
      expect((await c.dump(GET, {}, {})).length).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('batch encodes every item before it sends anything; batchOf makes items on demand and maps errors back', async () => {
    const c = Connection.open(proto, { netns: ns.name, maxDatagram: 8192 });
    try {
      const create = (n: string) => ({
        spec: NEW,
        header: {},
        attrs: { ifname: n, linkinfo: { kind: 'bridge' } },
        flags: NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL,
      });
      // Enough items for several datagrams, the last one unencodable (an MTU past u32).
      const items = [
        ...Array.from({ length: 300 }, (_, i) => create(`nlwb${i}`)),
        { spec: NEW, header: {}, attrs: { ifname: 'nlwbad', mtu: 2 ** 32 } },
      ];
      const sent = c.socket.stats.sent;
      await expect(c.batch(items)).rejects.toBeInstanceOf(ValidationError);
      // The failing item is named, by its index or by the caller's name for it.
      await expect(c.batch(items, { list: 'items' })).rejects.toMatchObject({ field: 'items[300].IFLA_MTU' });
      await expect(c.batch(items, { list: (k) => `links[${k + 7}]` })).rejects.toMatchObject({
        field: 'links[307].IFLA_MTU',
      });
      expect(c.socket.stats.sent).toBe(sent);
      expect((await c.dump(GET, {}, {})).length).toBe(1);

      // batchOf: 300 creates in small datagrams; two of them collide with an existing name.
      await c.request(
        NEW,
        {},
        { ifname: 'nlwb7', linkinfo: { kind: 'bridge' } },
        { flags: NLM_F.NLM_F_CREATE },
      );
      const made: number[] = [];
      const results = await c.batchOf(300, (i) => {
        made.push(i);
        return { ...create(i === 250 ? 'nlwb7' : `nlwb${i}`), context: `item ${i}` };
      });
      expect(c.socket.stats.sent - sent).toBeGreaterThan(3);
      const failed = results.flatMap((r, i) => (r ? [i] : []));
      expect(failed).toEqual([7, 250]);
      expect(results[250]?.code).toBe('EEXIST');
      expect(results[250]?.message).toMatch(/^item 250: RTM_NEWLINK: EEXIST/);
      // Each item made once to be sent, and again for its error.
      expect(made.length).toBe(302);
      expect((await c.dump(GET, {}, {})).length).toBe(300);
    } finally {
      await c.close();
    }
  });

  it('rejects requests in flight on close and leaks no file descriptor', async () => {
    const fds = openFds();
    for (let i = 0; i < 20; i++) {
      const c = Connection.open(proto, { netns: ns.name });
      const p = c.dump(GET, {}, {}).catch((e: unknown) => e);
      await c.close();
      expect(await p).toBeInstanceOf(ClosedError);
    }
    expect(openFds()).toBe(fds);
  });
});
