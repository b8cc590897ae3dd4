import { describe, expect, it } from 'vitest';
import { RTM } from '../src/constants/rtnetlink.js';
import { linkData } from '../src/rtnl/link/link.js';
import { ipJson, kernelSkipReason, runIp, toolMissing, useTestNetns } from './helpers/netns.js';
import { decodeRequest, type IpLink, ipLink, ipRequests, withLinks } from './link-helpers.js';

describe.skipIf(kernelSkipReason('ip'))('veth', () => {
  const ns = useTestNetns('kveth');

  it('creates a pair with the peer in another namespace; nlwire and ip agree on both ends', async () => {
    const far = await ns.create('kveth-far');
    await withLinks(ns.name, async (links) => {
      const v0 = await links.create({
        name: 'v0',
        kind: 'veth',
        mtu: 1400,
        address: '02:00:00:00:aa:01',
        up: true,
        peer: { name: 'v1', netns: far, mtu: 1300, address: '02:00:00:00:aa:02', txqlen: 77 },
      });
      expect(v0).toMatchObject({
        name: 'v0',
        kind: 'veth',
        mtu: 1400,
        address: '02:00:00:00:aa:01',
        up: true,
      });
      expect(v0.linkNetnsid).toBeGreaterThanOrEqual(0);

      const got = await links.get('v0');
      const ip0 = await ipLink(ns.name, 'v0');
      expect(got.index).toBe(ip0.ifindex);
      expect(got.mtu).toBe(ip0.mtu);
      expect(got.address).toBe(ip0.address);
      expect(got.broadcast).toBe(ip0.broadcast);
      expect(got.operstate).toBe(ip0.operstate);
      expect(got.txqlen).toBe(ip0.txqlen);
      expect(got.linkNetnsid).toBe(ip0.link_netnsid);
      expect(ip0.flags).toContain('UP');
      expect(got.up).toBe(true);
      expect(ip0.linkinfo?.info_kind).toBe('veth');

      // The far end, seen from its own namespace.
      const ip1 = await ipLink(far, 'v1');
      expect(ip1).toMatchObject({ mtu: 1300, address: '02:00:00:00:aa:02', txqlen: 77 });
      expect(got.link).toBe(ip1.ifindex);
      await withLinks(far, async (farLinks) => {
        const v1 = await farLinks.get('v1');
        expect(v1).toMatchObject({ kind: 'veth', mtu: 1300, address: '02:00:00:00:aa:02', link: got.index });
      });
      // Nothing named v1 here.
      expect(await runIp(ns.name, ['-o', 'link'])).not.toMatch(/\bv1[@:]/);
    });
  });

  it('reads a pair made by ip link add', async () => {
    await runIp(ns.name, [
      'link',
      'add',
      'a0',
      'mtu',
      '1280',
      'type',
      'veth',
      'peer',
      'name',
      'a1',
      'mtu',
      '1290',
    ]);
    await withLinks(ns.name, async (links) => {
      const [a0, a1] = [await links.get('a0'), await links.get('a1')];
      const ips = await ipJson<IpLink[]>(ns.name, ['-d', 'link', 'show', 'type', 'veth']);
      const byName = new Map(ips.map((l) => [l.ifname, l]));
      for (const l of [a0, a1]) {
        const ip = byName.get(l.name) as IpLink;
        expect(l).toMatchObject({ index: ip.ifindex, mtu: ip.mtu, address: ip.address, kind: 'veth' });
        expect(ip.link).toBe(l.name === 'a0' ? 'a1' : 'a0');
      }
      expect(a0.link).toBe(a1.index);
      expect(a1.link).toBe(a0.index);
      // The kernel does not dump VETH_INFO_PEER.
      expect(linkData(a0, 'veth')).toBeUndefined();
    });
  });

  it.skipIf(toolMissing('strace'))('sends the same request as ip link add type veth peer', async () => {
    const args = [
      'link',
      'add',
      'c0',
      'mtu',
      '1400',
      'type',
      'veth',
      'peer',
      'name',
      'c1',
      'mtu',
      '1300',
      'address',
      '02:00:00:00:00:09',
    ];
    const [ip] = await ipRequests(ns.name, args, RTM.RTM_NEWLINK);
    const mine = await withLinks(ns.name, (links) =>
      links.create({
        name: 'c0',
        kind: 'veth',
        mtu: 1400,
        peer: { name: 'c1', mtu: 1300, address: '02:00:00:00:00:09' },
        dryRun: true,
      }),
    );
    const req = decodeRequest(mine);
    expect(req.type).toBe(RTM.RTM_NEWLINK);
    expect(req.header).toEqual(ip.header);
    expect(req.attrs).toEqual(ip.attrs);
  });
});
