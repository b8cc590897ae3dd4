import { describe, expect, it } from 'vitest';
import { AF } from '../src/constants/socket.js';
import { Connection } from '../src/netlink/connection.js';
import { ValidationError } from '../src/netlink/errors.js';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { writeSysctl } from '../src/netns/sysctl.js';
import { Addresses } from '../src/rtnl/addr/api.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { type Route, type RouteInput, Routes } from '../src/rtnl/route/api.js';
import { ipJson, runIp, useTestNetns } from './helpers/netns.js';

/** One route of `ip -j -d route show`. */
interface IpRoute {
  type: string;
  dst: string;
  gateway?: string;
  via?: { family: string; host: string };
  dev?: string;
  table?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags: string[];
  expires?: number;
  pref?: string;
  metrics?: Record<string, number | string>[];
  nexthops?: { gateway?: string; dev?: string; weight: number; flags: string[] }[];
}

const TABLE_NAMES: Record<number, string> = { 254: 'main', 255: 'local', 253: 'default' };
// ip's JSON names of the metrics whose values it prints unconverted.
const IP_METRICS: Record<string, string> = {
  mtu: 'mtu',
  window: 'window',
  ssthresh: 'ssthresh',
  cwnd: 'cwnd',
  advmss: 'advmss',
  reordering: 'reordering',
  hoplimit: 'hoplimit',
  initcwnd: 'initcwnd',
  initrwnd: 'initrwnd',
  quickack: 'quickack',
  ccAlgo: 'congestion',
  fastopenNoCookie: 'fastopen_no_cookie',
};

/** Compares what ip shows with what nlwire read, field by field. */
/** `omitted`: what ip leaves out when it filtered on it (the table: main by default). */
function expectSame(
  theirs: IpRoute,
  nl: Route,
  names: Map<number, string>,
  omitted: Partial<IpRoute> = {},
): void {
  const ip: IpRoute = { table: 'main', ...omitted, ...theirs };
  const where = `${ip.type} ${ip.dst} table ${ip.table}`;
  const host = nl.family === AF.AF_INET ? '/32' : '/128';
  expect(nl.dst.endsWith(host) ? nl.dst.slice(0, -host.length) : nl.dst, where).toBe(ip.dst);
  expect(nl.type, where).toBe(ip.type);
  expect(nl.gateway, where).toBe(ip.gateway);
  expect(
    nl.via && { family: nl.via.family === AF.AF_INET6 ? 'inet6' : 'inet', host: nl.via.address },
    where,
  ).toEqual(ip.via);
  expect(nl.oif && names.get(nl.oif), where).toBe(ip.dev);
  expect(TABLE_NAMES[nl.table] ?? String(nl.table), where).toBe(ip.table);
  expect(nl.protocol, where).toBe(ip.protocol);
  expect(nl.scope, where).toBe(ip.scope);
  expect(nl.src, where).toBe(ip.prefsrc);
  expect(nl.metric, where).toBe(ip.metric);
  expect([...nl.flags].sort(), where).toEqual([...ip.flags].sort());
  if (ip.expires === undefined) expect(nl.expires, where).toBeUndefined();
  else expect(Math.abs((nl.expires ?? -99) - ip.expires), where).toBeLessThanOrEqual(2);
  expect(nl.pref, where).toBe(ip.pref);
  const ipm = ip.metrics?.[0] ?? {};
  const mine: Record<string, unknown> = { ...nl.metrics };
  delete mine.lock;
  for (const [k, v] of Object.entries(mine))
    if (IP_METRICS[k]) expect(ipm[IP_METRICS[k]], `${where} ${k}`).toBe(v);
  expect(Object.keys(mine).length, where).toBe(Object.keys(ipm).length);
  expect(nl.nexthops?.length, where).toBe(ip.nexthops?.length);
  ip.nexthops?.forEach((h, i) => {
    const n = nl.nexthops?.[i];
    expect(n?.gateway, where).toBe(h.gateway);
    expect(n?.oif && names.get(n.oif), where).toBe(h.dev);
    expect(n?.weight, where).toBe(h.weight);
    expect(n?.flags, where).toEqual(h.flags);
  });
}

describe('Routes against the kernel and iproute2', () => {
  const ns = useTestNetns('route');

  async function setup() {
    await writeSysctl(ns.name, 'net.ipv6.conf.all.accept_dad', 0);
    await writeSysctl(ns.name, 'net.ipv6.conf.default.accept_dad', 0);
    await runIp(ns.name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    for (const d of ['lo', 'v0', 'v1']) await runIp(ns.name, ['link', 'set', d, 'up']);
    const conn = Connection.open(rtnetlink, { netns: ns.name });
    const addrs = new Addresses(conn);
    await addrs.add('v0', '10.0.0.1/24');
    await addrs.add('v1', '10.0.1.1/24');
    await addrs.add('v0', '2001:db8::1/64');
    const links = await ipJson<{ ifindex: number; ifname: string }[]>(ns.name, ['link', 'show']);
    const names = new Map(links.map((l) => [l.ifindex, l.ifname]));
    return { conn, routes: new Routes(conn), names };
  }

  /** Checks nlwire's list against ip's, entry by entry; returns ip's. */
  async function expectIpAgrees(
    routes: Routes,
    names: Map<number, string>,
    ipArgs: string[] = [],
  ): Promise<IpRoute[]> {
    const ip = await ipJson<IpRoute[]>(ns.name, ['-d', 'route', 'show', 'table', 'all', ...ipArgs]);
    const mine = await routes.list({ table: 'all' });
    expect(mine.length).toBe(ip.length);
    ip.forEach((r, i) => {
      expectSame(r, mine[i], names);
    });
    return ip;
  }

  const find = (list: IpRoute[], dst: string, table?: string) =>
    list.find((r) => r.dst === dst && (table === undefined || r.table === table));

  it('nlwire adds, ip reads: tables 100 and 1000, multipath, reject types, metrics, onlink, via, IPv6 expires and pref', async () => {
    const { conn, routes, names } = await setup();
    try {
      const add: RouteInput[] = [
        {
          dst: '10.1.0.0/16',
          via: '10.0.0.2',
          table: 100,
          metric: 7,
          protocol: 'static',
          metrics: { mtu: 1400, advmss: 1360, lock: ['mtu'] },
        },
        { dst: '10.2.0.0/16', nexthops: [{ via: '10.0.0.2' }, { via: '10.0.0.3', dev: 'v0', weight: 3 }] },
        { dst: '10.3.0.0/16', type: 'blackhole', table: 1000 },
        { dst: '10.4.0.0/16', type: 'unreachable' },
        { dst: '10.5.0.0/16', type: 'prohibit', metric: 3 },
        { dst: '10.6.0.0/16', type: 'throw', table: 1000 },
        { dst: '10.7.0.0/16', dev: 'v0', src: '10.0.0.1' },
        { dst: '10.8.0.0/16', via: '192.168.1.1', dev: 'v0', onlink: true },
        { dst: '10.9.0.0/16', via: '2001:db8::2', dev: 'v0' },
        { dst: '10.10.0.0/16', via: '10.0.0.2', metrics: { hoplimit: 10, initcwnd: 20, window: 1000 } },
        { dst: 'default', via: '10.0.0.254', metric: 100 },
        { dst: '2001:db8:1::/64', via: '2001:db8::2', expires: 100, pref: 'high' },
        {
          dst: '2001:db8:2::/64',
          nexthops: [
            { via: '2001:db8::2', weight: 2 },
            { via: '2001:db8::3', weight: 4 },
          ],
        },
        { dst: '2001:db8:3::/64', type: 'blackhole', table: 100 },
        { dst: '2001:db8:4::/64', dev: 'v1', metric: 50, metrics: { mtu: 1300 } },
      ];
      for (const r of add) await routes.add(r);

      const ip = await ipJson<IpRoute[]>(ns.name, ['-d', 'route', 'show', 'table', 'all']);
      expect(find(ip, '10.1.0.0/16')).toMatchObject({
        gateway: '10.0.0.2',
        dev: 'v0',
        table: '100',
        metric: 7,
        protocol: 'static',
        scope: 'global',
        metrics: [{ mtu: 1400, advmss: 1360 }],
      });
      expect(await runIp(ns.name, ['route', 'show', 'table', '100', '10.1.0.0/16'])).toContain(
        'mtu lock 1400',
      );
      expect(find(ip, '10.2.0.0/16')).toMatchObject({
        table: 'main',
        protocol: 'boot',
        nexthops: [
          { gateway: '10.0.0.2', dev: 'v0', weight: 1 },
          { gateway: '10.0.0.3', dev: 'v0', weight: 3 },
        ],
      });
      expect(find(ip, '10.3.0.0/16')).toMatchObject({ type: 'blackhole', table: '1000' });
      expect(find(ip, '10.4.0.0/16')).toMatchObject({ type: 'unreachable', table: 'main' });
      expect(find(ip, '10.5.0.0/16')).toMatchObject({ type: 'prohibit', metric: 3 });
      expect(find(ip, '10.6.0.0/16')).toMatchObject({ type: 'throw', table: '1000' });
      expect(find(ip, '10.7.0.0/16')).toMatchObject({ dev: 'v0', scope: 'link', prefsrc: '10.0.0.1' });
      expect(find(ip, '10.8.0.0/16')).toMatchObject({ gateway: '192.168.1.1', flags: ['onlink'] });
      expect(find(ip, '10.9.0.0/16')).toMatchObject({
        via: { family: 'inet6', host: '2001:db8::2' },
        dev: 'v0',
      });
      expect(find(ip, '10.10.0.0/16')?.metrics).toEqual([{ window: 1000, hoplimit: 10, initcwnd: 20 }]);
      expect(find(ip, 'default')).toMatchObject({ gateway: '10.0.0.254', metric: 100 });
      const exp = find(ip, '2001:db8:1::/64');
      expect(exp).toMatchObject({ gateway: '2001:db8::2', pref: 'high', metric: 1024 });
      expect(exp?.expires).toBeGreaterThan(95);
      expect(exp?.expires).toBeLessThanOrEqual(100);
      expect(find(ip, '2001:db8:2::/64')?.nexthops).toMatchObject([
        { gateway: '2001:db8::2', weight: 2 },
        { gateway: '2001:db8::3', weight: 4 },
      ]);
      expect(find(ip, '2001:db8:3::/64')).toMatchObject({ type: 'blackhole', table: '100' });
      expect(find(ip, '2001:db8:4::/64')).toMatchObject({ dev: 'v1', metric: 50, metrics: [{ mtu: 1300 }] });

      await expectIpAgrees(routes, names);
      // Table 1000 only exists as RTA_TABLE: nlwire reads it back as such.
      const t1000 = await routes.list({ table: 1000 });
      expect(t1000.map((r) => [r.dst, r.type, r.table])).toEqual([
        ['10.3.0.0/16', 'blackhole', 1000],
        ['10.6.0.0/16', 'throw', 1000],
      ]);
      expect(t1000[0].attrs.table).toBe(1000);
    } finally {
      await conn.close();
    }
  });

  it('ip adds, nlwire reads every field the same', async () => {
    const { conn, routes, names } = await setup();
    try {
      const ip = (...a: string[]) => runIp(ns.name, a);
      await ip(
        'route',
        'add',
        '10.1.0.0/16',
        'via',
        '10.0.0.2',
        'proto',
        'static',
        'metric',
        '50',
        'table',
        '200',
        'mtu',
        'lock',
        '1300',
        'advmss',
        '1200',
      );
      await ip(
        'route',
        'add',
        '10.2.0.0/16',
        'nexthop',
        'via',
        '10.0.0.2',
        'weight',
        '2',
        'nexthop',
        'via',
        '10.0.1.9',
        'dev',
        'v1',
        'weight',
        '5',
      );
      await ip('route', 'add', 'prohibit', '10.3.0.0/16', 'table', '5000');
      await ip('route', 'add', 'unreachable', '10.4.0.0/16', 'metric', '9');
      await ip('route', 'add', 'throw', '10.5.0.0/16');
      await ip('route', 'add', 'blackhole', '10.6.0.0/16', 'proto', 'bird');
      await ip(
        'route',
        'add',
        '10.7.0.0/16',
        'dev',
        'v1',
        'src',
        '10.0.1.1',
        'scope',
        'link',
        'initcwnd',
        '15',
        'initrwnd',
        '30',
      );
      await ip('route', 'add', '10.8.0.0/16', 'via', '172.16.0.1', 'dev', 'v0', 'onlink');
      await ip('route', 'add', '10.9.0.0/16', 'via', 'inet6', '2001:db8::5', 'dev', 'v0');
      await ip('route', 'add', '10.10.0.0/16', 'via', '10.0.0.2', 'congctl', 'reno', 'quickack', '1');
      await ip(
        '-6',
        'route',
        'add',
        '2001:db8:7::/64',
        'via',
        '2001:db8::2',
        'expires',
        '300',
        'pref',
        'low',
      );
      await ip(
        '-6',
        'route',
        'add',
        '2001:db8:8::/64',
        'nexthop',
        'via',
        '2001:db8::2',
        'weight',
        '3',
        'nexthop',
        'via',
        '2001:db8::3',
        'weight',
        '7',
      );
      await ip('-6', 'route', 'add', 'unreachable', '2001:db8:9::/64', 'table', '100');
      await ip('-6', 'route', 'add', 'default', 'via', '2001:db8::ff', 'metric', '10', 'hoplimit', '33');
      const ipRoutes = await expectIpAgrees(routes, names);
      expect(ipRoutes.length).toBeGreaterThan(20);

      const mine = await routes.list({ table: 'all' });
      const get = (dst: string) => mine.find((r) => r.dst === dst);
      expect(get('10.1.0.0/16')).toMatchObject({
        table: 200,
        protocol: 'static',
        metric: 50,
        metrics: { mtu: 1300, advmss: 1200, lock: ['mtu'] },
      });
      expect(get('10.2.0.0/16')?.nexthops?.map((n) => [n.gateway, n.weight])).toEqual([
        ['10.0.0.2', 2],
        ['10.0.1.9', 5],
      ]);
      expect(get('10.3.0.0/16')).toMatchObject({ type: 'prohibit', table: 5000 });
      expect(get('10.6.0.0/16')).toMatchObject({ type: 'blackhole', protocol: 'bird' });
      expect(get('10.9.0.0/16')?.via).toEqual({ family: AF.AF_INET6, address: '2001:db8::5' });
      expect(get('10.10.0.0/16')?.metrics).toEqual({ ccAlgo: 'reno', quickack: 1 });
      expect(get('2001:db8:7::/64')).toMatchObject({ pref: 'low', family: AF.AF_INET6 });
      expect(get('2001:db8:7::/64')?.expires).toBeGreaterThan(290);
      expect(mine.filter((r) => r.dst === 'default').map((r) => [r.family, r.gateway, r.metrics])).toEqual([
        [AF.AF_INET6, '2001:db8::ff', { hoplimit: 33 }],
      ]);
    } finally {
      await conn.close();
    }
  });

  it('filters dumps in the kernel: table (incl. RTA_TABLE), protocol, type, dev, family', async () => {
    const { conn, routes, names } = await setup();
    try {
      const ip = (...a: string[]) => runIp(ns.name, a);
      await ip('route', 'add', '10.1.0.0/16', 'via', '10.0.0.2', 'table', '100', 'proto', 'static');
      await ip('route', 'add', '10.2.0.0/16', 'via', '10.0.1.2', 'table', '100');
      await ip('route', 'add', 'blackhole', '10.3.0.0/16', 'table', '70000', 'proto', 'static');
      await ip('route', 'add', '10.4.0.0/16', 'via', '10.0.1.2', 'proto', 'static');
      await ip('-6', 'route', 'add', '2001:db8:5::/64', 'dev', 'v1', 'table', '100');
      const check = async (filter: Parameters<Routes['list']>[0], ipArgs: string[]) => {
        const fam = filter?.family === 'inet' ? ['-4'] : filter?.family === 'inet6' ? ['-6'] : [];
        const theirs = await ipJson<IpRoute[]>(ns.name, [...fam, '-d', 'route', 'show', ...ipArgs]);
        const mine = await routes.list(filter);
        expect(mine.length, JSON.stringify(filter)).toBe(theirs.length);
        const omitted: Partial<IpRoute> = {
          table: typeof filter?.table === 'number' ? String(filter.table) : (filter?.table ?? 'main'),
          ...(typeof filter?.protocol === 'string' ? { protocol: filter.protocol } : {}),
          ...(typeof filter?.type === 'string' ? { type: filter.type } : {}),
          ...(typeof filter?.dev === 'string' ? { dev: filter.dev } : {}),
        };
        theirs.forEach((r, i) => {
          expectSame(r, mine[i], names, omitted);
        });
        return mine;
      };
      expect((await check({ table: 100, family: 'inet' }, ['table', '100'])).map((r) => r.dst)).toEqual([
        '10.1.0.0/16',
        '10.2.0.0/16',
      ]);
      expect((await check({ table: 100, family: 'inet6' }, ['table', '100'])).map((r) => r.dst)).toEqual([
        '2001:db8:5::/64',
      ]);
      expect((await check({ table: 70000, family: 'inet' }, ['table', '70000'])).map((r) => r.table)).toEqual(
        [70000],
      );
      expect(
        await check({ table: 'all', protocol: 'static', family: 'inet' }, [
          'table',
          'all',
          'proto',
          'static',
        ]),
      ).toHaveLength(3);
      expect(
        await check({ table: 'all', type: 'blackhole', family: 'inet' }, [
          'table',
          'all',
          'type',
          'blackhole',
        ]),
      ).toHaveLength(1);
      const onV1 = await check({ table: 'all', dev: 'v1', family: 'inet' }, ['table', 'all', 'dev', 'v1']);
      expect(onV1.length).toBeGreaterThan(2);
      expect(await check({ family: 'inet' }, [])).toHaveLength(3);
      expect(await check({ family: 'inet6', table: 'local' }, ['table', 'local'])).not.toHaveLength(0);
      // Both families by default.
      expect(new Set((await routes.list({ table: 100 })).map((r) => r.family))).toEqual(
        new Set([AF.AF_INET, AF.AF_INET6]),
      );
      // A table never created holds nothing.
      expect(await routes.list({ table: 4242 })).toEqual([]);
      // RTM_F_CLONED asks for the exceptions (none here) instead of the FIB; the kernel accepts the filter.
      expect(await routes.list({ table: 'all', cloned: true })).toEqual([]);
      const nodev = await routes.list({ dev: 4242 }).catch((e: unknown) => e);
      expect(nodev).toBeInstanceOf(NetlinkError);
      expect((nodev as NetlinkError).code).toBe('ENODEV');
    } finally {
      await conn.close();
    }
  });

  it('looks routes up like ip route get, with fibmatch, from, iif and oif', async () => {
    const { conn, routes, names } = await setup();
    try {
      await routes.add({
        dst: '10.2.0.0/16',
        nexthops: [
          { via: '10.0.0.2', weight: 1 },
          { via: '10.0.0.3', weight: 3 },
        ],
      });
      await routes.add({ dst: '10.3.0.0/16', type: 'unreachable' });
      await routes.add({ dst: '2001:db8:1::/64', via: '2001:db8::2' });
      const same = async (dst: string, mine: Route, args: string[] = []) => {
        const [theirs] = await ipJson<(IpRoute & Record<string, unknown>)[]>(ns.name, [
          '-d',
          'route',
          'get',
          dst,
          ...args,
        ]);
        expect(mine.dst).toBe(
          `${theirs.dst}${theirs.dst.includes('/') ? '' : mine.family === AF.AF_INET ? '/32' : '/128'}`,
        );
        expect(mine.gateway).toBe(theirs.gateway);
        expect(mine.oif && names.get(mine.oif)).toBe(theirs.dev);
        expect(mine.src).toBe(theirs.prefsrc);
        expect(mine.type).toBe(theirs.type);
        expect(mine.nexthops?.map((n) => [n.gateway, n.weight])).toEqual(
          theirs.nexthops?.map((n) => [n.gateway, n.weight]),
        );
        return theirs;
      };
      const index = (name: string) => [...names].find(([, n]) => n === name)?.[0];
      const r = await routes.get('10.0.0.9');
      expect(r).toMatchObject({ dst: '10.0.0.9/32', oif: index('v0'), src: '10.0.0.1', table: 254 });
      expect(r.flags).toContain('cloned');
      await same('10.0.0.9', r);
      const fib = await routes.get('10.2.7.7', { fibmatch: true });
      expect(fib.dst).toBe('10.2.0.0/16');
      expect(fib.nexthops?.map((n) => n.weight)).toEqual([1, 3]);
      await same('10.2.7.7', fib, ['fibmatch']);
      const plain = await routes.get('10.2.7.7');
      expect(['10.0.0.2', '10.0.0.3']).toContain(plain.gateway);
      const v6 = await routes.get('2001:db8:1::99');
      expect(v6).toMatchObject({ family: AF.AF_INET6, gateway: '2001:db8::2' });
      await same('2001:db8:1::99', v6);
      const withOif = await routes.get('10.9.9.9', { oif: 'v1', from: '10.0.1.1' });
      expect(withOif).toMatchObject({ oif: index('v1'), from: '10.0.1.1/32' });
      await same('10.9.9.9', withOif, ['from', '10.0.1.1', 'oif', 'v1']);
      const local = await routes.get('10.0.0.1', { from: '10.0.0.2', iif: 'v0' });
      expect(local).toMatchObject({ type: 'local', iif: index('v0') });
      await same('10.0.0.1', local, ['from', '10.0.0.2', 'iif', 'v0']);
      const unreach = await routes.get('10.3.1.1').catch((e: unknown) => e);
      expect(unreach).toBeInstanceOf(NetlinkError);
      expect((unreach as NetlinkError).code).toBe('EHOSTUNREACH');
      expect((unreach as Error).message).toMatch(/^route get 10\.3\.1\.1: RTM_GETROUTE: EHOSTUNREACH/);
      // The kernel fails the lookup before fibmatch would report the unreachable route (ip too).
      const unreachFib = await routes.get('10.3.1.1', { fibmatch: true }).catch((e: unknown) => e);
      expect((unreachFib as NetlinkError).code).toBe('EHOSTUNREACH');
      await expect(runIp(ns.name, ['route', 'get', '10.3.1.1', 'fibmatch'])).rejects.toThrow(
        /No route to host/,
      );
      await expect(routes.get('10.0.0.0/8')).rejects.toThrow(ValidationError);
      await expect(routes.get('10.0.0.1', { oif: 'x'.repeat(128) })).rejects.toThrow(ValidationError);
    } finally {
      await conn.close();
    }
  });

  it('replaces, appends and deletes', async () => {
    const { conn, routes, names } = await setup();
    try {
      const show = async (...a: string[]) =>
        ipJson<IpRoute[]>(
          ns.name,
          a[0] === '-6' ? ['-6', '-d', 'route', 'show', ...a.slice(1)] : ['-d', 'route', 'show', ...a],
        );
      await routes.add({ dst: '10.20.0.0/16', via: '10.0.0.2', metric: 5 });
      const dup = await routes
        .add({ dst: '10.20.0.0/16', via: '10.0.0.2', metric: 5 })
        .catch((e: unknown) => e);
      expect(dup).toBeInstanceOf(NetlinkError);
      expect((dup as NetlinkError).code).toBe('EEXIST');
      expect((dup as Error).message).toMatch(/^route add 10\.20\.0\.0\/16: RTM_NEWROUTE: EEXIST/);
      await routes.replace({ dst: '10.20.0.0/16', via: '10.0.0.3', metric: 5 });
      expect((await show('10.20.0.0/16')).map((r) => r.gateway)).toEqual(['10.0.0.3']);
      await routes.append({ dst: '10.20.0.0/16', via: '10.0.0.4', metric: 5 });
      expect((await show('10.20.0.0/16')).map((r) => r.gateway)).toEqual(['10.0.0.3', '10.0.0.4']);
      await routes.delete({ dst: '10.20.0.0/16', via: '10.0.0.4' });
      expect((await show('10.20.0.0/16')).map((r) => r.gateway)).toEqual(['10.0.0.3']);

      await routes.add({ dst: '2001:db8:9::/64', via: '2001:db8::2' });
      await routes.append({ dst: '2001:db8:9::/64', via: '2001:db8::3' });
      const [mp] = await show('-6', '2001:db8:9::/64');
      expect(mp.nexthops?.map((n) => n.gateway)).toEqual(['2001:db8::2', '2001:db8::3']);

      await routes.add({ dst: '10.21.0.0/16', type: 'blackhole', table: 1000 });
      await routes.delete({ dst: '10.21.0.0/16', table: 1000 });
      expect(await show('table', '1000')).toEqual([]);
      await routes.add({ dst: 'default', via: '10.0.0.254' });
      await routes.delete({ dst: 'default' });
      await routes.delete({ dst: '2001:db8:9::/64' });
      expect(await show('-6', '2001:db8:9::/64')).toEqual([]);
      const none = await routes.delete({ dst: '10.99.0.0/16' }).catch((e: unknown) => e);
      expect(none).toBeInstanceOf(NetlinkError);
      expect((none as NetlinkError).code).toBe('ESRCH');
      expect((none as Error).message).toMatch(/^route delete 10\.99\.0\.0\/16: RTM_DELROUTE: ESRCH/);
      await expectIpAgrees(routes, names);
    } finally {
      await conn.close();
    }
  });

  it('rejects bad input before sending, names the route in kernel errors, and creates nothing', async () => {
    const { conn, routes } = await setup();
    try {
      const snapshot = () => runIp(ns.name, ['-d', 'route', 'show', 'table', 'all']);
      const snapshot6 = () => runIp(ns.name, ['-6', '-d', 'route', 'show', 'table', 'all']);
      const before = [await snapshot(), await snapshot6()];
      for (const r of [
        { dst: '10.0.0.0/33', dev: 'v0' },
        { dst: 'bogus', dev: 'v0' },
        { dst: '10.30.0.0/16', via: '10.0.0.300' },
        { dst: '10.30.0.0/16', dev: 'x'.repeat(128) },
        { dst: '10.30.0.0/16', nexthops: [{ via: '10.0.0.2', weight: 0 }] },
        {
          dst: '10.30.0.0/16',
          nexthops: [
            { via: '10.0.0.2', dev: 'nosuchdev' },
            { via: '10.0.0.3', weight: 1000 },
          ],
        },
        { dst: '2001:db8:30::/64', via: '10.0.0.2' },
        { dst: '10.30.0.0/16', via: '10.0.0.2', expires: 10 },
      ] satisfies RouteInput[]) {
        const e = await routes.add(r).catch((x: unknown) => x);
        expect(e, JSON.stringify(r)).toBeInstanceOf(ValidationError);
      }
      const nodev = await routes.add({ dst: '10.30.0.0/16', dev: 'nosuchdev' }).catch((x: unknown) => x);
      expect(nodev).toBeInstanceOf(NetlinkError);
      expect((nodev as NetlinkError).code).toBe('ENODEV');
      expect((nodev as Error).message).toMatch(
        /^route add 10\.30\.0\.0\/16: dev nosuchdev: RTM_GETLINK: ENODEV/,
      );
      const noidx = await routes.add({ dst: '10.30.0.0/16', dev: 4242 }).catch((x: unknown) => x);
      expect(noidx).toBeInstanceOf(NetlinkError);
      expect((noidx as NetlinkError).code).toBe('ENODEV');
      expect((noidx as Error).message).toMatch(/^route add 10\.30\.0\.0\/16: RTM_NEWROUTE: ENODEV/);
      const gw = await routes
        .add({ dst: '10.30.0.0/16', via: '192.168.77.1', table: 100 })
        .catch((x: unknown) => x);
      expect(gw).toBeInstanceOf(NetlinkError);
      expect((gw as NetlinkError).code).toBe('ENETUNREACH');
      expect((gw as NetlinkError).extAckMessage).toMatch(/gateway/i);
      expect((gw as Error).message).toMatch(
        /^route add 10\.30\.0\.0\/16 table 100: RTM_NEWROUTE: ENETUNREACH/,
      );
      const host = await routes.add({ dst: '10.30.1.0/16', via: '10.0.0.2' }).catch((x: unknown) => x);
      expect(host).toBeInstanceOf(NetlinkError);
      expect((host as NetlinkError).code).toBe('EINVAL');
      expect((host as NetlinkError).extAckMessage).toMatch(/prefix/i);
      expect([await snapshot(), await snapshot6()]).toEqual(before);
    } finally {
      await conn.close();
    }
  });
});
