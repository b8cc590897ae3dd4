import { describe, expect, it } from 'vitest';
import { RTM } from '../src/constants/rtnetlink.js';
import { kernelSkipReason, runIp, toolMissing, useTestNetns } from './helpers/netns.js';
import { decodeRequest, ipLink, ipRequests, withLinks } from './link-helpers.js';

describe.skipIf(kernelSkipReason('ip'))('ifb', () => {
  const ns = useTestNetns('kifb');

  it('creates an ifb; ip reads it; reads one made by ip', async () => {
    await withLinks(ns.name, async (links) => {
      const i = await links.create({ name: 'ifb0', kind: 'ifb', txqlen: 64, up: true });
      expect(i).toMatchObject({ kind: 'ifb', txqlen: 64, up: true });
      expect(i.data).toBeUndefined();
      const ip = await ipLink(ns.name, 'ifb0');
      expect(ip).toMatchObject({ ifindex: i.index, txqlen: 64, linkinfo: { info_kind: 'ifb' } });
      expect(ip.flags).toContain('UP');
      await runIp(ns.name, ['link', 'add', 'ifb1', 'type', 'ifb']);
      const j = await links.get('ifb1');
      expect(j).toMatchObject({ kind: 'ifb', index: (await ipLink(ns.name, 'ifb1')).ifindex, up: false });
      expect((await links.list({ kind: 'ifb' })).map((l) => l.name)).toEqual(['ifb0', 'ifb1']);
    });
  });

  it.skipIf(toolMissing('strace'))('sends the same request as ip link add type ifb', async () => {
    const [ip] = await ipRequests(
      ns.name,
      ['link', 'add', 'ifb2', 'txqueuelen', '64', 'type', 'ifb'],
      RTM.RTM_NEWLINK,
    );
    const mine = await withLinks(ns.name, (links) =>
      links.create({ name: 'ifb2', kind: 'ifb', txqlen: 64, dryRun: true }),
    );
    expect(decodeRequest(mine)).toMatchObject({ header: ip.header, attrs: ip.attrs });
  });
});
