import { describe, expect, it } from 'vitest';
import { RTEXT_FILTER, RTNLGRP } from '../src/constants/rtnetlink.js';
import { AF } from '../src/constants/socket.js';
import { Connection } from '../src/netlink/connection.js';
import { decodeBody, type Message, splitMessages } from '../src/netlink/message.js';
import { NetlinkSocket } from '../src/netlink/socket.js';
import { Links } from '../src/rtnl/link/api.js';
import type { LinkAttrs } from '../src/rtnl/link/attrs.js';
import { linkData } from '../src/rtnl/link/link.js';
import { RTM_DELLINK, RTM_GETLINK } from '../src/rtnl/link/messages.js';
import { linkKind } from '../src/rtnl/link/registry.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { kernelSkipReason, runIp, useTestNetns } from './helpers/netns.js';

/** Paths of every unknownAttrs list, at any depth. */
function unknownPaths(v: unknown, path = ''): string[] {
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return [];
  if (Array.isArray(v)) return v.flatMap((x, i) => unknownPaths(x, `${path}[${i}]`));
  const out: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    if (k === 'unknownAttrs')
      out.push(`${path}.unknownAttrs: types ${(x as { type: number }[]).map((u) => u.type)}`);
    else out.push(...unknownPaths(x, `${path}.${k}`));
  }
  return out;
}

const VF = RTEXT_FILTER.RTEXT_FILTER_VF;
const BR_ALL =
  RTEXT_FILTER.RTEXT_FILTER_BRVLAN |
  RTEXT_FILTER.RTEXT_FILTER_MRP |
  RTEXT_FILTER.RTEXT_FILTER_CFM_CONFIG |
  RTEXT_FILTER.RTEXT_FILTER_CFM_STATUS |
  RTEXT_FILTER.RTEXT_FILTER_MST;

describe.skipIf(kernelSkipReason('ip'))('link dumps of a namespace holding every available kind', () => {
  const ns = useTestNetns('ldump');

  it('decode with no attribute left unknown at any nesting level', async () => {
    const n = ns.name;
    const far = await ns.create('ldump-far');
    const ip = (...args: string[]) => runIp(n, args);
    await ip('link', 'add', 'br0', 'type', 'bridge', 'mcast_querier', '1', 'stp_state', '1');
    await ip('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    await ip('link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1', 'netns', far);
    await ip('link', 'set', 'v0', 'master', 'br0', 'alias', 'a port');
    await ip('link', 'property', 'add', 'dev', 'v0', 'altname', 'a-rather-long-alternative-name');
    await ip('addr', 'add', '10.9.0.1/24', 'dev', 'br0');
    for (const d of ['v0', 'v1', 'br0']) await ip('link', 'set', d, 'up');
    await ip(
      'link',
      'add',
      'vx4',
      'type',
      'vxlan',
      'id',
      '7',
      'remote',
      '10.0.0.2',
      'dstport',
      '4789',
      'ttl',
      'inherit',
    );
    await ip('link', 'set', 'vx4', 'protodown', 'on', 'protodown_reason', '3', 'on');
    await ip(
      'link',
      'add',
      'vx6',
      'type',
      'vxlan',
      'id',
      '8',
      'group',
      'ff05::100',
      'dev',
      'v1',
      'dstport',
      '4789',
      'gbp',
    );
    await ip('link', 'add', 'vxe', 'type', 'vxlan', 'external', 'dstport', '4790', 'gpe');
    await ip('link', 'add', 'mvs', 'link', 'v1', 'type', 'macvlan', 'mode', 'source');
    await ip('link', 'set', 'mvs', 'type', 'macvlan', 'macaddr', 'add', '02:00:00:00:00:01');
    await ip('link', 'add', 'mvb', 'link', 'v1', 'type', 'macvlan', 'mode', 'bridge');
    await ip('link', 'add', 'mvt', 'link', 'v1', 'type', 'macvtap', 'mode', 'private');
    await ip('link', 'add', 'ifb0', 'type', 'ifb');
    await ip('tuntap', 'add', 'mode', 'tap', 'tp0', 'user', '1000', 'group', '100');
    await ip('tuntap', 'add', 'mode', 'tun', 'tn0', 'multi_queue');
    // Let the querier run so IFLA_BR_MCAST_QUERIER_STATE is filled.
    await new Promise((r) => setTimeout(r, 300));

    const conn = Connection.open(rtnetlink, { netns: n });
    try {
      // IPv6's link dump takes no attributes (strict checking refuses IFLA_EXT_MASK there).
      const runs: [number, number | undefined][] = [
        [AF.AF_UNSPEC, VF],
        [AF.AF_UNSPEC, 0],
        [AF.AF_UNSPEC, RTEXT_FILTER.RTEXT_FILTER_SKIP_STATS],
        [AF.AF_BRIDGE, BR_ALL],
        [AF.AF_INET6, undefined],
      ];
      for (const [family, extMask] of runs) {
        const msgs = await conn.dump(RTM_GETLINK, { family }, extMask === undefined ? {} : { extMask });
        expect(msgs.length).toBeGreaterThan(0);
        for (const m of msgs) {
          const a = m.attrs as LinkAttrs;
          expect(unknownPaths(a), `${a.ifname} (family ${family}, mask ${extMask})`).toEqual([]);
          // A registered kind's data is decoded with its set, never left as bytes.
          const info = a.linkinfo;
          if (info?.kind && linkKind(info.kind)?.data && info.data !== undefined)
            expect(info.data, `${a.ifname} data`).not.toBeInstanceOf(Uint8Array);
          if (info?.slaveKind && info.slaveData !== undefined)
            expect(info.slaveData, `${a.ifname} slave data`).not.toBeInstanceOf(Uint8Array);
          if (family !== AF.AF_UNSPEC && a.protinfo !== undefined)
            expect(a.protinfo, `${a.ifname} protinfo`).not.toBeInstanceOf(Uint8Array);
        }
      }

      // The attributes the setup makes the kernel send are there, decoded.
      const links = new Map((await new Links(conn).list()).map((l) => [l.name, l]));
      const v0 = links.get('v0');
      expect(v0?.altnames).toEqual(['a-rather-long-alternative-name']);
      expect(v0?.alias).toBe('a port');
      expect(v0?.slaveKind).toBe('bridge');
      expect(links.get('p0')?.linkNetnsid).toBeGreaterThanOrEqual(0);
      expect(links.get('vx4')?.attrs.protoDownReason).toEqual({ value: 1 << 3 });
      expect(linkData(links.get('vx4') as never, 'vxlan')?.ttlInherit).toBe(true);
      expect(linkData(links.get('vx6') as never, 'vxlan')).toMatchObject({ group6: 'ff05::100', gbp: true });
      expect(linkData(links.get('vxe') as never, 'vxlan')).toMatchObject({ collectMetadata: 1, gpe: true });
      expect(linkData(links.get('mvs') as never, 'macvlan')?.macaddrData).toEqual({
        macaddr: ['02:00:00:00:00:01'],
      });
      expect(linkData(links.get('tp0') as never, 'tun')).toMatchObject({ owner: 1000, group: 100, type: 2 });
      expect(linkData(links.get('tn0') as never, 'tun')).toMatchObject({ type: 1, multiQueue: 1 });
      const br = linkData(links.get('br0') as never, 'bridge');
      expect(br?.mcastQuerierState).toBeDefined();
      expect(br?.stpState).toBe(1);
      const lo = links.get('lo');
      expect(lo?.attrs.afSpec).toMatchObject({
        inet: { conf: expect.any(Array) },
        inet6: { addrGenMode: 0 },
      });
      expect(typeof lo?.stats64?.rxPackets).toBe('bigint');
    } finally {
      await conn.close();
    }
  });

  it('decodes the RTM_DELLINK event of a link moved away: IFLA_NEW_NETNSID, IFLA_NEW_IFINDEX', async () => {
    const n = ns.name;
    const far = await ns.create('ldump-far');
    await runIp(n, ['link', 'add', 'mv0', 'type', 'veth', 'peer', 'name', 'mv1']);
    const sock = NetlinkSocket.open({ protocol: rtnetlink.number, groups: [RTNLGRP.RTNLGRP_LINK], netns: n });
    try {
      await runIp(n, ['link', 'set', 'mv0', 'netns', far]);
      let del: Message<unknown, LinkAttrs> | undefined;
      while (!del) {
        const d = await sock.recv();
        for (const s of splitMessages(d.data)) {
          if (s.nl.type !== RTM_DELLINK.type) continue;
          const m = decodeBody(RTM_DELLINK, d.data, s.offset, s.nl);
          expect(unknownPaths(m.attrs)).toEqual([]);
          if (m.attrs.ifname === 'mv0') del = m;
        }
      }
      expect(del.attrs.newNetnsid).toBeGreaterThanOrEqual(0);
      expect(del.attrs.newIfindex).toBeGreaterThan(0);
      const there = JSON.parse(await runIp(far, ['-j', 'link', 'show', 'mv0']))[0];
      expect(del.attrs.newIfindex).toBe(there.ifindex);
    } finally {
      await sock.close();
    }
  });
});
