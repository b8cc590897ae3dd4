import { describe, expect, it } from 'vitest';
import { IFF } from '../src/constants/if.js';
import { NLM_F } from '../src/constants/netlink.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { Connection } from '../src/netlink/connection.js';
import { ValidationError } from '../src/netlink/errors.js';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { Links } from '../src/rtnl/link/api.js';
import { RTM_GETLINK } from '../src/rtnl/link/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { kernelSkipReason, runIp, toolMissing, useTestNetns } from './helpers/netns.js';
import { decodeRequest, ipLink, ipRequests, withLinks } from './link-helpers.js';

describe.skipIf(kernelSkipReason('ip'))('Links against the kernel and ip', () => {
  const ns = useTestNetns('lapi');

  it('lists every link as ip does', async () => {
    await runIp(ns.name, ['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
    await runIp(ns.name, ['link', 'set', 'lo', 'up']);
    await withLinks(ns.name, async (links) => {
      const mine = await links.list();
      const ip = JSON.parse(await runIp(ns.name, ['-j', '-d', 'link', 'show'])) as Record<string, unknown>[];
      expect(mine.map((l) => l.name)).toEqual(ip.map((l) => l.ifname));
      for (const [i, l] of mine.entries()) {
        const x = ip[i];
        expect(l.index).toBe(x.ifindex);
        expect(l.mtu).toBe(x.mtu);
        expect(l.address).toBe(x.address);
        expect(l.broadcast).toBe(x.broadcast);
        expect(l.operstate).toBe(x.operstate);
        expect(l.txqlen).toBe(x.txqlen);
        expect(l.up).toBe((x.flags as string[]).includes('UP'));
        expect(l.lowerUp).toBe((x.flags as string[]).includes('LOWER_UP'));
        expect(l.attrs.numTxQueues).toBe(x.num_tx_queues);
        expect(l.attrs.gsoMaxSize).toBe(x.gso_max_size);
        expect(l.attrs.minMtu).toBe(x.min_mtu);
        expect(l.attrs.maxMtu).toBe(x.max_mtu);
        expect(l.attrs.promiscuity).toBe(x.promiscuity);
      }
      const lo = mine.find((l) => l.name === 'lo');
      expect(lo?.running).toBe(true);
      expect((lo?.flags ?? 0) & IFF.IFF_LOOPBACK).toBe(IFF.IFF_LOOPBACK);
    });
  });

  it('changes mtu, name, address, up/down, alias, txqlen, group, flags; ip sees each change', async () => {
    await runIp(ns.name, ['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
    await withLinks(ns.name, async (links) => {
      await links.change('d0', {
        mtu: 1280,
        address: '02:00:00:00:11:22',
        txqlen: 99,
        group: 42,
        alias: 'uplink',
      });
      expect(await ipLink(ns.name, 'd0')).toMatchObject({
        mtu: 1280,
        address: '02:00:00:00:11:22',
        txqlen: 99,
        group: '42',
        ifalias: 'uplink',
      });
      const d0 = await links.get('d0');
      expect(d0).toMatchObject({
        mtu: 1280,
        address: '02:00:00:00:11:22',
        txqlen: 99,
        group: 42,
        alias: 'uplink',
      });

      await links.change('d0', { alias: '' });
      expect((await ipLink(ns.name, 'd0')).ifalias).toBeUndefined();
      expect((await links.get('d0')).alias).toBeUndefined();

      await links.change(d0, { name: 'e0' });
      expect((await ipLink(ns.name, 'e0')).ifindex).toBe(d0.index);
      expect((await links.get(d0.index)).name).toBe('e0');

      await links.setUp('e0');
      expect((await ipLink(ns.name, 'e0')).flags).toContain('UP');
      expect((await links.get('e0')).up).toBe(true);
      await links.setDown('e0');
      expect((await ipLink(ns.name, 'e0')).flags).not.toContain('UP');
      expect((await links.get('e0')).up).toBe(false);

      await links.change('e0', { promisc: true, arp: false, allmulti: true });
      expect((await ipLink(ns.name, 'e0')).flags).toEqual(
        expect.arrayContaining(['PROMISC', 'NOARP', 'ALLMULTI']),
      );
      await links.change('e0', { promisc: false, arp: true, allmulti: false });
      const flags = (await ipLink(ns.name, 'e0')).flags;
      for (const f of ['PROMISC', 'NOARP', 'ALLMULTI']) expect(flags).not.toContain(f);
    });
  });

  it('passes other attributes through: IPv6 address generation mode in IFLA_AF_SPEC', async () => {
    await runIp(ns.name, ['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
    await withLinks(ns.name, async (links) => {
      await links.change('d0', { attrs: { afSpec: { inet6: { addrGenMode: 1 } } } });
      expect((await ipLink(ns.name, 'd0')).inet6_addr_gen_mode).toBe('none');
      expect((await links.get('d0')).attrs.afSpec).toMatchObject({ inet6: { addrGenMode: 1 } });
    });
  });

  it('sets and removes a master', async () => {
    await runIp(ns.name, ['link', 'add', 'br0', 'type', 'bridge']);
    await runIp(ns.name, ['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
    await withLinks(ns.name, async (links) => {
      await links.change('d0', { master: 'br0' });
      const br = await links.get('br0');
      expect((await ipLink(ns.name, 'd0')).master).toBe('br0');
      expect((await links.get('d0')).master).toBe(br.index);
      await links.change('d0', { master: null });
      expect((await ipLink(ns.name, 'd0')).master).toBeUndefined();
      expect((await links.get('d0')).master).toBeUndefined();
      // A port at creation.
      const p = await links.create({ name: 'p0', kind: 'veth', master: br, peer: { name: 'p1' } });
      expect(p.master).toBe(br.index);
      expect((await ipLink(ns.name, 'p0')).master).toBe('br0');
    });
  });

  it('moves links to another namespace, by reference and by nsid; creates one there directly', async () => {
    const far = await ns.create('lapi-far');
    await runIp(ns.name, ['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
    await runIp(ns.name, ['link', 'add', 'd2', 'type', 'veth', 'peer', 'name', 'd3']);
    await runIp(ns.name, ['netns', 'set', far, '7']);
    await withLinks(ns.name, async (links) => {
      await links.change('d0', { netns: far });
      await links.change('d2', { netns: { nsid: 7 } });
      const here = (await links.list()).map((l) => l.name);
      expect(here).not.toContain('d0');
      expect(here).not.toContain('d2');
      expect((await links.get('d1')).linkNetnsid).toBe(7);
      const made = await links.create({
        name: 'x0',
        kind: 'veth',
        netns: far,
        mtu: 1300,
        peer: { name: 'x1' },
      });
      expect(made).toMatchObject({ name: 'x0', mtu: 1300 });
      expect((await links.list()).map((l) => l.name)).not.toContain('x0');
      expect(made.index).toBe((await ipLink(far, 'x0')).ifindex);
    });
    for (const n of ['d0', 'd2', 'x0']) expect((await ipLink(far, n)).ifname).toBe(n);
    // A veth peer stays in the caller's namespace unless told otherwise.
    expect((await ipLink(ns.name, 'x1')).link_netnsid).toBe(7);
  });

  it('adds and removes alternative names, and finds links by them', async () => {
    await runIp(ns.name, ['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
    const long = 'an-alternative-name-longer-than-fifteen-bytes';
    await withLinks(ns.name, async (links) => {
      await links.addAltname('d0', long);
      await links.addAltname('d0', 'short');
      expect((await ipLink(ns.name, 'd0')).altnames).toEqual([long, 'short']);
      const byAlt = await links.get(long);
      expect(byAlt.name).toBe('d0');
      expect(byAlt.altnames).toEqual([long, 'short']);
      expect((await links.get('short')).name).toBe('d0');
      await links.change(long, { mtu: 1400 });
      expect((await ipLink(ns.name, 'd0')).mtu).toBe(1400);
      await links.delAltname(byAlt, 'short');
      expect((await ipLink(ns.name, 'd0')).altnames).toEqual([long]);
      await links.delete(long);
      expect((await links.list()).map((l) => l.name)).toEqual(['lo']);
    });
  });

  it('filters lists by kind and master in the kernel, and by group here', async () => {
    await runIp(ns.name, ['link', 'add', 'br0', 'type', 'bridge']);
    await runIp(ns.name, ['link', 'add', 'br1', 'type', 'bridge']);
    await runIp(ns.name, [
      'link',
      'add',
      'd0',
      'group',
      '5',
      'master',
      'br0',
      'type',
      'veth',
      'peer',
      'name',
      'd1',
    ]);
    await runIp(ns.name, [
      'link',
      'add',
      'd2',
      'master',
      'br1',
      'type',
      'veth',
      'peer',
      'name',
      'd3',
      'group',
      '5',
    ]);
    await withLinks(ns.name, async (links, conn) => {
      expect((await links.list({ kind: 'bridge' })).map((l) => l.name)).toEqual(['br0', 'br1']);
      expect((await links.list({ kind: 'veth' })).map((l) => l.name).sort()).toEqual([
        'd0',
        'd1',
        'd2',
        'd3',
      ]);
      expect((await links.list({ master: 'br0' })).map((l) => l.name)).toEqual(['d0']);
      expect((await links.list({ master: 'br1', kind: 'veth' })).map((l) => l.name)).toEqual(['d2']);
      expect((await links.list({ group: 5 })).map((l) => l.name).sort()).toEqual(['d0', 'd3']);
      expect((await links.list({ group: 5, master: 'br0' })).map((l) => l.name)).toEqual(['d0']);
      // A kind the kernel does not know: it would not filter, so nlwire does.
      expect(await links.list({ kind: 'nlw-nosuchkind' })).toEqual([]);
      // The kernel does filter, and says so with NLM_F_DUMP_FILTERED.
      const raw = await conn.dump(RTM_GETLINK, {}, { linkinfo: { kind: 'bridge' } });
      expect(raw.map((m) => (m.attrs as { ifname?: string }).ifname)).toEqual(['br0', 'br1']);
      expect(raw.every((m) => (m.nl.flags & NLM_F.NLM_F_DUMP_FILTERED) !== 0)).toBe(true);
    });
  });

  it('reports kernel errors naming the object', async () => {
    await runIp(ns.name, ['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
    await withLinks(ns.name, async (links) => {
      const cases: [() => Promise<unknown>, string, RegExp][] = [
        [() => links.create({ name: 'd0', kind: 'veth' }), 'EEXIST', /^link add d0: RTM_NEWLINK: EEXIST/],
        [() => links.get('nope'), 'ENODEV', /^link get nope: RTM_GETLINK: ENODEV/],
        [() => links.get(9999), 'ENODEV', /^link get index 9999: /],
        [
          () => links.change('nope', { mtu: 1400 }),
          'ENODEV',
          /^link set nope: dev nope: RTM_GETLINK: ENODEV/,
        ],
        [() => links.change('d0', { address: '00:11' }), 'EINVAL', /^link set d0: RTM_NEWLINK: EINVAL/],
        [() => links.delete('nope'), 'ENODEV', /^link del nope: RTM_DELLINK: ENODEV/],
        [
          () => links.create({ name: 'x0', kind: 'nlw-nosuchkind' }),
          'EOPNOTSUPP',
          /^link add x0: .*Unknown device type/,
        ],
        [() => links.deleteGroup(77), 'ENODEV', /^link del group 77: /],
      ];
      // An MTU outside the device's own range (IFLA_MIN_MTU..IFLA_MAX_MTU) is refused before sending.
      await expect(links.change('d0', { mtu: 20 })).rejects.toThrow(
        /invalid mtu 20: d0 takes an MTU from 68 to/,
      );
      for (const [f, code, msg] of cases) {
        const e = await f().catch((x: unknown) => x);
        expect(e).toBeInstanceOf(NetlinkError);
        expect((e as NetlinkError).code).toBe(code);
        expect((e as NetlinkError).message).toMatch(msg);
      }
    });
  });

  it('refuses bad input with ValidationError before sending anything (even on a closed connection)', async () => {
    const conn = Connection.open(rtnetlink, { netns: ns.name });
    const links = new Links(conn);
    await conn.close();
    const cases: [() => Promise<unknown>, string][] = [
      [() => links.create({ name: 'a-name-too-long-x', kind: 'veth' }), 'name'],
      [() => links.create({ name: 'a/b', kind: 'veth' }), 'name'],
      [() => links.create({ name: 'v0', kind: 'veth', peer: { name: 'p:1' } }), 'peer.name'],
      [() => links.create({ name: 'v0', kind: 'veth', mtu: -1 }), 'mtu'],
      [() => links.create({ name: 'v0', kind: 'veth', address: 'zz:zz' }), 'address'],
      [() => links.create({ name: 'v0', kind: 'veth', master: 0 }), 'master'],
      [() => links.create({ name: 'v0', kind: 'bridge', bridge: { stpState: -1 } }), 'IFLA_BR_STP_STATE'],
      [
        () => links.create({ name: 'v0', kind: 'bridge', bridge: { colour: 1 } as never }),
        'IFLA_INFO_DATA.colour',
      ],
      [() => links.create({ name: 'v0', kind: 'bridge', peer: { name: 'x' } } as never), 'peer'],
      [() => links.create({ name: 'v0', kind: '' }), 'kind'],
      [() => links.create({ name: 'v0', kind: 'ifb', data: { x: 1 } }), 'data'],
      [() => links.change('v0', { mtu: 1.5 }), 'mtu'],
      [() => links.change('v0', { alias: 'x'.repeat(256) }), 'alias'],
      [() => links.change('v0', { colour: 1 } as never), 'colour'],
      [() => links.change('v0', { netns: { nsid: -1 } }), 'netns.nsid'],
      [() => links.change('v0', { up: 'yes' as never }), 'up'],
      [() => links.change(0, { mtu: 1400 }), 'link'],
      [() => links.get('x'.repeat(128)), 'link'],
      [() => links.delete({ index: -3 }), 'link.index'],
      [() => links.deleteGroup(0), 'group'],
      [() => links.addAltname('v0', 'has space'), 'altname'],
      [() => links.list({ group: -1 }), 'filter.group'],
      [() => links.list({ master: '' }), 'filter.master'],
    ];
    for (const [f, field] of cases) {
      const e = await f().catch((x: unknown) => x);
      expect(e, field).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field, field).toBe(field);
    }
  });

  it.skipIf(toolMissing('strace'))(
    'dry runs give the bytes ip sends for set, del and del group',
    async () => {
      await runIp(ns.name, ['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
      await withLinks(ns.name, async (links) => {
        const d0 = await links.get('d0');
        const mySet = decodeRequest(await links.change('d0', { mtu: 1400, up: true, dryRun: true }));
        const myDel = decodeRequest(await links.delete(d0.index, { dryRun: true }));
        const myGroup = decodeRequest(await links.deleteGroup(9, { dryRun: true }));
        // Dry runs change nothing.
        expect(await links.get('d0')).toMatchObject({ mtu: 1500, up: false });
        // ip's requests, in an order that keeps d0 until the end (ip really runs them).
        const [grp] = await ipRequests(ns.name, ['link', 'del', 'group', '9'], RTM.RTM_DELLINK);
        expect(myGroup).toMatchObject({ type: RTM.RTM_DELLINK, header: grp.header, attrs: grp.attrs });
        const [set] = await ipRequests(
          ns.name,
          ['link', 'set', 'dev', 'd0', 'mtu', '1400', 'up'],
          RTM.RTM_NEWLINK,
        );
        expect(mySet).toMatchObject({ type: RTM.RTM_NEWLINK, header: set.header, attrs: set.attrs });
        expect(set.header.index).toBe(d0.index);
        const [del] = await ipRequests(ns.name, ['link', 'del', 'dev', 'd0'], RTM.RTM_DELLINK);
        expect(myDel).toMatchObject({ type: RTM.RTM_DELLINK, header: del.header, attrs: del.attrs });
      });
    },
  );
});
