import { describe, expect, it } from 'vitest';
import { MACVLAN_FLAG, MACVLAN_MODE } from '../src/constants/if_link.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { ValidationError } from '../src/netlink/errors.js';
import type { MacvlanMode } from '../src/rtnl/link/create.js';
import { linkData } from '../src/rtnl/link/link.js';
import { kernelSkipReason, runIp, toolMissing, useTestNetns } from './helpers/netns.js';
import { decodeRequest, ipLink, ipRequests, withLinks } from './link-helpers.js';

const MODES: [MacvlanMode, number][] = [
  ['private', MACVLAN_MODE.MACVLAN_MODE_PRIVATE],
  ['vepa', MACVLAN_MODE.MACVLAN_MODE_VEPA],
  ['bridge', MACVLAN_MODE.MACVLAN_MODE_BRIDGE],
  ['passthru', MACVLAN_MODE.MACVLAN_MODE_PASSTHRU],
  ['source', MACVLAN_MODE.MACVLAN_MODE_SOURCE],
];

describe.skipIf(kernelSkipReason('ip'))('macvlan and macvtap', () => {
  const ns = useTestNetns('kmacvlan');

  for (const kind of ['macvlan', 'macvtap'] as const) {
    it(`creates a ${kind} in each mode; nlwire and ip agree`, async () => {
      await withLinks(ns.name, async (links) => {
        for (const [mode, number] of MODES) {
          // passthru takes the lower device for itself: one lower device per mode.
          await links.create({ name: `low-${mode}`, kind: 'veth', peer: { name: `peer-${mode}` } });
          const m = await links.create({
            name: `m-${mode}`,
            kind,
            link: `low-${mode}`,
            macvlan: { mode, bcQueueLen: 123 },
          });
          const low = await links.get(`low-${mode}`);
          expect(m.link).toBe(low.index);
          expect(linkData(await links.get(m.index), kind)).toMatchObject({ mode: number, bcQueueLen: 123 });
          const ip = await ipLink(ns.name, `m-${mode}`);
          expect(ip.link).toBe(`low-${mode}`);
          expect(ip.linkinfo).toMatchObject({ info_kind: kind, info_data: { mode, bcqueuelen: 123 } });
        }
        expect((await links.list({ kind })).length).toBe(MODES.length);
      });
    });
  }

  it('sets passthru nopromisc, source nodst and the source MAC list', async () => {
    await runIp(ns.name, ['link', 'add', 'u0', 'type', 'veth', 'peer', 'name', 'u1']);
    await withLinks(ns.name, async (links) => {
      await links.create({
        name: 'mp',
        kind: 'macvlan',
        link: 'u0',
        macvlan: { mode: 'passthru', nopromisc: true },
      });
      await links.create({
        name: 'ms',
        kind: 'macvlan',
        link: 'u1',
        macvlan: { mode: 'source', nodst: true, macaddrs: ['02:00:00:00:00:01', '02:00:00:00:00:02'] },
      });
      expect(linkData(await links.get('mp'), 'macvlan')?.flags).toBe(MACVLAN_FLAG.MACVLAN_FLAG_NOPROMISC);
      const ms = linkData(await links.get('ms'), 'macvlan');
      expect(ms).toMatchObject({ flags: MACVLAN_FLAG.MACVLAN_FLAG_NODST, macaddrCount: 2 });
      expect(ms?.macaddrData?.macaddr?.sort()).toEqual(['02:00:00:00:00:01', '02:00:00:00:00:02']);
      expect((await ipLink(ns.name, 'mp')).linkinfo?.info_data).toMatchObject({
        mode: 'passthru',
        nopromisc: true,
      });
      const ip = (await ipLink(ns.name, 'ms')).linkinfo?.info_data as { macaddr_data: string[] };
      expect(ip).toMatchObject({ mode: 'source', macaddr_count: 2 });
      expect(ip.macaddr_data.sort()).toEqual(['02:00:00:00:00:01', '02:00:00:00:00:02']);
      // Changing the list: kind data through change().
      await links.change('ms', { data: { macaddrMode: 2 /* MACVLAN_MACADDR_FLUSH */ } });
      expect(linkData(await links.get('ms'), 'macvlan')?.macaddrCount).toBe(0);
    });
  });

  it('reads macvlan and macvtap made by ip link add', async () => {
    await runIp(ns.name, ['link', 'add', 'u0', 'type', 'veth', 'peer', 'name', 'u1']);
    await runIp(ns.name, [
      'link',
      'add',
      'mva',
      'link',
      'u0',
      'type',
      'macvlan',
      'mode',
      'private',
      'bcqueuelen',
      '55',
    ]);
    await runIp(ns.name, ['link', 'add', 'mvt', 'link', 'u0', 'type', 'macvtap', 'mode', 'bridge']);
    await withLinks(ns.name, async (links) => {
      const u0 = await links.get('u0');
      const ma = await links.get('mva');
      expect(ma).toMatchObject({ kind: 'macvlan', link: u0.index });
      expect(linkData(ma, 'macvlan')).toMatchObject({
        mode: MACVLAN_MODE.MACVLAN_MODE_PRIVATE,
        bcQueueLen: 55,
      });
      const mt = await links.get('mvt');
      expect(mt).toMatchObject({ kind: 'macvtap', link: u0.index });
      expect(linkData(mt, 'macvtap')).toMatchObject({ mode: MACVLAN_MODE.MACVLAN_MODE_BRIDGE });
    });
  });

  it.skipIf(toolMissing('strace'))('sends the same request as ip link add type macvlan', async () => {
    await runIp(ns.name, ['link', 'add', 'u0', 'type', 'veth', 'peer', 'name', 'u1']);
    const [ip] = await ipRequests(
      ns.name,
      ['link', 'add', 'mr', 'link', 'u0', 'type', 'macvlan', 'mode', 'passthru', 'nopromisc'],
      RTM.RTM_NEWLINK,
    );
    const mine = await withLinks(ns.name, (links) =>
      links.create({
        name: 'mr',
        kind: 'macvlan',
        link: 'u0',
        macvlan: { mode: 'passthru', nopromisc: true },
        dryRun: true,
      }),
    );
    expect(decodeRequest(mine).attrs).toEqual(ip.attrs);
  });

  it('refuses a macvlan without a lower device, a bad mode, a bad MAC', async () => {
    await withLinks(ns.name, async (links) => {
      const cases: [unknown, string][] = [
        [{ name: 'm', kind: 'macvlan' }, 'link'],
        [{ name: 'm', kind: 'macvlan', link: 'u0', macvlan: { mode: 'hairpin' } }, 'macvlan.mode'],
        [{ name: 'm', kind: 'macvlan', link: 'u0', macvlan: { macaddrs: ['nope'] } }, 'macvlan.macaddrs'],
        [{ name: 'm', kind: 'bridge', macvlan: { mode: 'vepa' } }, 'macvlan'],
      ];
      for (const [opts, field] of cases) {
        const e = await links.create(opts as never).catch((x: unknown) => x);
        expect(e, field).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).field).toBe(field);
      }
    });
  });
});
