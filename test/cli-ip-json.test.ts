/**
 * `nlwire -j` against `ip -j` (and `bridge -j fdb`), field by field, in a throwaway namespace: links of
 * every kind this kernel has (veth, bridge and its ports, vxlan, macvlan, macvtap, ifb, a tap made with
 * `ip tuntap`), with and without -d, addresses, routes (multipath, table 100, every table, IPv6, route get),
 * neighbours, FDB entries and rules. The CLI is spawned as a user runs it.
 *
 * Two things are normalised on ip's side only: the bridge timers (hello_timer, gc_timer...) tick between
 * the two reads, and ip 6.1 prints an empty `{}` for each entry a filter leaves out (a bug nlwire does
 * not reproduce).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { ipJson, kernelSkipReason, runIp, useTestNetns } from './helpers/netns.js';

const execFileP = promisify(execFile);

/** Runs the CLI; resolves with its exit status and output. */
async function nlwire(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP('node', ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

/** `nlwire -n NS -j ARGS` parsed. */
async function nlJson(ns: string, args: readonly string[]): Promise<unknown> {
  const r = await nlwire(['-n', ns, '-j', ...args]);
  expect(r.stderr, `nlwire ${args.join(' ')}`).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.trim() === '' ? [] : JSON.parse(r.stdout);
}

/** Whether a field counts down between two reads: bridge timers, finite address lifetimes. */
const ticking = (k: string, x: unknown): boolean =>
  k.endsWith('_timer') || (k.endsWith('_life_time') && x !== 0xffffffff);

/** Ticking fields must be in both, their values are not compared. */
function dropTimers(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropTimers);
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, ticking(k, x) ? typeof x : dropTimers(x)]),
    );
  return v;
}

/** ip 6.1 leaves `{}` in arrays for entries its filters skip. */
function dropEmpty(v: unknown): unknown {
  if (Array.isArray(v))
    return v
      .filter(
        (x) => !(typeof x === 'object' && x !== null && !Array.isArray(x) && Object.keys(x).length === 0),
      )
      .map(dropEmpty);
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, dropEmpty(x)]));
  return v;
}

/** Compares field by field (and key order, which scripts may print), naming the first difference. */
async function same(ns: string, args: readonly string[], tool: 'ip' | 'bridge' = 'ip'): Promise<unknown> {
  const mine = await nlJson(ns, args);
  const theirs =
    tool === 'ip'
      ? await ipJson(ns, args)
      : JSON.parse((await execFileP('bridge', ['-n', ns, '-j', ...args])).stdout || '[]');
  const a = dropTimers(mine);
  const b = dropTimers(dropEmpty(theirs));
  expect(a, `nlwire -j ${args.join(' ')} vs ${tool} -j`).toEqual(b);
  // Same key order too: compare the serialisations.
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  return mine;
}

/** Waits until IPv6 duplicate address detection is over (no tentative address), so two reads agree. */
async function settled(ns: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const out = await runIp(ns, ['-6', 'address', 'show', 'tentative']);
    if (!out.includes('tentative')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${ns}: IPv6 addresses still tentative after 10 s`);
}

describe.skipIf(kernelSkipReason('ip', 'bridge'))('nlwire -j against ip -j', () => {
  const ns = useTestNetns('cli-json');
  let peer: string;

  beforeEach(async () => {
    peer = await ns.create('cli-json-peer');
    const cmds = [
      'link set lo up',
      'link add v0 type veth peer name v1',
      'link add br0 type bridge stp_state 1 forward_delay 400',
      'link set v0 master br0',
      'link set br0 up',
      'link set v0 up',
      'link set v1 up',
      'link add vx0 type vxlan id 42 local 10.0.0.1 remote 10.0.0.2 dstport 4789',
      'link add vx6 type vxlan id 43 local 2001:db8::1 group ff05::1 dev v1 dstport 4790 ttl 9 nolearning srcport 1000 2000 ageing 100',
      'link add link v1 name mv0 type macvlan mode bridge',
      'link add link v1 name mvt0 type macvtap mode vepa',
      'link add ifb0 type ifb',
      `link add p0 type veth peer name p1 netns ${peer}`,
      'link set p0 up',
      'link set vx0 alias "a vxlan"',
      'addr add 10.0.0.1/24 dev p0',
      'addr add 10.0.0.5/24 dev p0',
      'addr add 10.9.0.1 peer 10.9.0.2/32 dev p0 label p0:x',
      'addr add 2001:db8::1/64 dev p0 nodad',
      'addr add 10.1.0.1/24 brd + dev v1 valid_lft 1000 preferred_lft 500',
    ];
    for (const c of cmds)
      await runIp(ns.name, c.match(/"[^"]*"|\S+/g)?.map((w) => w.replace(/"/g, '')) ?? []);
    await runIp(ns.name, ['tuntap', 'add', 'tap0', 'mode', 'tap']);
    await runIp(peer, ['link', 'set', 'p1', 'up']);
    await runIp(peer, ['addr', 'add', '10.0.0.2/24', 'dev', 'p1']);
    await settled(ns.name);
  });

  it('links, with and without -d, -s, pretty', async () => {
    const links = (await same(ns.name, ['link', 'show'])) as { ifname: string }[];
    expect(links.map((l) => l.ifname)).toEqual(
      expect.arrayContaining(['lo', 'v0', 'v1', 'br0', 'vx0', 'vx6', 'mv0', 'mvt0', 'ifb0', 'p0', 'tap0']),
    );
    const detailed = (await same(ns.name, ['-d', 'link', 'show'])) as {
      ifname: string;
      linkinfo?: { info_kind?: string; info_slave_kind?: string; info_data?: Record<string, unknown> };
    }[];
    const kinds = new Set(detailed.map((l) => l.linkinfo?.info_kind));
    for (const k of ['veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'ifb', 'tun'])
      expect(kinds).toContain(k);
    expect(detailed.find((l) => l.ifname === 'v0')?.linkinfo?.info_slave_kind).toBe('bridge');
    expect(detailed.find((l) => l.ifname === 'vx6')?.linkinfo?.info_data).toMatchObject({
      id: 43,
      group6: 'ff05::1',
      learning: false,
      ageing: 100,
      port_range: { low: 1000, high: 2000 },
    });
    for (const dev of ['v0', 'br0', 'vx0', 'tap0', 'p0']) {
      await same(ns.name, ['link', 'show', 'dev', dev]);
      await same(ns.name, ['-d', 'link', 'show', dev]);
    }
    await same(ns.name, ['link', 'show', 'master', 'br0']);
    await same(ns.name, ['link', 'show', 'type', 'veth']);
    await same(ns.name, ['link', 'show', 'up']);
    await same(ns.name, ['-s', 'link', 'show', 'dev', 'ifb0']);
    await same(ns.name, ['-s', '-s', 'link', 'show', 'dev', 'ifb0']);
    await same(ns.name, ['-6', 'link', 'show']);
    const pretty = await nlwire(['-n', ns.name, '-j', '-p', 'link', 'show', 'lo']);
    expect(pretty.stdout).toBe(await runIp(ns.name, ['-j', '-p', 'link', 'show', 'lo']));
  });

  it('addresses', async () => {
    await same(ns.name, ['address', 'show']);
    await same(ns.name, ['-d', 'address', 'show', 'dev', 'v1']);
    await same(ns.name, ['-4', 'address', 'show']);
    await same(ns.name, ['-6', 'address', 'show']);
    await same(ns.name, ['address', 'show', 'dev', 'p0']);
    await same(ns.name, ['address', 'show', 'to', '10.0.0.0/24']);
    await same(ns.name, ['address', 'show', 'scope', 'link']);
    await same(ns.name, ['address', 'show', 'secondary']);
    await same(ns.name, ['-o', 'address', 'show']);
    const [v1] = (await nlJson(ns.name, ['-4', 'address', 'show', 'dev', 'v1'])) as {
      addr_info: Record<string, unknown>[];
    }[];
    expect(v1.addr_info[0]).toMatchObject({ local: '10.1.0.1', broadcast: '10.1.0.255', dynamic: true });
  });

  it('routes: main, table 100, multipath, metrics, every table, IPv6, get', async () => {
    const cmds = [
      'route add 10.5.0.0/16 via 10.0.0.2 table 100',
      'route add 10.6.0.0/16 nexthop via 10.0.0.2 weight 2 nexthop via 10.1.0.2 dev v1',
      'route add 10.7.0.0/16 via 10.0.0.2 metric 50 mtu lock 1400 advmss 1300 rtt 100ms src 10.0.0.1',
      'route add default via 10.0.0.2',
      'route add blackhole 10.8.0.0/16',
      'route add unreachable 10.8.1.0/24 table 100',
      'route add 10.9.9.0/24 dev v1 scope link proto static',
      'route add 2001:db8:5::/64 via 2001:db8::2 pref high',
      'route add 2001:db8:6::/64 nexthop via 2001:db8::2 dev p0 nexthop via 2001:db8::3 dev p0',
    ];
    for (const c of cmds) await runIp(ns.name, c.split(' '));
    await same(ns.name, ['route', 'show']);
    await same(ns.name, ['-d', 'route', 'show']);
    const t100 = (await same(ns.name, ['route', 'show', 'table', '100'])) as object[];
    expect(t100).toHaveLength(2);
    await same(ns.name, ['route', 'show', 'table', 'all']);
    await same(ns.name, ['-4', 'route', 'show', 'table', 'all']);
    await same(ns.name, ['-6', 'route', 'show']);
    await same(ns.name, ['-6', 'route', 'show', 'table', 'all']);
    await same(ns.name, ['route', 'show', '10.6.0.0/16']);
    await same(ns.name, ['route', 'show', 'root', '10.0.0.0/8']);
    await same(ns.name, ['route', 'show', 'match', '10.6.1.1']);
    await same(ns.name, ['route', 'show', 'proto', 'kernel']);
    await same(ns.name, ['route', 'show', 'dev', 'p0']);
    await same(ns.name, ['route', 'get', '10.6.1.1']);
    await same(ns.name, ['route', 'get', '10.7.1.1', 'from', '10.0.0.1']);
    await same(ns.name, ['-6', 'route', 'get', '2001:db8:5::1']);
    const [mp] = (await nlJson(ns.name, ['route', 'show', '10.6.0.0/16'])) as { nexthops: unknown[] }[];
    expect(mp.nexthops).toEqual([
      { gateway: '10.0.0.2', dev: 'p0', weight: 2, flags: [] },
      { gateway: '10.1.0.2', dev: 'v1', weight: 1, flags: [] },
    ]);
  });

  it('neighbours, FDB entries and rules', async () => {
    const cmds = [
      'neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev p0 nud permanent',
      'neigh add 10.0.0.10 lladdr 02:00:00:00:00:0a dev p0 nud reachable router',
      'neigh add 2001:db8::9 lladdr 02:00:00:00:00:19 dev p0 router nud stale',
      'neigh add proxy 10.0.0.11 dev p0',
      'neigh add 10.0.0.12 dev p0 nud noarp lladdr 02:00:00:00:00:12',
      'rule add from 10.0.0.0/24 table 100 pref 1000',
      'rule add to 10.9.0.0/16 iif p0 fwmark 0x10/0xff lookup 200 pref 1001',
      'rule add not from all oif v1 goto 32766 pref 1002',
      'rule add from all ipproto tcp dport 80-90 sport 22 uidrange 100-200 prohibit pref 1003',
      'rule add from 10.1.0.0/16 table main suppress_prefixlength 0 pref 1005',
      '-6 rule add from 2001:db8::/32 table 300 pref 1006',
    ];
    for (const c of cmds) await runIp(ns.name, c.split(' '));
    await same(ns.name, ['neigh', 'show']);
    await same(ns.name, ['neigh', 'show', 'dev', 'p0']);
    await same(ns.name, ['neigh', 'show', 'proxy']);
    await same(ns.name, ['neigh', 'show', 'nud', 'all']);
    await same(ns.name, ['-6', 'neigh', 'show']);
    await same(ns.name, ['neigh', 'show', 'nud', 'permanent']);
    await same(ns.name, ['rule', 'show']);
    await same(ns.name, ['-d', 'rule', 'show']);
    await same(ns.name, ['-6', 'rule', 'show']);
    for (const c of [
      'fdb add 02:00:00:00:00:aa dev v0 master static',
      'fdb add 02:00:00:00:00:bb dev v0 master',
      'fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.8 self port 4790 vni 7',
      'fdb add 02:00:00:00:00:cc dev vx0 dst 10.0.0.9 self',
    ])
      await execFileP('bridge', ['-n', ns.name, ...c.split(' ')]);
    await same(ns.name, ['fdb', 'show'], 'bridge');
    await same(ns.name, ['fdb', 'show', 'dev', 'v0'], 'bridge');
    const vx = (await same(ns.name, ['fdb', 'show', 'dev', 'vx0'], 'bridge')) as Record<string, unknown>[];
    expect(vx).toContainEqual({
      mac: '00:00:00:00:00:00',
      dst: '10.0.0.8',
      port: 4790,
      vni: 7,
      flags: ['self'],
      state: 'permanent',
    });
    await same(ns.name, ['fdb', 'show', 'br', 'br0'], 'bridge');
  });

  it('text output reads like ip', async () => {
    for (const args of [
      ['link', 'show'],
      ['address', 'show'],
      ['route', 'show'],
      ['neigh', 'show'],
      ['rule', 'show'],
    ]) {
      const mine = (await nlwire(['-n', ns.name, ...args])).stdout;
      const theirs = (await runIp(ns.name, args)).replace(/ +$/gm, '');
      expect(mine, args.join(' ')).toBe(theirs);
    }
  });
});
