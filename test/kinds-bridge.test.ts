import { describe, expect, it } from 'vitest';
import { RTM } from '../src/constants/rtnetlink.js';
import type { BridgeData } from '../src/rtnl/link/kinds/bridge.js';
import { linkData, linkSlaveData } from '../src/rtnl/link/link.js';
import { kernelSkipReason, runIp, toolMissing, useTestNetns } from './helpers/netns.js';
import { decodeRequest, ipLink, ipRequests, withLinks } from './link-helpers.js';

/** ip's form of an ifla_bridge_id: 4 hex digits of priority, a dot, the MAC's bytes in unpadded hex. */
const bridgeId = (id: { priority?: number; address?: Uint8Array } | undefined): string =>
  `${(id?.priority ?? 0).toString(16).padStart(4, '0')}.${[...(id?.address ?? [])].map((b) => b.toString(16)).join(':')}`;

/** Non-default bridge settings (even times in hundredths of a second survive the jiffies round trip). */
const SETTINGS: BridgeData = {
  forwardDelay: 500,
  helloTime: 300,
  maxAge: 2500,
  ageingTime: 12346,
  stpState: 1,
  priority: 4096,
  groupFwdMask: 8,
  groupAddr: '01:80:c2:00:00:0e',
  mcastSnooping: 0,
  mcastQuerier: 1,
  mcastHashMax: 1024,
  mcastLastMemberCnt: 3,
  mcastStartupQueryCnt: 4,
  mcastLastMemberIntvl: 200n,
  mcastMembershipIntvl: 30000n,
  mcastQuerierIntvl: 26000n,
  mcastQueryIntvl: 15000n,
  mcastQueryResponseIntvl: 900n,
  mcastStartupQueryIntvl: 3000n,
  mcastStatsEnabled: 1,
  mcastIgmpVersion: 3,
  mcastMldVersion: 2,
  multiBoolopt: { optval: 1, optmask: 1 },
  fdbMaxLearned: 100,
};

/** ip -d -j's info_data keys for each setting, and how ip prints the value. */
const IP_KEYS: Record<string, [string, (v: unknown) => unknown]> = {
  forwardDelay: ['forward_delay', Number],
  helloTime: ['hello_time', Number],
  maxAge: ['max_age', Number],
  ageingTime: ['ageing_time', Number],
  stpState: ['stp_state', Number],
  priority: ['priority', Number],
  groupFwdMask: ['group_fwd_mask', (v) => `0x${Number(v).toString(16)}`],
  groupAddr: ['group_addr', String],
  mcastSnooping: ['mcast_snooping', Number],
  mcastQuerier: ['mcast_querier', Number],
  mcastHashMax: ['mcast_hash_max', Number],
  mcastLastMemberCnt: ['mcast_last_member_cnt', Number],
  mcastStartupQueryCnt: ['mcast_startup_query_cnt', Number],
  mcastLastMemberIntvl: ['mcast_last_member_intvl', Number],
  mcastMembershipIntvl: ['mcast_membership_intvl', Number],
  mcastQuerierIntvl: ['mcast_querier_intvl', Number],
  mcastQueryIntvl: ['mcast_query_intvl', Number],
  mcastQueryResponseIntvl: ['mcast_query_response_intvl', Number],
  mcastStartupQueryIntvl: ['mcast_startup_query_intvl', Number],
  mcastStatsEnabled: ['mcast_stats_enabled', Number],
  mcastIgmpVersion: ['mcast_igmp_version', Number],
  mcastMldVersion: ['mcast_mld_version', Number],
};

describe.skipIf(kernelSkipReason('ip'))('bridge', () => {
  const ns = useTestNetns('kbridge');

  it('creates a bridge with non-default settings; nlwire and ip read them back', async () => {
    await withLinks(ns.name, async (links) => {
      await links.create({ name: 'br0', kind: 'bridge', bridge: SETTINGS });
      const br = await links.get('br0');
      const data = linkData(br, 'bridge') as BridgeData;
      // The kernel answers with every option it knows in optmask.
      const { multiBoolopt, ...rest } = SETTINGS;
      expect(data).toMatchObject(rest);
      expect((data.multiBoolopt?.optval ?? 0) & 1).toBe(multiBoolopt?.optval);
      const ip = await ipLink(ns.name, 'br0');
      expect(ip.linkinfo?.info_kind).toBe('bridge');
      const info = ip.linkinfo?.info_data as Record<string, unknown>;
      for (const [k, [ipKey, show]] of Object.entries(IP_KEYS)) {
        expect(info[ipKey], ipKey).toEqual(show((SETTINGS as Record<string, unknown>)[k]));
        expect(info[ipKey], ipKey).toEqual(show((data as Record<string, unknown>)[k]));
      }
      expect(info.no_linklocal_learn).toBe(1);
      expect(info.bridge_id).toBe(bridgeId(data.bridgeId));
      expect(info.root_id).toBe(bridgeId(data.rootId));
      expect(info.gc_timer).toBeCloseTo(Number(data.gcTimer) / 100, 0);
    });
  });

  it('reads a bridge made by ip link add type bridge', async () => {
    await runIp(ns.name, [
      'link',
      'add',
      'br1',
      'type',
      'bridge',
      'forward_delay',
      '700',
      'hello_time',
      '150',
      'max_age',
      '1000',
      'ageing_time',
      '600',
      'stp_state',
      '1',
      'priority',
      '8192',
      'mcast_snooping',
      '0',
      'mcast_igmp_version',
      '3',
      'group_fwd_mask',
      '16',
      'mcast_router',
      '2',
    ]);
    await withLinks(ns.name, async (links) => {
      const data = linkData(await links.get('br1'), 'bridge');
      expect(data).toMatchObject({
        forwardDelay: 700,
        helloTime: 150,
        maxAge: 1000,
        ageingTime: 600,
        stpState: 1,
        priority: 8192,
        mcastSnooping: 0,
        mcastIgmpVersion: 3,
        groupFwdMask: 16,
        mcastRouter: 2,
      });
      const ip = (await ipLink(ns.name, 'br1')).linkinfo?.info_data as Record<string, unknown>;
      expect(ip.bridge_id).toBe(bridgeId(data?.bridgeId));
      expect(Number(ip.hello_timer)).toBeCloseTo(Number(data?.helloTimer) / 100, 0);
    });
  });

  it('sets bridge port options through slave data; ip reads them back, and the reverse', async () => {
    await runIp(ns.name, ['link', 'add', 'br0', 'type', 'bridge']);
    await runIp(ns.name, ['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1']);
    await withLinks(ns.name, async (links) => {
      await links.change('p0', { master: 'br0' });
      await links.change('p0', {
        slaveData: {
          cost: 55,
          priority: 7,
          mode: 1,
          guard: 1,
          protect: 1,
          fastLeave: 1,
          learning: 0,
          unicastFlood: 0,
          mcastFlood: 0,
          bcastFlood: 0,
          proxyarp: 1,
          mcastToUcast: 1,
          neighSuppress: 1,
          isolated: 1,
          groupFwdMask: 8,
          locked: 1,
          mcastEhtHostsLimit: 100,
          mcastMaxGroups: 50,
          multicastRouter: 2,
        },
      });
      const p0 = await links.get('p0');
      expect(p0.slaveKind).toBe('bridge');
      expect(linkSlaveData(p0, 'bridge')).toMatchObject({
        cost: 55,
        priority: 7,
        locked: 1,
        mcastMaxGroups: 50,
      });
      const ip = (await ipLink(ns.name, 'p0')).linkinfo?.info_slave_data as Record<string, unknown>;
      expect(ip).toMatchObject({
        cost: 55,
        priority: 7,
        hairpin: true,
        guard: true,
        root_block: true,
        fastleave: true,
        learning: false,
        flood: false,
        mcast_flood: false,
        bcast_flood: false,
        proxy_arp: true,
        mcast_to_unicast: true,
        neigh_suppress: true,
        isolated: true,
        group_fwd_mask: '0x8',
        locked: true,
        multicast_router: 2,
        state: 'disabled',
      });
      const sd = linkSlaveData(p0, 'bridge');
      expect(ip.id).toBe(`0x${sd?.id?.toString(16)}`);
      expect(ip.bridge_id).toBe(bridgeId(sd?.bridgeId));

      await runIp(ns.name, [
        'link',
        'set',
        'p0',
        'type',
        'bridge_slave',
        'cost',
        '12',
        'priority',
        '3',
        'learning',
        'on',
        'mcast_flood',
        'on',
      ]);
      expect(linkSlaveData(await links.get('p0'), 'bridge')).toMatchObject({
        cost: 12,
        priority: 3,
        learning: 1,
        mcastFlood: 1,
      });

      // Ports of the bridge, filtered by the kernel.
      expect((await links.list({ master: 'br0' })).map((l) => l.name)).toEqual(['p0']);
      await links.change('p0', { master: null });
      expect(await links.list({ master: 'br0' })).toEqual([]);
      expect((await ipLink(ns.name, 'p0')).master).toBeUndefined();
    });
  });

  it.skipIf(toolMissing('strace'))('sends the same request as ip link add type bridge', async () => {
    const [ip] = await ipRequests(
      ns.name,
      [
        'link',
        'add',
        'br2',
        'type',
        'bridge',
        'stp_state',
        '1',
        'forward_delay',
        '400',
        'priority',
        '4096',
        'vlan_default_pvid',
        '0',
      ],
      RTM.RTM_NEWLINK,
    );
    const mine = await withLinks(ns.name, (links) =>
      links.create({
        name: 'br2',
        kind: 'bridge',
        bridge: { stpState: 1, forwardDelay: 400, priority: 4096, vlanDefaultPvid: 0 },
        dryRun: true,
      }),
    );
    expect(decodeRequest(mine).attrs).toEqual(ip.attrs);
  });
});
