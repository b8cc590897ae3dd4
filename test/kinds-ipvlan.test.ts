import { describe, expect, it } from 'vitest';
import { IPVLAN_F, IPVLAN_MODE } from '../src/constants/if_link.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { ValidationError } from '../src/netlink/errors.js';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import type { IpvlanMode } from '../src/rtnl/link/create.js';
import { linkData } from '../src/rtnl/link/link.js';
import { kernelSkipReason, runIp, toolMissing, useTestNetns } from './helpers/netns.js';
import { decodeRequest, ipLink, ipRequests, withLinks } from './link-helpers.js';

const MODES: [IpvlanMode, number][] = [
  ['l2', IPVLAN_MODE.IPVLAN_MODE_L2],
  ['l3', IPVLAN_MODE.IPVLAN_MODE_L3],
  ['l3s', IPVLAN_MODE.IPVLAN_MODE_L3S],
];

describe.skipIf(kernelSkipReason('ip'))('ipvlan and ipvtap', () => {
  const ns = useTestNetns('kipvlan');

  // These run whether or not the kernel has ipvlan: ip sends its request before the kernel refuses it.
  it.skipIf(toolMissing('strace'))('sends the same requests as ip link add type ipvlan/ipvtap', async () => {
    await runIp(ns.name, ['link', 'add', 'u0', 'type', 'veth', 'peer', 'name', 'u1']);
    for (const kind of ['ipvlan', 'ipvtap'] as const)
      for (const [mode] of MODES)
        for (const flag of ['bridge', 'private', 'vepa'] as const) {
          const [ip] = await ipRequests(
            ns.name,
            ['link', 'add', 'iv', 'link', 'u0', 'type', kind, 'mode', mode, flag],
            RTM.RTM_NEWLINK,
          );
          expect(ip, `${kind} ${mode} ${flag}`).toBeDefined();
          const mine = await withLinks(ns.name, (links) =>
            links.create({
              name: 'iv',
              kind,
              link: 'u0',
              ipvlan: { mode, private: flag === 'private', vepa: flag === 'vepa' },
              dryRun: true,
            }),
          );
          expect(decodeRequest(mine).attrs, `${kind} ${mode} ${flag}`).toEqual(ip.attrs);
        }
  });

  it('creates an ipvlan in each mode and reads it back, when the kernel has ipvlan', async (ctx) => {
    await runIp(ns.name, ['link', 'add', 'u0', 'type', 'veth', 'peer', 'name', 'u1']);
    await withLinks(ns.name, async (links) => {
      for (const [mode, number] of MODES) {
        let iv: Awaited<ReturnType<typeof links.create>>;
        try {
          iv = await links.create({
            name: `iv-${mode}`,
            kind: 'ipvlan',
            link: 'u0',
            ipvlan: { mode, private: true },
          });
        } catch (e) {
          if (e instanceof NetlinkError && e.code === 'EOPNOTSUPP')
            ctx.skip(`no ipvlan in this kernel: ${e.message}`);
          throw e;
        }
        expect(linkData(iv, 'ipvlan')).toEqual({ mode: number, flags: IPVLAN_F.IPVLAN_F_PRIVATE });
        expect((await ipLink(ns.name, `iv-${mode}`)).linkinfo?.info_data).toMatchObject({
          mode,
          private: true,
        });
      }
    });
  });

  it('refuses bad ipvlan options before sending anything', async () => {
    await withLinks(ns.name, async (links) => {
      const cases: [unknown, string][] = [
        [{ name: 'iv', kind: 'ipvlan', link: 'u0', ipvlan: { mode: 'l4' } }, 'ipvlan.mode'],
        [{ name: 'iv', kind: 'ipvlan', link: 'u0', ipvlan: { private: true, vepa: true } }, 'ipvlan.vepa'],
        [{ name: 'iv', kind: 'ipvtap' }, 'link'],
      ];
      for (const [opts, field] of cases) {
        const e = await links.create(opts as never).catch((x: unknown) => x);
        expect(e, field).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).field).toBe(field);
      }
    });
  });
});
