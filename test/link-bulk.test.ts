import { describe, expect, it } from 'vitest';
import { NLM_F } from '../src/constants/netlink.js';
import type { Links } from '../src/rtnl/link/api.js';
import { RTM_NEWLINK } from '../src/rtnl/link/messages.js';
import { kernelSkipReason, useTestNetns } from './helpers/netns.js';
import { withLinks } from './link-helpers.js';

// 1,000 with NLWIRE_BENCH=1 (about 40 s: the kernel takes ~19 ms per single delete); 100 otherwise.
const N = process.env.NLWIRE_BENCH === '1' ? 1000 : 100;
const GROUP = 11;

/** Creates N veth pairs (b0..b999 in GROUP, peers c0..c999) with one pipelined batch. */
async function makeVeths(links: Links): Promise<void> {
  const results = await links.conn.batch(
    Array.from({ length: N }, (_, i) => ({
      spec: RTM_NEWLINK,
      flags: NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL,
      header: {},
      attrs: {
        ifname: `b${i}`,
        group: GROUP,
        linkinfo: { kind: 'veth', data: { peer: { header: {}, attrs: { ifname: `c${i}` } } } },
      },
    })),
  );
  expect(results.filter((r) => r !== undefined)).toEqual([]);
  expect((await links.list({ group: GROUP })).length).toBe(N);
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

describe.skipIf(kernelSkipReason())(`deleting ${N} veths`, () => {
  const ns = useTestNetns('lbulk');

  it('one RTM_DELLINK per link, pipelined, and one for the whole group', { timeout: 300_000 }, async () => {
    await withLinks(ns.name, async (links) => {
      await makeVeths(links);
      let t0 = process.hrtime.bigint();
      for (let i = 0; i < N; i++) await links.delete(`b${i}`);
      const oneByOne = ms(t0);
      expect((await links.list()).map((l) => l.name)).toEqual(['lo']);

      await makeVeths(links);
      t0 = process.hrtime.bigint();
      await Promise.all(Array.from({ length: N }, (_, i) => links.delete(`b${i}`)));
      const pipelined = ms(t0);
      expect((await links.list()).map((l) => l.name)).toEqual(['lo']);

      await makeVeths(links);
      t0 = process.hrtime.bigint();
      await links.deleteGroup(GROUP);
      const group = ms(t0);
      // The peers (group 0) went with their veths.
      expect((await links.list()).map((l) => l.name)).toEqual(['lo']);

      console.log(
        `deleting ${N} veth pairs: one by one ${oneByOne.toFixed(0)} ms, pipelined ${pipelined.toFixed(0)} ms, ` +
          `one group request ${group.toFixed(0)} ms`,
      );
    });
  });
});
