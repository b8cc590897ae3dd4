import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connection } from '../src/netlink/connection.js';
import { ValidationError } from '../src/netlink/errors.js';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { type Neighbour, Neighbours } from '../src/rtnl/neigh/api.js';
import type { NeighTableAttrs } from '../src/rtnl/neigh/attrs.js';
import { RTM_GETNEIGHTBL } from '../src/rtnl/neigh/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { ipJson, kernelSkipReason, runIp, useTestNetns } from './helpers/netns.js';

/** An entry of `ip -j neigh show`. */
interface IpNeigh {
  dst: string;
  dev: string;
  lladdr?: string;
  state?: string[];
  router?: null;
  proxy?: null;
  extern_learn?: null;
  managed?: null;
  protocol?: string;
}

// The protocol names ip prints, for the numbers these tests use.
const PROTO_NAMES: Record<number, string> = { 4: 'static', 99: 'openr', 186: 'bgp' };

async function ifnames(ns: string): Promise<Map<number, string>> {
  const links = await ipJson<{ ifindex: number; ifname: string }[]>(ns, ['link', 'show']);
  return new Map(links.map((l) => [l.ifindex, l.ifname]));
}

/** An nlwire entry in the shape `ip -j neigh show` prints (dev by name, states upper case). */
function asIp(n: Neighbour, names: Map<number, string>): IpNeigh {
  const out: IpNeigh = { dst: n.dst ?? '', dev: names.get(n.ifindex) ?? `#${n.ifindex}` };
  if (n.lladdr !== undefined) out.lladdr = n.lladdr;
  if (n.router) out.router = null;
  if (n.proxy) out.proxy = null;
  if (n.externLearned) out.extern_learn = null;
  if (n.managed) out.managed = null;
  if (n.protocol !== undefined) out.protocol = PROTO_NAMES[n.protocol] ?? String(n.protocol);
  if (!n.proxy) out.state = n.state.length ? n.state.map((s) => s.toUpperCase()) : ['NONE'];
  return out;
}

/**
 * Reads nlwire's view between two reads of ip's, until ip's did not change meanwhile (IPv6 multicast
 * neighbours appear as MLD reports and router solicitations go out): then both must agree.
 */
async function settled<A, B>(ours: () => Promise<A>, theirs: () => Promise<B>): Promise<[A, B]> {
  for (let i = 0; ; i++) {
    const before = JSON.stringify(await theirs());
    const mine = await ours();
    const after = await theirs();
    if (before === JSON.stringify(after) || i === 5) return [mine, after];
  }
}

const byKey = (a: { dst: string; dev: string }, b: { dst: string; dev: string }) =>
  `${a.dev} ${a.dst}`.localeCompare(`${b.dev} ${b.dst}`);

describe.skipIf(kernelSkipReason('ip'))('Neighbours against the kernel and ip neigh', () => {
  const ns = useTestNetns('neigh');
  let conn: Connection;
  let neigh: Neighbours;

  beforeEach(async () => {
    for (const cmd of [
      'link add v0 type veth peer name v1',
      'link add w0 type veth peer name w1',
      'link set v0 up',
      'link set v1 up',
      'link set w0 up',
      'addr add 10.0.0.1/24 dev v0',
      'addr add 10.1.0.1/24 dev w0',
    ])
      await runIp(ns.name, cmd.split(' '));
    conn = Connection.open(rtnetlink, { netns: ns.name });
    neigh = new Neighbours(conn);
  });
  afterEach(async () => {
    await conn.close();
  });

  it('adds IPv4 and IPv6 entries that ip neigh shows field for field', async () => {
    await neigh.add({ dst: '10.0.0.2', lladdr: '02:00:00:00:00:02', dev: 'v0', state: 'permanent' });
    await neigh.add({ dst: '10.0.0.3', lladdr: '02:00:00:00:00:03', dev: 'v0', state: 'stale' });
    await neigh.add({ dst: '10.0.0.4', lladdr: '02:00:00:00:00:04', dev: 'v0', state: 'noarp' });
    await neigh.add({
      dst: '2001:db8::2',
      lladdr: '02:00:00:00:00:05',
      dev: 'v0',
      state: 'reachable',
      router: true,
    });
    await neigh.add({ dst: 'fe80::7', lladdr: '02:00:00:00:00:07', dev: { index: 4 }, state: 'permanent' });
    const ip = await ipJson<IpNeigh[]>(ns.name, ['neigh', 'show', 'nud', 'all']);
    const want = (dst: string) => ip.find((e) => e.dst === dst);
    expect(want('10.0.0.2')).toEqual({
      dst: '10.0.0.2',
      dev: 'v0',
      lladdr: '02:00:00:00:00:02',
      state: ['PERMANENT'],
    });
    expect(want('10.0.0.3')).toEqual({
      dst: '10.0.0.3',
      dev: 'v0',
      lladdr: '02:00:00:00:00:03',
      state: ['STALE'],
    });
    expect(want('10.0.0.4')).toEqual({
      dst: '10.0.0.4',
      dev: 'v0',
      lladdr: '02:00:00:00:00:04',
      state: ['NOARP'],
    });
    expect(want('2001:db8::2')).toEqual({
      dst: '2001:db8::2',
      dev: 'v0',
      lladdr: '02:00:00:00:00:05',
      router: null,
      state: ['REACHABLE'],
    });
    const names = await ifnames(ns.name);
    expect(want('fe80::7')?.dev).toBe(names.get(4));

    await neigh.add({
      dst: '10.0.0.5',
      lladdr: '02:00:00:00:00:06',
      dev: 'v0',
      state: 'stale',
      externLearned: true,
      protocol: 99,
    });
    await neigh.add({ dst: '10.0.0.6', dev: 'v0', state: 'none', managed: true });
    const ip2 = await ipJson<IpNeigh[]>(ns.name, ['neigh', 'show', 'nud', 'all']);
    expect(ip2.find((e) => e.dst === '10.0.0.5')).toEqual({
      dst: '10.0.0.5',
      dev: 'v0',
      lladdr: '02:00:00:00:00:06',
      extern_learn: null,
      state: ['STALE'],
      protocol: 'openr',
    });
    expect(ip2.find((e) => e.dst === '10.0.0.6')).toMatchObject({
      dst: '10.0.0.6',
      dev: 'v0',
      managed: null,
    });
  });

  it('reads every entry ip creates exactly as ip neigh shows it', async () => {
    for (const cmd of [
      'neigh add 10.0.0.20 lladdr 02:00:00:00:00:20 dev v0 nud permanent',
      'neigh add 10.0.0.21 lladdr 02:00:00:00:00:21 dev v0 nud stale',
      'neigh add 10.0.0.22 lladdr 02:00:00:00:00:22 dev v0 nud reachable',
      'neigh add 10.1.0.23 lladdr 02:00:00:00:00:23 dev w0 nud noarp',
      'neigh add 2001:db8::24 lladdr 02:00:00:00:00:24 dev w0 router nud permanent',
      'neigh add 2001:db8::25 lladdr 02:00:00:00:00:25 dev v0 nud noarp',
      'neigh add 10.0.0.26 lladdr 02:00:00:00:00:26 dev v0 extern_learn protocol 186 nud stale',
      'neigh add 10.0.0.27 dev v0 managed',
    ])
      await runIp(ns.name, cmd.split(' '));
    const names = await ifnames(ns.name);
    const ours = (await neigh.list()).map((n) => asIp(n, names)).sort(byKey);
    const ip = (await ipJson<IpNeigh[]>(ns.name, ['neigh', 'show', 'nud', 'all'])).sort(byKey);
    expect(ours).toEqual(ip);
    expect(ours.length).toBeGreaterThanOrEqual(8);
    expect(ours.find((e) => e.dst === '10.0.0.26')).toMatchObject({ extern_learn: null, protocol: 'bgp' });
    expect(ours.find((e) => e.dst === '10.0.0.27')).toMatchObject({ managed: null });

    const v4 = await neigh.list({ family: 'inet' });
    expect(v4.map((n) => n.dst).sort()).toEqual(
      (await ipJson<IpNeigh[]>(ns.name, ['-4', 'neigh', 'show', 'nud', 'all'])).map((e) => e.dst).sort(),
    );
    expect(v4.every((n) => n.family === 'inet')).toBe(true);
    const onW0 = await neigh.list({ dev: 'w0' });
    expect(onW0.map((n) => n.dst).sort()).toEqual(
      (await ipJson<IpNeigh[]>(ns.name, ['neigh', 'show', 'dev', 'w0', 'nud', 'all']))
        .map((e) => e.dst)
        .sort(),
    );
    const stale = await neigh.list({ state: 'stale' });
    expect(stale.map((n) => n.dst)).toContain('10.0.0.21');
    expect(stale.map((n) => n.dst).sort()).toEqual(
      (await ipJson<IpNeigh[]>(ns.name, ['neigh', 'show', 'nud', 'stale'])).map((e) => e.dst).sort(),
    );
    const perm = await neigh.list({ state: ['permanent', 'noarp'] });
    expect(perm.map((n) => n.dst)).toEqual(
      expect.arrayContaining(['10.0.0.20', '10.1.0.23', '2001:db8::24']),
    );
    expect(perm.every((n) => n.state.includes('permanent') || n.state.includes('noarp'))).toBe(true);
  });

  it('proxy entries both ways, IPv4 and IPv6', async () => {
    await neigh.add({ dst: '10.0.0.50', dev: 'v0', proxy: true });
    await neigh.add({ dst: '2001:db8::50', dev: 'w0', proxy: true });
    await runIp(ns.name, ['neigh', 'add', 'proxy', '10.1.0.51', 'dev', 'w0']);
    await runIp(ns.name, ['neigh', 'add', 'proxy', '2001:db8::51', 'dev', 'v0']);
    const names = await ifnames(ns.name);
    const ours = (await neigh.list({ proxy: true })).map((n) => asIp(n, names)).sort(byKey);
    const ip = (await ipJson<IpNeigh[]>(ns.name, ['neigh', 'show', 'proxy'])).sort(byKey);
    expect(ours).toEqual(ip);
    expect(ours.map((e) => e.dst).sort()).toEqual(['10.0.0.50', '10.1.0.51', '2001:db8::50', '2001:db8::51']);
    // A dump without NTF_PROXY holds no proxy entry.
    expect((await neigh.list()).some((n) => n.proxy)).toBe(false);
    expect((await neigh.list({ proxy: true, dev: 'v0' })).map((n) => n.dst).sort()).toEqual([
      '10.0.0.50',
      '2001:db8::51',
    ]);
    expect(await neigh.get({ dst: '10.1.0.51', dev: 'w0', proxy: true })).toMatchObject({
      dst: '10.1.0.51',
      proxy: true,
      flags: ['proxy'],
    });

    await neigh.delete({ dst: '10.1.0.51', dev: 'w0', proxy: true });
    await neigh.delete({ dst: '2001:db8::50', dev: 'w0', proxy: true });
    const left = await ipJson<IpNeigh[]>(ns.name, ['neigh', 'show', 'proxy']);
    expect(left.map((e) => e.dst).sort()).toEqual(['10.0.0.50', '2001:db8::51']);
  });

  it('get, replace, delete and the kernel errors, named by context', async () => {
    await neigh.add({ dst: '10.0.0.9', lladdr: '02:00:00:00:00:09', dev: 'v0' });
    const got = await neigh.get({ dst: '10.0.0.9', dev: 'v0' });
    expect(got).toMatchObject({
      family: 'inet',
      dst: '10.0.0.9',
      lladdr: '02:00:00:00:00:09',
      state: ['permanent'],
    });
    expect(got?.cacheinfo).toBeDefined();

    const dup = await neigh
      .add({ dst: '10.0.0.9', lladdr: '02:00:00:00:00:0a', dev: 'v0' })
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(NetlinkError);
    expect((dup as NetlinkError).code).toBe('EEXIST');
    expect((dup as NetlinkError).message).toMatch(/^neigh add 10\.0\.0\.9 dev v0: RTM_NEWNEIGH: EEXIST/);

    await neigh.replace({ dst: '10.0.0.9', lladdr: '02:00:00:00:00:0a', dev: 'v0', state: 'stale' });
    const [ip] = await ipJson<IpNeigh[]>(ns.name, ['neigh', 'show', '10.0.0.9', 'dev', 'v0']);
    // ip leaves out the device it was asked for.
    expect(ip).toEqual({ dst: '10.0.0.9', lladdr: '02:00:00:00:00:0a', state: ['STALE'] });

    await neigh.delete({ dst: '10.0.0.9', dev: 'v0' });
    expect(await ipJson(ns.name, ['neigh', 'show', '10.0.0.9', 'dev', 'v0'])).toEqual([]);
    expect(await neigh.get({ dst: '10.0.0.9', dev: 'v0' })).toBeUndefined();
    const gone = await neigh.delete({ dst: '10.0.0.9', dev: 'v0' }).catch((e: unknown) => e);
    expect((gone as NetlinkError).code).toBe('ENOENT');

    const nodev = await neigh
      .add({ dst: '10.0.0.8', lladdr: '02:00:00:00:00:08', dev: 'nosuch0' })
      .catch((e: unknown) => e);
    expect((nodev as NetlinkError).code).toBe('ENODEV');
    expect((nodev as NetlinkError).message).toMatch(
      /^neigh add 10\.0\.0\.8 dev nosuch0: dev nosuch0: RTM_GETLINK/,
    );
  });

  it('filters by master: entries on the ports of a bridge, as ip neigh show master', async () => {
    await runIp(ns.name, ['link', 'add', 'br0', 'type', 'bridge']);
    await runIp(ns.name, ['link', 'set', 'w1', 'master', 'br0']);
    await neigh.add({ dst: '10.9.0.2', lladdr: '02:00:00:00:09:02', dev: 'w1' });
    await neigh.add({ dst: '10.9.0.3', lladdr: '02:00:00:00:09:03', dev: 'v1' });
    const [ours, ip] = await settled(
      () => neigh.list({ master: 'br0' }),
      () => ipJson<IpNeigh[]>(ns.name, ['neigh', 'show', 'master', 'br0', 'nud', 'all']),
    );
    expect(ours.map((n) => n.dst).sort()).toEqual(ip.map((e) => e.dst).sort());
    expect(ours.map((n) => n.dst)).toContain('10.9.0.2');
    expect(ours.map((n) => n.dst)).not.toContain('10.9.0.3');
  });

  it('decodes the neighbour tables (RTM_GETNEIGHTBL) as ip ntable shows them', async () => {
    const names = await ifnames(ns.name);
    const [tables, ip] = await settled(
      async () =>
        (await conn.dump(RTM_GETNEIGHTBL, { family: 0 }, {})).map((m) => {
          const h = m.header as { family: number };
          const a = m.attrs as NeighTableAttrs;
          const p = a.parms ?? {};
          const o: Record<string, unknown> = {
            family: h.family === 2 ? 'inet' : h.family === 10 ? 'inet6' : h.family,
          };
          o.name = a.name;
          if (p.ifindex) o.dev = names.get(p.ifindex);
          if (a.thresh1 !== undefined)
            Object.assign(o, { thresh1: a.thresh1, thresh2: a.thresh2, thresh3: a.thresh3 });
          if (a.gcInterval !== undefined) o.gc_interval = Number(a.gcInterval);
          Object.assign(o, {
            refcnt: p.refcnt,
            reachable: Number(p.reachableTime),
            base_reachable: Number(p.baseReachableTime),
            retrans: Number(p.retransTime),
            gc_stale: Number(p.gcStaletime),
            delay_probe: Number(p.delayProbeTime),
            queue: p.queueLen,
            app_probes: p.appProbes,
            ucast_probes: p.ucastProbes,
            mcast_probes: p.mcastProbes,
            anycast_delay: Number(p.anycastDelay),
            proxy_delay: Number(p.proxyDelay),
            proxy_queue: p.proxyQlen,
            locktime: Number(p.locktime),
          });
          expect(a.unknownAttrs).toBeUndefined();
          expect(p.unknownAttrs).toBeUndefined();
          return o;
        }),
      () => ipJson<Record<string, unknown>[]>(ns.name, ['ntable', 'show']),
    );
    const key = (t: Record<string, unknown>) => `${t.family} ${t.name} ${t.dev ?? ''}`;
    const sort = (l: Record<string, unknown>[]) => [...l].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sort(tables)).toEqual(sort(ip));
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['arp_cache', 'ndisc_cache']));
  });

  it('rejects bad input with ValidationError before sending anything', async () => {
    const bad = [
      { dst: '10.0.0.300', lladdr: '02:00:00:00:00:01', dev: 'v0' },
      { dst: '10.0.0.30', lladdr: '02:00:00:00:00:zz', dev: 'v0' },
      { dst: '10.0.0.30', lladdr: '02:00:00:00:00:01', dev: 'v0', state: 'happy' },
      { dst: '10.0.0.30', lladdr: '02:00:00:00:00:01' },
      { dst: '10.0.0.30', lladdr: '02:00:00:00:00:01', dev: '' },
      { dst: '10.0.0.30', lladdr: '02:00:00:00:00:01', dev: { index: 0 } },
      { dst: '10.0.0.30', lladdr: '02:00:00:00:00:01', dev: 'v0', protocol: 256 },
    ];
    for (const e of bad) await expect(neigh.add(e as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(neigh.list({ family: 'ipx' as never })).rejects.toThrow(/family/);
    expect(await ipJson(ns.name, ['neigh', 'show', '10.0.0.30'])).toEqual([]);
  });
});
