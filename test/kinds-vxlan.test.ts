import { describe, expect, it } from 'vitest';
import { RTM } from '../src/constants/rtnetlink.js';
import { ValidationError } from '../src/netlink/errors.js';
import type { VxlanOptions } from '../src/rtnl/link/create.js';
import { linkData } from '../src/rtnl/link/link.js';
import { kernelSkipReason, runIp, toolMissing, useTestNetns } from './helpers/netns.js';
import { decodeRequest, ipLink, ipRequests, withLinks } from './link-helpers.js';

const V4: VxlanOptions = {
  id: 42,
  local: '10.1.1.2',
  remote: '10.1.1.1',
  dstport: 4789,
  srcPortRange: [1000, 2000],
  ttl: 5,
  tos: 3,
  learning: false,
  l2miss: true,
  l3miss: true,
  proxy: true,
  rsc: true,
  gbp: true,
  ageing: 100,
  maxAddresses: 50,
  udpCsum: false,
  df: 'set',
};
/** What `ip -j -d` shows for V4. */
const V4_IP = {
  id: 42,
  remote: '10.1.1.1',
  local: '10.1.1.2',
  port_range: { low: 1000, high: 2000 },
  port: 4789,
  learning: false,
  proxy: true,
  rsc: true,
  l2miss: true,
  l3miss: true,
  tos: '0x3',
  ttl: 5,
  df: 'set',
  ageing: 100,
  limit: 50,
  udp_csum: false,
  gbp: true,
};
/** The same settings as ip link add arguments. */
const V4_ARGS = [
  'id',
  '42',
  'local',
  '10.1.1.2',
  'remote',
  '10.1.1.1',
  'dstport',
  '4789',
  'srcport',
  '1000',
  '2000',
  'ttl',
  '5',
  'tos',
  '3',
  'nolearning',
  'l2miss',
  'l3miss',
  'proxy',
  'rsc',
  'gbp',
  'ageing',
  '100',
  'maxaddress',
  '50',
  'noudpcsum',
  'df',
  'set',
];
/** The same settings as IFLA_VXLAN_* (what nlwire decodes). */
const V4_DATA = {
  id: 42,
  group: '10.1.1.1',
  local: '10.1.1.2',
  port: 4789,
  portRange: { low: 1000, high: 2000 },
  ttl: 5,
  tos: 3,
  learning: 0,
  l2miss: 1,
  l3miss: 1,
  proxy: 1,
  rsc: 1,
  gbp: true,
  ageing: 100,
  limit: 50,
  udpCsum: 0,
  df: 1,
};

describe.skipIf(kernelSkipReason('ip'))('vxlan', () => {
  const ns = useTestNetns('kvxlan');

  it('creates IPv4 vxlan with non-default options; nlwire and ip read them back', async () => {
    await withLinks(ns.name, async (links) => {
      const vx = await links.create({ name: 'vx4', kind: 'vxlan', vxlan: V4 });
      expect(linkData(vx, 'vxlan')).toMatchObject(V4_DATA);
      expect(linkData(await links.get('vx4'), 'vxlan')).toMatchObject(V4_DATA);
      expect((await ipLink(ns.name, 'vx4')).linkinfo?.info_data).toMatchObject(V4_IP);
    });
  });

  it('creates IPv6 vxlan (local6/remote6, label, zero checksums, remcsum, ttl inherit)', async () => {
    await withLinks(ns.name, async (links) => {
      await links.create({
        name: 'vx6',
        kind: 'vxlan',
        vxlan: {
          id: 45,
          local: '2001:db8::2',
          remote: '2001:db8::1',
          dstport: 4789,
          label: 5,
          remcsumTx: true,
          remcsumRx: true,
          udp6ZeroCsumTx: true,
          udp6ZeroCsumRx: true,
          ttlInherit: true,
          tos: 1,
        },
      });
      const d = linkData(await links.get('vx6'), 'vxlan');
      expect(d).toMatchObject({
        id: 45,
        local6: '2001:db8::2',
        group6: '2001:db8::1',
        label: 5,
        remcsumTx: 1,
        remcsumRx: 1,
        udpZeroCsum6Tx: 1,
        udpZeroCsum6Rx: 1,
        ttlInherit: true,
        tos: 1,
      });
      expect((await ipLink(ns.name, 'vx6')).linkinfo?.info_data).toMatchObject({
        id: 45,
        remote6: '2001:db8::1',
        local6: '2001:db8::2',
        label: '0x5',
        remcsum_tx: true,
        remcsum_rx: true,
        udp_zero_csum6_tx: true,
        udp_zero_csum6_rx: true,
        tos: '0x1',
      });
    });
  });

  it('creates multicast vxlan on a device (IPv4 and IPv6 groups), and an external one with vnifilter', async () => {
    await runIp(ns.name, ['link', 'add', 'u0', 'type', 'veth', 'peer', 'name', 'u1']);
    await withLinks(ns.name, async (links) => {
      await links.create({
        name: 'vxm',
        kind: 'vxlan',
        vxlan: { id: 44, group: '239.1.1.1', dev: 'u0', dstport: 4789 },
      });
      await links.create({
        name: 'vxm6',
        kind: 'vxlan',
        vxlan: { id: 46, group: 'ff05::100', dev: 'u0', dstport: 4789 },
      });
      await links.create({
        name: 'vxe',
        kind: 'vxlan',
        vxlan: { id: 0, external: true, vnifilter: true, dstport: 4790 },
      });
      const u0 = await links.get('u0');
      expect(linkData(await links.get('vxm'), 'vxlan')).toMatchObject({ group: '239.1.1.1', link: u0.index });
      expect(linkData(await links.get('vxm6'), 'vxlan')).toMatchObject({
        group6: 'ff05::100',
        link: u0.index,
      });
      expect(linkData(await links.get('vxe'), 'vxlan')).toMatchObject({
        collectMetadata: 1,
        vnifilter: 1,
        port: 4790,
      });
      expect((await ipLink(ns.name, 'vxm')).linkinfo?.info_data).toMatchObject({
        id: 44,
        group: '239.1.1.1',
        link: 'u0',
      });
      expect((await ipLink(ns.name, 'vxm6')).linkinfo?.info_data).toMatchObject({
        id: 46,
        group6: 'ff05::100',
        link: 'u0',
      });
      expect((await ipLink(ns.name, 'vxe')).linkinfo?.info_data).toMatchObject({
        external: true,
        vnifilter: true,
        port: 4790,
      });
      expect((await links.list({ kind: 'vxlan' })).map((l) => l.name).sort()).toEqual(['vxe', 'vxm', 'vxm6']);
    });
  });

  it('reads vxlan made by ip link add', async () => {
    await runIp(ns.name, ['link', 'add', 'vxi', 'type', 'vxlan', ...V4_ARGS]);
    await runIp(ns.name, ['link', 'add', 'vxt', 'type', 'vxlan', 'dstport', '4790', 'gpe', 'external']);
    await runIp(ns.name, [
      'link',
      'add',
      'vxu',
      'type',
      'vxlan',
      'id',
      '10',
      'dstport',
      '4789',
      'ttl',
      'inherit',
    ]);
    await withLinks(ns.name, async (links) => {
      expect(linkData(await links.get('vxi'), 'vxlan')).toMatchObject({ ...V4_DATA, ttlInherit: false });
      expect(linkData(await links.get('vxt'), 'vxlan')).toMatchObject({
        gpe: true,
        collectMetadata: 1,
        port: 4790,
      });
      expect(linkData(await links.get('vxu'), 'vxlan')).toMatchObject({ id: 10, ttlInherit: true });
    });
  });

  it.skipIf(toolMissing('strace'))('sends the same request as ip link add type vxlan', async () => {
    const [ip] = await ipRequests(
      ns.name,
      ['link', 'add', 'vxr', 'type', 'vxlan', ...V4_ARGS],
      RTM.RTM_NEWLINK,
    );
    const mine = await withLinks(ns.name, (links) =>
      links.create({ name: 'vxr', kind: 'vxlan', vxlan: V4, dryRun: true }),
    );
    expect(decodeRequest(mine).attrs).toEqual(ip.attrs);
    await runIp(ns.name, ['link', 'add', 'u0', 'type', 'veth', 'peer', 'name', 'u1']);
    const [ip6] = await ipRequests(
      ns.name,
      [
        'link',
        'add',
        'vxs',
        'type',
        'vxlan',
        'id',
        '7',
        'local',
        '2001:db8::1',
        'group',
        'ff05::1',
        'dev',
        'u0',
        'dstport',
        '4789',
        'ttl',
        'inherit',
      ],
      RTM.RTM_NEWLINK,
    );
    const mine6 = await withLinks(ns.name, (links) =>
      links.create({
        name: 'vxs',
        kind: 'vxlan',
        // ip sends learning on unless told otherwise (the kernel's default too).
        vxlan: {
          id: 7,
          local: '2001:db8::1',
          group: 'ff05::1',
          dev: 'u0',
          dstport: 4789,
          ttlInherit: true,
          learning: true,
        },
        dryRun: true,
      }),
    );
    expect(decodeRequest(mine6).attrs).toEqual(ip6.attrs);
  });

  it('refuses bad options before sending anything', async () => {
    await withLinks(ns.name, async (links) => {
      const bad: [VxlanOptions, string][] = [
        [{ id: 1 << 24 }, 'vxlan.id'],
        [{ id: 1, remote: '239.1.1.1' }, 'vxlan.remote'],
        [{ id: 1, group: '10.0.0.1' }, 'vxlan.group'],
        [{ id: 1, remote: '10.0.0.1', group: '239.0.0.1' }, 'vxlan.group'],
        [{ id: 1, remote: '10.0.0.1', local: '2001:db8::1' }, 'vxlan.local'],
        [{ id: 1, srcPortRange: [2000, 1000] }, 'vxlan.srcPortRange'],
        [{ id: 1, label: 5, remote: '10.0.0.1' }, 'vxlan.label'],
        [{ id: 1, df: 'maybe' as 'set' }, 'vxlan.df'],
        [{ id: 1, learning: 1 as unknown as boolean }, 'vxlan.learning'],
        [{ id: 1, colour: 'blue' } as unknown as VxlanOptions, 'vxlan.colour'],
      ];
      for (const [vxlan, field] of bad) {
        const e = await links.create({ name: 'vxbad', kind: 'vxlan', vxlan }).catch((x: unknown) => x);
        expect(e, field).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).field).toBe(field);
      }
      expect(await links.list({ kind: 'vxlan' })).toEqual([]);
    });
  });
});
