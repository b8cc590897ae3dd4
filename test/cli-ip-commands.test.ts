/**
 * The change commands of `nlwire link|address|route|neigh|fdb|rule|netns|monitor`, spawned as a user runs
 * them, checked with `ip -j -d` / `bridge -j` in throwaway namespaces; and `--dry-run` against the bytes
 * iproute2 6.1 sent for the link kinds this kernel lacks (fixtures/kinds/*.json), decoded and compared.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readHeader } from '../src/netlink/header.js';
import { decodeBody } from '../src/netlink/message.js';
import '../src/rtnl/link/kinds/index.js';
import '../src/rtnl/link/kinds/bond.js';
import '../src/rtnl/link/kinds/dummy.js';
import '../src/rtnl/link/kinds/geneve.js';
import '../src/rtnl/link/kinds/gre.js';
import '../src/rtnl/link/kinds/ip6tnl.js';
import '../src/rtnl/link/kinds/iptun.js';
import '../src/rtnl/link/kinds/nlmon.js';
import '../src/rtnl/link/kinds/team.js';
import '../src/rtnl/link/kinds/vlan.js';
import '../src/rtnl/link/kinds/vrf.js';
import '../src/rtnl/link/kinds/vti.js';
import '../src/rtnl/link/kinds/wireguard.js';
import { RTM_NEWLINK } from '../src/rtnl/link/messages.js';
import {
  ipJson,
  kernelSkipReason,
  removeTestNetns,
  runIp,
  testNetnsName,
  useTestNetns,
} from './helpers/netns.js';

const execFileP = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI. */
async function nlwire(args: readonly string[]): Promise<Run> {
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

/** Runs `nlwire -n NS ...words` and expects success. */
async function ok(ns: string, line: string): Promise<string> {
  const r = await nlwire(['-n', ns, ...(line.match(/'[^']*'|\S+/g) ?? []).map((w) => w.replace(/'/g, ''))]);
  expect(r.stderr, `nlwire ${line}`).toBe('');
  expect(r.code, `nlwire ${line}`).toBe(0);
  return r.stdout;
}

interface IpLink {
  ifname: string;
  mtu: number;
  flags: string[];
  address: string;
  master?: string;
  link?: string | null;
  ifalias?: string;
  altnames?: string[];
  linkinfo?: {
    info_kind?: string;
    info_data?: Record<string, unknown>;
    info_slave_data?: Record<string, unknown>;
  };
}

async function ipLink(ns: string, dev: string): Promise<IpLink> {
  const [l] = await ipJson<IpLink[]>(ns, ['-d', 'link', 'show', 'dev', dev]);
  return l;
}

/** The bytes of an annotated dry run (the hex column of `explain`). */
function dryRunBytes(out: string): Buffer {
  const hex = [...out.matchAll(/^0x[0-9a-f]+ {2}((?:[0-9a-f]{2} )*[0-9a-f]{2})/gm)]
    .map((m) => m[1].replace(/ /g, ''))
    .join('');
  return Buffer.from(hex, 'hex');
}

const json = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v, (_k, x) =>
      typeof x === 'bigint' ? String(x) : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x,
    ),
  );

interface KindFixture {
  name: string;
  command: string;
  request: string;
}

// Settings iproute2 sends explicitly although they are the kernel's defaults (nlwire leaves them out).
const IP_DEFAULTS: Readonly<Record<string, unknown>> = {
  pmtudisc: 1,
  ttl: 64,
  encapLimit: 4,
  encapFlags: 2,
  erspanVer: 1,
};

describe.skipIf(kernelSkipReason('ip', 'bridge'))('nlwire change commands against the kernel and ip', () => {
  const ns = useTestNetns('cli-cmd');

  it('link add/set/delete for every kind this kernel has, as ip -d shows them', async () => {
    const peer = await ns.create('cli-cmd-peer');
    await ok(ns.name, `link add v0 type veth peer name v1 netns ${peer}`);
    expect((await ipLink(peer, 'v1')).linkinfo?.info_kind).toBe('veth');
    await ok(ns.name, 'link set lo up');
    expect((await ipLink(ns.name, 'lo')).flags).toContain('UP');
    await ok(ns.name, 'link add br0 type bridge stp_state 1 forward_delay 500');
    expect((await ipLink(ns.name, 'br0')).linkinfo?.info_data).toMatchObject({
      stp_state: 1,
      forward_delay: 500,
    });
    await ok(ns.name, 'link set v0 master br0');
    expect((await ipLink(ns.name, 'v0')).master).toBe('br0');
    await ok(ns.name, 'link set v0 type bridge_slave cost 7 priority 9 learning off');
    expect((await ipLink(ns.name, 'v0')).linkinfo?.info_slave_data).toMatchObject({
      cost: 7,
      priority: 9,
      learning: false,
    });
    await ok(ns.name, 'link set v0 nomaster');
    expect((await ipLink(ns.name, 'v0')).master).toBeUndefined();
    await ok(ns.name, 'link add vx0 type vxlan id 42 local 10.0.0.1 remote 10.0.0.2 dstport 4789');
    expect((await ipLink(ns.name, 'vx0')).linkinfo?.info_data).toMatchObject({
      id: 42,
      local: '10.0.0.1',
      remote: '10.0.0.2',
      port: 4789,
    });
    await ok(ns.name, 'link add vx1 type vxlan id 43 group 239.1.1.1 dev v0 dstport 4790 ttl 5 nolearning');
    expect((await ipLink(ns.name, 'vx1')).linkinfo?.info_data).toMatchObject({
      id: 43,
      group: '239.1.1.1',
      link: 'v0',
      ttl: 5,
      learning: false,
    });
    await ok(ns.name, 'link add mv0 link v0 type macvlan mode bridge');
    expect((await ipLink(ns.name, 'mv0')).linkinfo?.info_data).toMatchObject({ mode: 'bridge' });
    // passthru takes a lower device of its own.
    await ok(ns.name, 'link add u0 type veth peer name u1');
    await ok(ns.name, 'link add link u0 name mvt0 type macvtap mode passthru flag nopromisc');
    expect((await ipLink(ns.name, 'mvt0')).linkinfo?.info_data).toMatchObject({
      mode: 'passthru',
      nopromisc: true,
    });
    await ok(ns.name, 'link add ifb0 txqueuelen 50 type ifb');
    await ok(ns.name, 'link add w0 mtu 1400 address 02:00:00:00:00:0a type veth peer w1 mtu 1300');
    await ok(ns.name, "link set w0 name w9 alias 'an alias' mtu 1280 up");
    const w9 = await ipLink(ns.name, 'w9');
    expect(w9).toMatchObject({ mtu: 1280, address: '02:00:00:00:00:0a', ifalias: 'an alias', link: 'w1' });
    expect((await ipLink(ns.name, 'w1')).mtu).toBe(1300);
    await ok(ns.name, 'link property add dev w9 altname a-much-longer-alternative-name');
    expect((await ipLink(ns.name, 'w9')).altnames).toEqual(['a-much-longer-alternative-name']);
    await ok(ns.name, 'link set a-much-longer-alternative-name down');
    expect((await ipLink(ns.name, 'w9')).flags).not.toContain('UP');
    await ok(ns.name, 'link set w9 promisc on arp off');
    expect((await ipLink(ns.name, 'w9')).flags).toEqual(expect.arrayContaining(['PROMISC', 'NOARP']));
    await ok(ns.name, `link set w1 netns ${peer}`);
    expect((await ipJson<IpLink[]>(peer, ['link', 'show'])).map((l) => l.ifname)).toContain('w1');
    await ok(ns.name, 'link delete w9');
    await ok(ns.name, 'link del dev mvt0');
    const names = (await ipJson<IpLink[]>(ns.name, ['link', 'show'])).map((l) => l.ifname);
    expect(names).not.toContain('w9');
    expect(names).not.toContain('mvt0');
    expect((await ipLink(ns.name, 'ifb0')).linkinfo?.info_kind).toBe('ifb');
  });

  it('--dry-run prints the request and sends nothing', async () => {
    const out = await ok(ns.name, 'link add dr0 type bridge stp_state 1 --dry-run');
    expect(out).toMatch(/RTM_NEWLINK/);
    expect(out).toMatch(/IFLA_BR_STP_STATE = 1/);
    const m = decodeBody(
      RTM_NEWLINK,
      dryRunBytes(out),
      0,
      readHeader(dryRunBytes(out), 0, dryRunBytes(out).length),
    );
    expect(m.attrs.ifname).toBe('dr0');
    expect((await ipJson<IpLink[]>(ns.name, ['link', 'show'])).map((l) => l.ifname)).not.toContain('dr0');
    for (const line of [
      '--dry-run addr add 10.0.0.1/24 dev lo',
      '--dry-run route add 10.1.0.0/16 dev lo table 100',
      '--dry-run rule add from 10.0.0.0/24 table 100 pref 1000',
      '--dry-run neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev lo',
      'link set lo mtu 1000 --dry-run',
      'link del lo --dry-run',
    ])
      expect(await ok(ns.name, line)).toMatch(/^# dry run: /);
    expect((await ipLink(ns.name, 'lo')).mtu).toBe(65536);
  });

  it('--dry-run builds what iproute2 sends for the kinds this kernel lacks', async () => {
    const dir = join(import.meta.dirname, '../fixtures/kinds');
    const fixtures = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as KindFixture);
    expect(fixtures.length).toBeGreaterThan(15);
    for (const fx of fixtures) {
      const words = fx.command.split(' ').slice(1);
      const r = await nlwire(['-n', ns.name, '--dry-run', ...words]);
      expect(r.stderr, fx.command).toBe('');
      const mineBytes = dryRunBytes(r.stdout);
      const ipBytes = Buffer.from(fx.request, 'hex');
      const mine = decodeBody(RTM_NEWLINK, mineBytes, 0, readHeader(mineBytes, 0, mineBytes.length));
      const ip = decodeBody(RTM_NEWLINK, ipBytes, 0, readHeader(ipBytes, 0, ipBytes.length));
      expect(readHeader(mineBytes, 0, mineBytes.length).flags, fx.name).toBe(
        readHeader(ipBytes, 0, ipBytes.length).flags,
      );
      expect(json(mine.header), fx.name).toEqual(json(ip.header));
      const { linkinfo: mi, ...ma } = mine.attrs;
      const { linkinfo: ii, ...ia } = ip.attrs;
      expect(json(ma), fx.name).toEqual(json(ia));
      expect(mi?.kind, fx.name).toBe(ii?.kind);
      const md = json(mi?.data ?? {}) as Record<string, unknown>;
      const id = json(ii?.data ?? {}) as Record<string, unknown>;
      // What nlwire sends, ip sends too; what ip sends beyond that is zero or the kernel's default.
      expect(id, fx.name).toMatchObject(md);
      for (const [k, v] of Object.entries(id))
        if (!(k in md))
          expect(v === 0 || v === false || IP_DEFAULTS[k] === v, `${fx.name}: ${k}=${String(v)}`).toBe(true);
    }
  });

  it('addresses, routes (multipath, table 100), neighbours, FDB and rules', async () => {
    for (const c of [
      'link add v0 type veth peer name v1',
      'link set v0 up',
      'link set v1 up',
      'link add br0 type bridge',
      'link set v1 master br0',
      'link add vx0 type vxlan id 5 dstport 4789 local 10.0.0.1',
      'addr add 10.0.0.1/24 dev v0',
      'addr add 10.0.0.5/24 brd + dev v0 label v0:a',
      'addr add 10.9.0.1 peer 10.9.0.2/32 dev v0',
      'addr add 2001:db8::1/64 dev v0 nodad',
      'addr replace 10.0.0.5/24 dev v0 valid_lft 100 preferred_lft 50',
    ])
      await ok(ns.name, c);
    const [v0] = await ipJson<{ addr_info: Record<string, unknown>[] }[]>(ns.name, [
      'addr',
      'show',
      'dev',
      'v0',
    ]);
    expect(v0.addr_info.map((a) => a.local)).toEqual(
      expect.arrayContaining(['10.0.0.1', '10.0.0.5', '10.9.0.1', '2001:db8::1']),
    );
    expect(v0.addr_info.find((a) => a.local === '10.9.0.1')).toMatchObject({
      address: '10.9.0.2',
      prefixlen: 32,
    });
    expect(v0.addr_info.find((a) => a.local === '10.0.0.5')?.valid_life_time).toBeLessThanOrEqual(100);
    await ok(ns.name, 'addr del 10.0.0.5/24 dev v0');
    await ok(ns.name, 'addr del 10.9.0.1 peer 10.9.0.2/32 dev v0');

    for (const c of [
      'route add 10.1.0.0/16 via 10.0.0.2 table 100',
      'route add 10.2.0.0/16 nexthop via 10.0.0.2 weight 3 nexthop via 10.0.0.3',
      'route add 10.3.0.0/16 via 10.0.0.2 metric 10 mtu 1400',
      'route append 10.3.0.0/16 via 10.0.0.3 metric 20',
      'route replace 10.4.0.0/16 dev v0 proto static scope link',
      'route add blackhole 10.5.0.0/16',
      'route add default via 10.0.0.254',
      'route add 2001:db8:1::/64 via 2001:db8::2',
    ])
      await ok(ns.name, c);
    const t100 = await ipJson<Record<string, unknown>[]>(ns.name, ['route', 'show', 'table', '100']);
    expect(t100).toEqual([{ dst: '10.1.0.0/16', gateway: '10.0.0.2', dev: 'v0', flags: [] }]);
    const [mp] = await ipJson<{ nexthops: Record<string, unknown>[] }[]>(ns.name, [
      'route',
      'show',
      '10.2.0.0/16',
    ]);
    expect(mp.nexthops).toEqual([
      { gateway: '10.0.0.2', dev: 'v0', weight: 3, flags: [] },
      { gateway: '10.0.0.3', dev: 'v0', weight: 1, flags: [] },
    ]);
    expect(await ipJson(ns.name, ['route', 'show', '10.3.0.0/16'])).toHaveLength(2);
    expect(await ipJson(ns.name, ['route', 'show', '10.4.0.0/16'])).toEqual([
      { dst: '10.4.0.0/16', dev: 'v0', protocol: 'static', scope: 'link', flags: [] },
    ]);
    const [got] = JSON.parse(await ok(ns.name, '-j route get 10.2.3.4')) as Record<string, unknown>[];
    expect(got).toMatchObject({ dst: '10.2.3.4', dev: 'v0' });
    await ok(ns.name, 'route del 10.3.0.0/16 via 10.0.0.3 metric 20');
    expect(await ipJson(ns.name, ['route', 'show', '10.3.0.0/16'])).toHaveLength(1);
    await ok(ns.name, 'route flush table 100');
    expect(await ipJson(ns.name, ['route', 'show', 'table', '100'])).toEqual([]);
    await ok(ns.name, '-6 route del 2001:db8:1::/64');
    expect(await ipJson(ns.name, ['-6', 'route', 'show', '2001:db8:1::/64'])).toEqual([]);

    await ok(ns.name, 'neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v0 nud permanent');
    await ok(ns.name, 'neigh replace 10.0.0.10 lladdr 02:00:00:00:00:0a dev v0 nud stale router');
    await ok(ns.name, 'neigh add proxy 10.0.0.11 dev v0');
    expect(await ipJson(ns.name, ['neigh', 'show', 'dev', 'v0'])).toEqual(
      expect.arrayContaining([
        { dst: '10.0.0.9', lladdr: '02:00:00:00:00:09', state: ['PERMANENT'] },
        { dst: '10.0.0.10', lladdr: '02:00:00:00:00:0a', router: null, state: ['STALE'] },
      ]),
    );
    expect(await ipJson(ns.name, ['neigh', 'show', 'proxy'])).toEqual([
      { dst: '10.0.0.11', dev: 'v0', proxy: null },
    ]);
    await ok(ns.name, 'neigh del 10.0.0.9 dev v0');
    await ok(ns.name, 'neigh flush dev v0');
    expect(await ipJson(ns.name, ['neigh', 'show', 'dev', 'v0'])).toEqual([]);

    await ok(ns.name, 'fdb add 02:00:00:00:00:aa dev v1 master static');
    await ok(ns.name, 'fdb add 00:00:00:00:00:00 dev vx0 dst 10.0.0.7 vni 100 self');
    await ok(ns.name, 'fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.8 port 4790');
    const vx = JSON.parse(
      (await execFileP('bridge', ['-n', ns.name, '-j', 'fdb', 'show', 'dev', 'vx0'])).stdout,
    );
    expect(vx).toEqual([
      { mac: '00:00:00:00:00:00', dst: '10.0.0.7', vni: 100, flags: ['self'], state: 'permanent' },
      { mac: '00:00:00:00:00:00', dst: '10.0.0.8', port: 4790, flags: ['self'], state: 'permanent' },
    ]);
    const v1 = JSON.parse(
      (await execFileP('bridge', ['-n', ns.name, '-j', 'fdb', 'show', 'dev', 'v1'])).stdout,
    );
    expect(v1).toContainEqual({
      mac: '02:00:00:00:00:aa',
      flags: [],
      master: 'br0',
      state: 'static',
    });
    await ok(ns.name, 'fdb del 02:00:00:00:00:aa dev v1 master');
    await ok(ns.name, 'fdb del 00:00:00:00:00:00 dev vx0 dst 10.0.0.8 port 4790');
    expect(
      JSON.parse((await execFileP('bridge', ['-n', ns.name, '-j', 'fdb', 'show', 'dev', 'vx0'])).stdout),
    ).toHaveLength(1);

    await ok(ns.name, 'rule add from 10.0.0.0/24 table 100 pref 1000');
    await ok(ns.name, 'rule add to 10.9.0.0/16 fwmark 0x10/0xff iif v0 lookup 200 pref 1001');
    await ok(ns.name, 'rule add not from all ipproto udp dport 53 prohibit pref 1002');
    await ok(ns.name, '-6 rule add from 2001:db8::/32 table 300 pref 1003');
    const rules = await ipJson<Record<string, unknown>[]>(ns.name, ['rule', 'show']);
    expect(rules).toEqual(
      expect.arrayContaining([
        { priority: 1000, src: '10.0.0.0', srclen: 24, table: '100' },
        {
          priority: 1001,
          src: 'all',
          dst: '10.9.0.0',
          dstlen: 16,
          fwmark: '0x10',
          fwmask: '0xff',
          iif: 'v0',
          table: '200',
        },
        { priority: 1002, not: null, src: 'all', ipproto: 'udp', dport: 53, action: 'prohibit' },
      ]),
    );
    expect(await ipJson(ns.name, ['-6', 'rule', 'show'])).toContainEqual({
      priority: 1003,
      src: '2001:db8::',
      srclen: 32,
      table: '300',
    });
    await ok(ns.name, 'rule del pref 1000');
    expect(
      (await ipJson<{ priority: number }[]>(ns.name, ['rule', 'show'])).map((r) => r.priority),
    ).not.toContain(1000);
  });

  it('netns add, list, exec (argv as given, no shell), pids, identify, delete', async () => {
    const name = testNetnsName('cli-netns');
    ns.track(name);
    expect((await nlwire(['netns', 'add', name])).code).toBe(0);
    expect((await runIp(undefined, ['netns', 'list'])).split('\n').map((l) => l.split(' ')[0])).toContain(
      name,
    );
    const list = JSON.parse((await nlwire(['-j', 'netns', 'list'])).stdout) as { name: string }[];
    expect(list.map((n) => n.name)).toContain(name);
    // The words reach the program as they are: a shell would expand $HOME and split on the space.
    const r = await nlwire(['netns', 'exec', name, 'printf', '%s|', 'a b', '$HOME', '--dry-run']);
    expect(r).toEqual({ code: 0, stdout: 'a b|$HOME|--dry-run|', stderr: '' });
    const links = await nlwire(['netns', 'exec', name, 'ip', '-j', 'link', 'show']);
    expect(JSON.parse(links.stdout).map((l: { ifname: string }) => l.ifname)).toEqual(['lo']);
    expect((await nlwire(['netns', 'exec', name, 'sh', '-c', 'exit 7'])).code).toBe(7);
    const sleeper = spawn('ip', ['netns', 'exec', name, 'sleep', '30']);
    try {
      await new Promise((res) => setTimeout(res, 300));
      const pids = (await nlwire(['netns', 'pids', name])).stdout.trim().split('\n').map(Number);
      expect(pids.length).toBeGreaterThan(0);
      expect((await nlwire(['netns', 'identify', String(pids[0])])).stdout.trim().split('\n')).toContain(
        name,
      );
    } finally {
      sleeper.kill();
    }
    expect((await nlwire(['netns', 'delete', name])).code).toBe(0);
    expect((await runIp(undefined, ['netns', 'list'])).split('\n').map((l) => l.split(' ')[0])).not.toContain(
      name,
    );
    await removeTestNetns(name);
  });

  it('monitor prints link, address and route events as they happen', async () => {
    const child: ChildProcess = spawn('node', [
      '--import',
      'tsx',
      'src/cli/main.ts',
      '-n',
      ns.name,
      '-j',
      'monitor',
      'link',
      'address',
      'route',
    ]);
    const lines: string[] = [];
    let buf = '';
    child.stdout?.on('data', (b: Buffer) => {
      buf += b.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      lines.push(...parts);
    });
    try {
      await new Promise((res) => setTimeout(res, 1500));
      await runIp(ns.name, ['link', 'add', 'mon0', 'type', 'bridge']);
      await runIp(ns.name, ['addr', 'add', '10.7.0.1/24', 'dev', 'mon0']);
      await runIp(ns.name, ['link', 'del', 'mon0']);
      for (let i = 0; i < 50 && !lines.some((l) => l.includes('"deleted":true') && l.includes('mon0')); i++)
        await new Promise((res) => setTimeout(res, 100));
    } finally {
      child.kill('SIGINT');
    }
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toContainEqual(expect.objectContaining({ ifname: 'mon0' }));
    expect(events).toContainEqual(
      expect.objectContaining({ local: '10.7.0.1', dev: 'mon0', family: 'inet' }),
    );
    expect(events).toContainEqual(expect.objectContaining({ deleted: true, ifname: 'mon0' }));
  });
});
