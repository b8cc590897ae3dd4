import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { IFF } from '../src/constants/if.js';
import { RTNLGRP } from '../src/constants/rtnetlink.js';
import { AF } from '../src/constants/socket.js';
import { Connection } from '../src/netlink/connection.js';
import { ValidationError } from '../src/netlink/errors.js';
import {
  groupNumbers,
  type LinkEvent,
  type RtnlEvent,
  snapshot,
  type Watch,
  watch,
} from '../src/rtnl/events/index.js';
import { RTM_NEWLINK } from '../src/rtnl/link/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { ipJson, runIp, useTestNetns } from './helpers/netns.js';

const bridgeOut = async (args: string[]) => (await promisify(execFile)('bridge', args)).stdout;

/** Reads events with a deadline, without losing the one a timed-out read was waiting for. */
function reader(w: Watch) {
  let pending: Promise<IteratorResult<RtnlEvent>> | undefined;
  const next = async (ms: number): Promise<RtnlEvent | 'timeout' | 'done'> => {
    pending ??= w.next();
    const r = await Promise.race([pending, sleep(ms).then(() => 'timeout' as const)]);
    if (r === 'timeout') return r;
    pending = undefined;
    return r.done ? 'done' : r.value;
  };
  /** Collects events until `stop` matches one (included); throws on timeout or end. */
  const until = async (stop: (ev: RtnlEvent) => boolean, ms = 5000): Promise<RtnlEvent[]> => {
    const out: RtnlEvent[] = [];
    const end = Date.now() + ms;
    for (;;) {
      const ev = await next(Math.max(1, end - Date.now()));
      if (ev === 'timeout' || ev === 'done')
        throw new Error(`${ev} after ${out.length} events: ${out.map(label).join(', ')}`);
      out.push(ev);
      if (stop(ev)) return out;
    }
  };
  /** Collects whatever comes within `ms`. */
  const drain = async (ms: number): Promise<RtnlEvent[]> => {
    const out: RtnlEvent[] = [];
    const end = Date.now() + ms;
    for (;;) {
      const ev = await next(Math.max(1, end - Date.now()));
      if (ev === 'timeout' || ev === 'done') return out;
      out.push(ev);
    }
  };
  return { until, drain };
}

function label(ev: RtnlEvent): string {
  return ev.kind === 'overrun' || ev.kind === 'raw' ? ev.kind : `${ev.kind} ${ev.action}`;
}

/** The address family in an object event's header (every rtnetlink header has one). */
function familyOf(ev: RtnlEvent): number | undefined {
  return ev.kind === 'overrun' || ev.kind === 'raw' ? undefined : ev.message.header.family;
}

const isLink = (name: string, action?: 'new' | 'del') => (ev: RtnlEvent) =>
  ev.kind === 'link' && ev.message.attrs.ifname === name && (action === undefined || ev.action === action);

describe('watch against the kernel', () => {
  const ns = useTestNetns('events');

  it('yields link add, up and delete (ip link) as typed link events', async () => {
    const w = watch(['link'], { netns: ns.name });
    try {
      const r = reader(w);
      await runIp(ns.name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
      const added = (await r.until(isLink('v0'))).at(-1) as LinkEvent;
      expect(added.action).toBe('new');
      expect(added.group).toBe(RTNLGRP.RTNLGRP_LINK);
      expect((added.message.header.flags ?? 0) & IFF.IFF_UP).toBe(0);
      const [ip] = await ipJson<{ ifindex: number; mtu: number; address: string }[]>(ns.name, [
        'link',
        'show',
        'v0',
      ]);
      expect(added.message.header.index).toBe(ip.ifindex);
      expect(added.message.attrs.mtu).toBe(ip.mtu);
      expect(added.message.attrs.address).toBe(ip.address);

      await runIp(ns.name, ['link', 'set', 'v0', 'up']);
      const up = (await r.until(isLink('v0'))).at(-1) as LinkEvent;
      expect(up.action).toBe('new');
      expect((up.message.header.flags ?? 0) & IFF.IFF_UP).toBe(IFF.IFF_UP);
      expect((up.message.header.change ?? 0) & IFF.IFF_UP).toBe(IFF.IFF_UP);

      await runIp(ns.name, ['link', 'del', 'v0']);
      const gone = (await r.until(isLink('v0', 'del'))).at(-1) as LinkEvent;
      expect(gone.message.header.index).toBe(ip.ifindex);
      await r.until(isLink('v1', 'del'));
    } finally {
      await w.close();
    }
  });

  it('yields address, route and neighbour events matching ip -j', async () => {
    await runIp(ns.name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    await runIp(ns.name, ['link', 'set', 'v0', 'up']);
    const w = watch(['addr', 'route', 'neigh'], { netns: ns.name });
    try {
      const r = reader(w);
      await runIp(ns.name, ['addr', 'add', '192.0.2.1/24', 'dev', 'v0']);
      const addr = (await r.until((ev) => ev.kind === 'address')).at(-1);
      if (addr?.kind !== 'address') throw new Error('no address event');
      expect(addr.action).toBe('new');
      expect(addr.group).toBe(RTNLGRP.RTNLGRP_IPV4_IFADDR);
      const [ipa] = await ipJson<{ ifindex: number; addr_info: { local: string; prefixlen: number }[] }[]>(
        ns.name,
        ['-4', 'addr', 'show', 'dev', 'v0'],
      );
      expect(addr.message.header).toMatchObject({
        family: AF.AF_INET,
        index: ipa.ifindex,
        prefixlen: ipa.addr_info[0].prefixlen,
      });
      expect(addr.message.attrs.local).toBe(ipa.addr_info[0].local);

      await runIp(ns.name, ['route', 'add', '198.51.100.0/24', 'via', '192.0.2.2', 'metric', '7']);
      const isOurRoute = (ev: RtnlEvent) => ev.kind === 'route' && ev.message.attrs.dst === '198.51.100.0';
      const route = (await r.until(isOurRoute)).at(-1);
      if (route?.kind !== 'route') throw new Error('no route event');
      const [ipr] = await ipJson<{ dst: string; gateway: string; dev: string; metric: number }[]>(ns.name, [
        'route',
        'show',
        '198.51.100.0/24',
      ]);
      expect(`${route.message.attrs.dst}/${route.message.header.dstLen}`).toBe(ipr.dst);
      expect(route.message.attrs.gateway).toBe(ipr.gateway);
      expect(route.message.attrs.priority).toBe(ipr.metric);
      expect(route.message.attrs.oif).toBe(ipa.ifindex);
      expect(route.action).toBe('new');
      expect(route.group).toBe(RTNLGRP.RTNLGRP_IPV4_ROUTE);

      await runIp(ns.name, ['neigh', 'add', '192.0.2.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'v0']);
      const isOurNeigh = (ev: RtnlEvent) => ev.kind === 'neighbour' && ev.message.attrs.dst === '192.0.2.9';
      const neigh = (await r.until(isOurNeigh)).at(-1);
      if (neigh?.kind !== 'neighbour') throw new Error('no neighbour event');
      const [ipn] = await ipJson<{ dst: string; lladdr: string; state: string[] }[]>(ns.name, [
        'neigh',
        'show',
        '192.0.2.9',
      ]);
      expect(neigh.action).toBe('new');
      expect(neigh.message.attrs.lladdr).toBe(ipn.lladdr);
      expect(neigh.message.header.ifindex).toBe(ipa.ifindex);
      expect(ipn.state).toEqual(['PERMANENT']);

      await runIp(ns.name, ['route', 'del', '198.51.100.0/24']);
      const routeGone = (await r.until(isOurRoute)).at(-1);
      expect(routeGone?.kind === 'route' && routeGone.action).toBe('del');
      await runIp(ns.name, ['addr', 'del', '192.0.2.1/24', 'dev', 'v0']);
      const addrGone = (await r.until((ev) => ev.kind === 'address' && ev.action === 'del')).at(-1);
      expect(addrGone?.kind === 'address' && addrGone.message.attrs.local).toBe('192.0.2.1');
    } finally {
      await w.close();
    }
  });

  it('yields rule and nsid events', async () => {
    const other = await ns.create('events-peer');
    const w = watch(['rule', 'nsid'], { netns: ns.name });
    try {
      const r = reader(w);
      await runIp(ns.name, ['rule', 'add', 'from', '10.9.0.0/16', 'table', '100', 'pref', '1234']);
      const rule = (await r.until((ev) => ev.kind === 'rule')).at(-1);
      if (rule?.kind !== 'rule') throw new Error('no rule event');
      expect(rule.action).toBe('new');
      expect(rule.message.attrs).toMatchObject({ src: '10.9.0.0', priority: 1234, table: 100 });
      expect(rule.message.header.srcLen).toBe(16);

      await runIp(ns.name, ['netns', 'set', other, '5']);
      const nsid = (await r.until((ev) => ev.kind === 'nsid')).at(-1);
      if (nsid?.kind !== 'nsid') throw new Error('no nsid event');
      expect(nsid.action).toBe('new');
      expect(nsid.message.attrs.nsid).toBe(5);
      const ids = await ipJson<{ nsid: number; name: string }[]>(ns.name, ['netns', 'list-id']);
      expect(ids).toEqual([{ nsid: 5, name: other }]);

      await runIp(ns.name, ['rule', 'del', 'pref', '1234']);
      const ruleGone = (await r.until((ev) => ev.kind === 'rule')).at(-1);
      expect(ruleGone?.kind === 'rule' && ruleGone.action).toBe('del');
    } finally {
      await w.close();
    }
  });

  it('subscribes to the groups named, and only those', async () => {
    await runIp(ns.name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    await runIp(ns.name, ['link', 'set', 'v0', 'up']);
    const w6 = watch(['ipv6-addr'], { netns: ns.name });
    const w4 = watch(['ipv4-route'], { netns: ns.name });
    try {
      await runIp(ns.name, ['addr', 'add', '192.0.2.1/24', 'dev', 'v0']);
      await runIp(ns.name, ['addr', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad']);
      const six = await reader(w6).until(
        (ev) => ev.kind === 'address' && ev.message.attrs.address === '2001:db8::1',
      );
      expect(six.filter((ev) => ev.kind !== 'address' || ev.message.header.family !== AF.AF_INET6)).toEqual(
        [],
      );
      const four = await reader(w4).until(
        (ev) => ev.kind === 'route' && ev.message.attrs.dst === '192.0.2.0',
      );
      expect(four.filter((ev) => ev.kind !== 'route' || ev.message.header.family !== AF.AF_INET)).toEqual([]);
      expect(await reader(w6).drain(200)).toEqual([]);
    } finally {
      await w6.close();
      await w4.close();
    }
  });

  it('yields an overrun when events were lost, and goes on', async () => {
    const w = watch(['link'], { netns: ns.name, rcvbuf: 4096, queueLimit: 1 });
    try {
      await runIp(ns.name, ['link', 'add', 'pre0', 'type', 'ifb']);
      for (let i = 0; i < 100 && w.stats.datagrams < 1; i++) await sleep(10);
      for (let i = 0; i < 30; i++) await runIp(ns.name, ['link', 'add', `b${i}`, 'type', 'ifb']);
      const r = reader(w);
      const evs = await r.until((ev) => ev.kind === 'overrun');
      expect(evs.at(-1)).toEqual({ kind: 'overrun', reason: 'enobufs' });
      await runIp(ns.name, ['link', 'add', 'after0', 'type', 'ifb']);
      expect((await r.until(isLink('after0'))).map(label)).toEqual(['link new']);
      // Resynchronise: the snapshot has every link, as ip sees them.
      const snap = await w.snapshot();
      const names = snap.map((ev) => (ev.kind === 'link' ? ev.message.attrs.ifname : ev.kind)).sort();
      const ip = await ipJson<{ ifname: string }[]>(ns.name, ['link', 'show']);
      expect(names).toEqual(ip.map((l) => l.ifname).sort());
      expect(names).toHaveLength(33);
    } finally {
      await w.close();
    }
  });

  it('snapshot lists what the groups cover, as ip -j does', async () => {
    const other = await ns.create('events-peer');
    await runIp(ns.name, ['link', 'set', 'lo', 'up']);
    await runIp(ns.name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    await runIp(ns.name, ['link', 'add', 'br0', 'type', 'bridge']);
    await runIp(ns.name, ['link', 'set', 'v1', 'master', 'br0']);
    for (const l of ['v0', 'v1', 'br0']) await runIp(ns.name, ['link', 'set', l, 'up']);
    await runIp(ns.name, ['addr', 'add', '192.0.2.1/24', 'dev', 'v0']);
    await runIp(ns.name, ['addr', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad']);
    await runIp(ns.name, ['route', 'add', '198.51.100.0/24', 'via', '192.0.2.2']);
    await runIp(ns.name, ['route', 'add', '203.0.113.0/24', 'dev', 'v0', 'table', '100']);
    await runIp(ns.name, ['neigh', 'add', '192.0.2.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'v0']);
    await runIp(ns.name, ['rule', 'add', 'from', '10.9.0.0/16', 'table', '100']);
    await runIp(ns.name, ['netns', 'set', other, '5']);
    const ipCount = async (args: string[]) => (await ipJson<unknown[]>(ns.name, args)).length;
    const bridgeCount = async (args: string[]) =>
      (JSON.parse(await bridgeOut(['-n', ns.name, '-j', ...args])) as unknown[]).length;
    // What iproute2 lists, by kind and family. IPv6 addresses and routes, and multicast neighbours,
    // keep appearing for a moment after links come up: compare until both sides agree (or give up).
    const fromTools = async () => {
      const addrs = await ipJson<{ addr_info: unknown[] }[]>(ns.name, ['addr', 'show']);
      return {
        link: await ipCount(['link', 'show']),
        bridgePort: await bridgeCount(['link', 'show']),
        address: addrs.reduce((n, l) => n + l.addr_info.length, 0),
        route4: await ipCount(['-4', 'route', 'show', 'table', 'all']),
        route6: await ipCount(['-6', 'route', 'show', 'table', 'all']),
        neigh4: await ipCount(['-4', 'neigh', 'show', 'nud', 'all']),
        neigh6: await ipCount(['-6', 'neigh', 'show', 'nud', 'all']),
        fdb: await bridgeCount(['fdb', 'show']),
        rule4: await ipCount(['-4', 'rule', 'show']),
        rule6: await ipCount(['-6', 'rule', 'show']),
        nsid: await ipCount(['netns', 'list-id']),
      };
    };
    const fromSnapshot = (snap: RtnlEvent[]) => {
      const count = (kind: string, family?: number) =>
        snap.filter((ev) => ev.kind === kind && (family === undefined || familyOf(ev) === family)).length;
      return {
        link: count('link', AF.AF_UNSPEC),
        bridgePort: count('link', AF.AF_BRIDGE),
        address: count('address'),
        route4: count('route', AF.AF_INET),
        route6: count('route', AF.AF_INET6),
        neigh4: count('neighbour', AF.AF_INET),
        neigh6: count('neighbour', AF.AF_INET6),
        fdb: count('neighbour', AF.AF_BRIDGE),
        rule4: count('rule', AF.AF_INET),
        rule6: count('rule', AF.AF_INET6),
        nsid: count('nsid'),
      };
    };
    let snap = await snapshot(['all'], { netns: ns.name });
    let tools = await fromTools();
    for (let i = 0; i < 10 && JSON.stringify(fromSnapshot(snap)) !== JSON.stringify(tools); i++) {
      await sleep(300);
      snap = await snapshot(['all'], { netns: ns.name });
      tools = await fromTools();
    }
    expect(fromSnapshot(snap)).toEqual(tools);
    expect(tools).toMatchObject({ link: 4, bridgePort: 1, nsid: 1 });
    expect(tools.fdb).toBeGreaterThan(0);
    expect(tools.rule4).toBe(4);
    const route = snap.find((ev) => ev.kind === 'route' && ev.message.attrs.dst === '203.0.113.0');
    expect(route?.kind === 'route' && route.message.attrs.table).toBe(100);
    // Links come first (every other object refers to them).
    expect(snap[0].kind).toBe('link');
  });

  it('yields events within a few ms of the change (latency printed)', async () => {
    await runIp(ns.name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    const [{ ifindex }] = await ipJson<{ ifindex: number }[]>(ns.name, ['link', 'show', 'v0']);
    const w = watch(['link'], { netns: ns.name });
    const c = Connection.open(rtnetlink, { netns: ns.name });
    try {
      const r = reader(w);
      const lat: number[] = [];
      for (let i = 0; i < 50; i++) {
        const mtu = 1000 + i;
        const t0 = performance.now();
        const done = c.request(RTM_NEWLINK, { index: ifindex }, { mtu }, { context: 'link set v0 mtu' });
        await r.until(
          (ev) => ev.kind === 'link' && ev.message.attrs.ifname === 'v0' && ev.message.attrs.mtu === mtu,
        );
        lat.push(performance.now() - t0);
        await done;
      }
      lat.sort((a, b) => a - b);
      console.log(
        `watch latency (request sent -> event yielded) over 50 changes: p50 ${lat[25].toFixed(3)} ms, p90 ${lat[45].toFixed(3)} ms, max ${lat[49].toFixed(3)} ms`,
      );
      expect(lat[25]).toBeLessThan(20);
    } finally {
      await c.close();
      await w.close();
    }
  });
});

describe('watch groups', () => {
  it('maps names to RTNLGRP_* groups', () => {
    expect(groupNumbers(['link'])).toEqual([RTNLGRP.RTNLGRP_LINK]);
    expect(groupNumbers(['addr', 'ipv4-addr'])).toEqual([
      RTNLGRP.RTNLGRP_IPV4_IFADDR,
      RTNLGRP.RTNLGRP_IPV6_IFADDR,
    ]);
    expect(groupNumbers(['all'])).toEqual(
      [
        RTNLGRP.RTNLGRP_LINK,
        RTNLGRP.RTNLGRP_NEIGH,
        RTNLGRP.RTNLGRP_IPV4_IFADDR,
        RTNLGRP.RTNLGRP_IPV4_ROUTE,
        RTNLGRP.RTNLGRP_IPV4_RULE,
        RTNLGRP.RTNLGRP_IPV6_IFADDR,
        RTNLGRP.RTNLGRP_IPV6_ROUTE,
        RTNLGRP.RTNLGRP_IPV6_RULE,
        RTNLGRP.RTNLGRP_NSID,
      ].sort((a, b) => a - b),
    );
  });

  it('rejects unknown names and an empty list before opening anything', () => {
    expect(() => watch(['links' as 'link'])).toThrow(ValidationError);
    expect(() => watch(['links' as 'link'])).toThrow(/invalid groups "links": unknown/);
    expect(() => watch([])).toThrow(ValidationError);
    expect(() => groupNumbers(['toString' as 'link'])).toThrow(ValidationError);
  });
});
