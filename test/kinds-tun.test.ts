import { describe, expect, it } from 'vitest';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { TUN_TYPE } from '../src/rtnl/link/kinds/tun.js';
import { linkData } from '../src/rtnl/link/link.js';
import { kernelSkipReason, runIp, useTestNetns } from './helpers/netns.js';
import { ipLink, withLinks } from './link-helpers.js';

describe.skipIf(kernelSkipReason('ip'))('tun and tap', () => {
  const ns = useTestNetns('ktun');

  it('reads tap and tun devices made by ip tuntap add, as ip does', async () => {
    await runIp(ns.name, [
      'tuntap',
      'add',
      'mode',
      'tap',
      'tp0',
      'user',
      '54321',
      'group',
      '54322',
      'multi_queue',
      'vnet_hdr',
    ]);
    await runIp(ns.name, ['tuntap', 'add', 'mode', 'tun', 'tn0', 'pi']);
    await withLinks(ns.name, async (links) => {
      const tp = await links.get('tp0');
      expect(tp.kind).toBe('tun');
      expect(linkData(tp, 'tun')).toEqual({
        owner: 54321,
        group: 54322,
        type: TUN_TYPE.IFF_TAP,
        pi: 0,
        vnetHdr: 1,
        persist: 1,
        multiQueue: 1,
        numQueues: 0,
        numDisabledQueues: 0,
      });
      expect((await ipLink(ns.name, 'tp0')).linkinfo?.info_data).toEqual({
        type: 'tap',
        pi: false,
        vnet_hdr: true,
        multi_queue: true,
        numqueues: 0,
        numdisabled: 0,
        persist: true,
        user: 54321,
        group: 54322,
      });
      const tn = await links.get('tn0');
      // No owner or group set: the kernel leaves them out.
      expect(linkData(tn, 'tun')).toEqual({
        type: TUN_TYPE.IFF_TUN,
        pi: 1,
        vnetHdr: 0,
        persist: 1,
        multiQueue: 0,
      });
      expect((await ipLink(ns.name, 'tn0')).linkinfo?.info_data).toMatchObject({
        type: 'tun',
        pi: true,
        multi_queue: false,
      });
      expect((await links.list({ kind: 'tun' })).map((l) => l.name).sort()).toEqual(['tn0', 'tp0']);
      // tun devices are made with the TUNSETIFF ioctl, not by RTM_NEWLINK: the kernel refuses.
      const e = await links.create({ name: 'tn1', kind: 'tun' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(NetlinkError);
      expect((e as NetlinkError).code).toBe('EOPNOTSUPP');
      expect((e as NetlinkError).message).toMatch(/^link add tn1: RTM_NEWLINK: EOPNOTSUPP/);
    });
  });
});
