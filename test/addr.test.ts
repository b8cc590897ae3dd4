import { describe, expect, it } from 'vitest';
import { AF } from '../src/constants/socket.js';
import { Connection } from '../src/netlink/connection.js';
import { ValidationError } from '../src/netlink/errors.js';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { writeSysctl } from '../src/netns/sysctl.js';
import { type Address, Addresses } from '../src/rtnl/addr/api.js';
import { Links } from '../src/rtnl/link/api.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { ipJson, runIp, useTestNetns } from './helpers/netns.js';

/** One entry of `ip -j -d addr show`'s addr_info. */
interface IpAddr {
  family: string;
  local: string;
  address?: string;
  prefixlen: number;
  scope: string;
  label?: string;
  broadcast?: string;
  metric?: number;
  valid_life_time: number;
  preferred_life_time: number;
  [flag: string]: unknown;
}

interface IpLink {
  ifindex: number;
  ifname: string;
  addr_info: IpAddr[];
}

// The flags ip prints as `"name": true`.
const IP_FLAGS = [
  'secondary',
  'temporary',
  'nodad',
  'optimistic',
  'dadfailed',
  'home',
  'deprecated',
  'tentative',
  'mngtmpaddr',
  'noprefixroute',
  'autojoin',
  'stable-privacy',
  'dynamic',
];

const FOREVER = 4294967295;

/** Compares what ip shows with what nlwire read, field by field. */
function expectSame(ip: IpAddr, nl: Address, index: number): void {
  const where = `${ip.local}/${ip.prefixlen}`;
  expect(nl.family, where).toBe(ip.family === 'inet' ? AF.AF_INET : AF.AF_INET6);
  expect(nl.index, where).toBe(index);
  expect(nl.local, where).toBe(ip.local);
  expect(nl.peer, where).toBe(ip.address);
  expect(nl.prefixlen, where).toBe(ip.prefixlen);
  expect(nl.scope, where).toBe(ip.scope);
  expect(nl.label, where).toBe(ip.label);
  expect(nl.broadcast, where).toBe(ip.broadcast);
  expect(nl.metric, where).toBe(ip.metric);
  const life = (v: number | 'forever' | undefined) => (v === 'forever' ? FOREVER : v);
  for (const [mine, theirs] of [
    [life(nl.validLft), ip.valid_life_time],
    [life(nl.preferredLft), ip.preferred_life_time],
  ] as const) {
    if (theirs === FOREVER) expect(mine, where).toBe(FOREVER);
    else expect(Math.abs((mine ?? -99) - theirs), where).toBeLessThanOrEqual(2);
  }
  const ipFlags = IP_FLAGS.filter((f) => ip[f] === true).sort();
  const nlFlags = [
    ...nl.flags.filter((f) => f !== 'permanent'),
    ...(nl.flags.includes('permanent') ? [] : ['dynamic']),
  ].sort();
  expect(nlFlags, where).toEqual(ipFlags);
}

async function ipAddrs(ns: string, dev: string): Promise<IpLink> {
  const [link] = await ipJson<IpLink[]>(ns, ['-d', 'addr', 'show', 'dev', dev]);
  return link;
}

async function expectIpAgrees(ns: string, addrs: Addresses, dev: string): Promise<IpLink> {
  const link = await ipAddrs(ns, dev);
  const mine = await addrs.list({ dev });
  expect(mine.length).toBe(link.addr_info.length);
  link.addr_info.forEach((a, i) => {
    expectSame(a, mine[i], link.ifindex);
  });
  return link;
}

describe('Addresses against the kernel and iproute2', () => {
  const ns = useTestNetns('addr');

  async function setup(): Promise<{ conn: Connection; addrs: Addresses }> {
    // No duplicate address detection: no address changes state between two reads.
    await writeSysctl(ns.name, 'net.ipv6.conf.all.accept_dad', 0);
    await writeSysctl(ns.name, 'net.ipv6.conf.default.accept_dad', 0);
    await runIp(ns.name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    await runIp(ns.name, ['link', 'set', 'v0', 'up']);
    await runIp(ns.name, ['link', 'set', 'v1', 'up']);
    const conn = Connection.open(rtnetlink, { netns: ns.name });
    return { conn, addrs: new Addresses(conn) };
  }

  it('nlwire adds, ip reads: IPv4 with label, broadcast, metric, lifetimes, peer; IPv6 with flags', async () => {
    const { conn, addrs } = await setup();
    try {
      await addrs.add('v0', '10.0.0.1/24', { broadcast: '+', label: 'v0:1', metric: 5 });
      await addrs.add('v0', '10.0.0.2/24', { validLft: 100, preferredLft: 50 });
      await addrs.add('v0', '10.9.0.1', { peer: '10.9.0.2/32' });
      await addrs.add('v0', '2001:db8::1/64', { flags: ['nodad', 'noprefixroute'] });
      const tooLong = await addrs
        .add('v0', '2001:db8:1::1/64', { validLft: 300, preferredLft: 'forever' })
        .catch((e: unknown) => e);
      expect(tooLong).toBeInstanceOf(ValidationError);
      expect((tooLong as ValidationError).field).toBe('preferredLft');
      await addrs.add('v0', '2001:db8:2::1/64', { validLft: 300, preferredLft: 200, flags: ['mngtmpaddr'] });

      const link = await ipAddrs(ns.name, 'v0');
      const by = (local: string) => link.addr_info.find((a) => a.local === local);
      expect(by('10.0.0.1')).toMatchObject({
        family: 'inet',
        prefixlen: 24,
        broadcast: '10.0.0.255',
        label: 'v0:1',
        metric: 5,
        scope: 'global',
        valid_life_time: FOREVER,
      });
      expect(by('10.0.0.2')).toMatchObject({ secondary: true, dynamic: true, prefixlen: 24 });
      expect(by('10.0.0.2')?.valid_life_time).toBeGreaterThan(95);
      expect(by('10.0.0.2')?.preferred_life_time).toBeLessThanOrEqual(50);
      expect(by('10.9.0.1')).toMatchObject({ address: '10.9.0.2', prefixlen: 32 });
      expect(by('2001:db8::1')).toMatchObject({ family: 'inet6', nodad: true, noprefixroute: true });
      // preferred 'forever' beyond a finite valid lifetime is refused before sending.
      expect(by('2001:db8:1::1')).toBeUndefined();
      expect(by('2001:db8:2::1')).toMatchObject({ mngtmpaddr: true, dynamic: true });
      // noprefixroute: no route for 2001:db8::/64; the others have theirs, with the metric.
      const routes = await ipJson<{ dst: string; metric?: number }[]>(ns.name, [
        '-6',
        'route',
        'show',
        'dev',
        'v0',
      ]);
      expect(routes.map((r) => r.dst)).not.toContain('2001:db8::/64');
      expect(routes.map((r) => r.dst)).toContain('2001:db8:2::/64');
      const v4 = await ipJson<{ dst: string; metric?: number }[]>(ns.name, ['route', 'show', 'dev', 'v0']);
      expect(v4.find((r) => r.dst === '10.0.0.0/24')?.metric).toBe(5);

      await expectIpAgrees(ns.name, addrs, 'v0');
    } finally {
      await conn.close();
    }
  });

  it('ip adds, nlwire reads every field the same', async () => {
    const { conn, addrs } = await setup();
    try {
      const ip = (...a: string[]) => runIp(ns.name, ['addr', 'add', ...a]);
      await ip(
        '10.1.0.1/16',
        'brd',
        '+',
        'dev',
        'v0',
        'label',
        'v0:x',
        'valid_lft',
        '200',
        'preferred_lft',
        '100',
      );
      await ip('10.1.0.2/16', 'dev', 'v0', 'metric', '30');
      await ip('10.2.0.1', 'peer', '10.2.0.2/32', 'dev', 'v0', 'scope', 'link');
      await ip('127.1.0.1/8', 'dev', 'v0');
      await ip('2001:db8:5::1/64', 'dev', 'v0', 'nodad', 'noprefixroute');
      await ip('2001:db8:6::1/64', 'dev', 'v0', 'valid_lft', '500', 'preferred_lft', '0');
      await ip('2001:db8:7::1/64', 'peer', '2001:db8:7::2/64', 'dev', 'v0', 'home');
      const link = await expectIpAgrees(ns.name, addrs, 'v0');
      // The list covered link-local, deprecated and scope host too.
      expect(link.addr_info.some((a) => a.scope === 'link' && a.family === 'inet6')).toBe(true);
      expect(link.addr_info.some((a) => a.deprecated === true)).toBe(true);
      expect(link.addr_info.some((a) => a.scope === 'host')).toBe(true);
      const mine = await addrs.list({ dev: 'v0', family: 'inet' });
      expect(mine.every((a) => a.family === AF.AF_INET)).toBe(true);
      expect(mine.find((a) => a.local === '10.2.0.1')).toMatchObject({
        peer: '10.2.0.2',
        address: '10.2.0.2',
        scope: 'link',
      });
    } finally {
      await conn.close();
    }
  });

  it('filters the dump by interface and family in the kernel', async () => {
    const { conn, addrs } = await setup();
    try {
      await runIp(ns.name, ['addr', 'add', '10.0.0.1/24', 'dev', 'v0']);
      await runIp(ns.name, ['addr', 'add', '10.0.1.1/24', 'dev', 'v1']);
      await runIp(ns.name, ['addr', 'add', '2001:db8::1/64', 'dev', 'v1']);
      await runIp(ns.name, ['link', 'set', 'lo', 'up']);
      const [v1] = await ipJson<IpLink[]>(ns.name, ['link', 'show', 'v1']);
      const onV1 = await addrs.list({ dev: 'v1' });
      expect(new Set(onV1.map((a) => a.index))).toEqual(new Set([v1.ifindex]));
      expect(onV1.map((a) => a.local)).toContain('10.0.1.1');
      expect(await addrs.list({ dev: { index: v1.ifindex }, family: 'inet6' })).toEqual(
        onV1.filter((a) => a.family === AF.AF_INET6),
      );
      // A Link from the link family names its interface too.
      expect(await addrs.list({ dev: await new Links(conn).get('v1') })).toEqual(onV1);
      const all = await addrs.list();
      const ipAll = await ipJson<IpLink[]>(ns.name, ['addr', 'show']);
      const ipCount = ipAll.reduce((n, l) => n + l.addr_info.length, 0);
      expect(all.length).toBe(ipCount);
      expect(all.map((a) => a.local)).toEqual(
        expect.arrayContaining(['127.0.0.1', '::1', '10.0.0.1', '10.0.1.1']),
      );
      expect((await addrs.list({ family: 'inet' })).every((a) => a.family === AF.AF_INET)).toBe(true);
      const gone = await addrs.list({ dev: 999 }).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(NetlinkError);
      expect((gone as NetlinkError).code).toBe('ENODEV');
    } finally {
      await conn.close();
    }
  });

  it('replaces, deletes (with or without the prefix length) and flushes', async () => {
    const { conn, addrs } = await setup();
    try {
      await addrs.add('v0', '10.0.0.1/24');
      await addrs.add('v0', '10.0.0.5/24');
      await addrs.add('v0', '2001:db8::1/64');
      // Replace changes lifetimes and the route metric of an existing address (not its label).
      await addrs.replace('v0', '10.0.0.1/24', { validLft: 60, preferredLft: 30, metric: 20 });
      let link = await expectIpAgrees(ns.name, addrs, 'v0');
      expect(link.addr_info.find((a) => a.local === '10.0.0.1')).toMatchObject({ metric: 20, dynamic: true });
      expect(link.addr_info.find((a) => a.local === '10.0.0.1')?.valid_life_time).toBeLessThanOrEqual(60);
      await addrs.replace('v0', '10.0.0.9/24', { label: 'v0:new' }); // creates
      link = await expectIpAgrees(ns.name, addrs, 'v0');
      expect(link.addr_info.find((a) => a.local === '10.0.0.9')).toMatchObject({
        label: 'v0:new',
        secondary: true,
      });
      const dup = await addrs.add('v0', '10.0.0.5/24').catch((e: unknown) => e);
      expect(dup).toBeInstanceOf(NetlinkError);
      expect((dup as NetlinkError).code).toBe('EEXIST');
      expect((dup as Error).message).toMatch(/^address add 10\.0\.0\.5\/24 dev v0: RTM_NEWADDR: EEXIST/);

      await addrs.delete('v0', '10.0.0.5'); // prefix length looked up
      await addrs.delete('v0', '2001:db8::1/64');
      link = await ipAddrs(ns.name, 'v0');
      expect(link.addr_info.map((a) => a.local)).not.toContain('10.0.0.5');
      expect(link.addr_info.map((a) => a.local)).not.toContain('2001:db8::1');
      const missing = await addrs.delete('v0', '10.0.0.77/24').catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(NetlinkError);
      expect((missing as NetlinkError).code).toBe('EADDRNOTAVAIL');
      expect((missing as Error).message).toContain('address delete 10.0.0.77/24 dev v0');

      await runIp(ns.name, ['addr', 'add', '10.0.0.6/24', 'dev', 'v0']);
      await runIp(ns.name, ['addr', 'add', '10.7.0.1', 'peer', '10.7.0.2', 'dev', 'v0']);
      await addrs.delete('v0', '10.7.0.1'); // the peer is found too
      expect(await addrs.flush('v0', 'inet')).toBe(3);
      link = await ipAddrs(ns.name, 'v0');
      expect(link.addr_info.filter((a) => a.family === 'inet')).toEqual([]);
      expect(link.addr_info.some((a) => a.family === 'inet6')).toBe(true);
      expect(await addrs.flush('v0')).toBeGreaterThan(0);
      expect((await ipAddrs(ns.name, 'v0')).addr_info).toEqual([]);
    } finally {
      await conn.close();
    }
  });

  it('rejects bad input before sending, and names the object in kernel errors; nothing is created', async () => {
    const { conn, addrs } = await setup();
    try {
      const before = await ipJson<IpLink[]>(ns.name, ['addr', 'show']);
      for (const [prefix, dev] of [
        ['10.0.0.1/33', 'v0'],
        ['10.0.0.300/24', 'v0'],
        ['nonsense', 'v0'],
        ['10.0.0.1/24', 'x'.repeat(128)],
        ['10.0.0.1/24', 0],
      ] as const) {
        const e = await addrs.add(dev, prefix).catch((x: unknown) => x);
        expect(e, prefix).toBeInstanceOf(ValidationError);
      }
      const nodev = await addrs.add('nosuchdev', '10.0.0.1/24').catch((x: unknown) => x);
      expect(nodev).toBeInstanceOf(NetlinkError);
      expect((nodev as NetlinkError).code).toBe('ENODEV');
      expect((nodev as Error).message).toMatch(/address add 10\.0\.0\.1\/24.*nosuchdev/);
      const noidx = await addrs.add(9999, '10.0.0.1/24').catch((x: unknown) => x);
      expect(noidx).toBeInstanceOf(NetlinkError);
      expect((noidx as NetlinkError).code).toBe('ENODEV');
      expect((noidx as Error).message).toMatch(/^address add 10\.0\.0\.1\/24 dev 9999: RTM_NEWADDR: ENODEV/);
      expect(await ipJson<IpLink[]>(ns.name, ['addr', 'show'])).toEqual(before);
      expect(before.flatMap((l) => l.addr_info).filter((a) => a.scope !== 'link')).toEqual([]);
    } finally {
      await conn.close();
    }
  });
});
