import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NDA } from '../src/constants/neighbour.js';
import { Connection } from '../src/netlink/connection.js';
import { describeMessage } from '../src/netlink/describe.js';
import { ValidationError } from '../src/netlink/errors.js';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { writeSysctl } from '../src/netns/sysctl.js';
import { Fdb, type FdbEntry } from '../src/rtnl/neigh/fdb.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { ipJson, kernelSkipReason, runIp, useTestNetns } from './helpers/netns.js';

const execFileP = promisify(execFile);

/** `bridge -n NS -j ARGS`, parsed. */
async function bridgeJson<T>(ns: string, args: string[]): Promise<T> {
  const { stdout } = await execFileP('bridge', ['-n', ns, '-j', ...args]);
  return (stdout.trim() === '' ? [] : JSON.parse(stdout)) as T;
}

/** An entry of `bridge -j fdb show`. */
interface BridgeFdb {
  mac: string;
  ifname?: string;
  master?: string;
  vlan?: number;
  dst?: string;
  vni?: number;
  port?: number;
  src_vni?: number;
  viaIf?: string;
  flags: string[];
  state: string;
}

// nlwire's NTF_* names -> bridge's words.
const FLAG_WORDS: Record<string, string> = {
  self: 'self',
  master: 'master',
  router: 'router',
  ext_learned: 'extern_learn',
  offloaded: 'offload',
  sticky: 'sticky',
};

async function ifnames(ns: string): Promise<Map<number, string>> {
  const links = await ipJson<{ ifindex: number; ifname: string }[]>(ns, ['link', 'show']);
  return new Map(links.map((l) => [l.ifindex, l.ifname]));
}

/** An nlwire entry in the shape `bridge -j fdb show` prints; `withDev: false` as with `dev X`. */
function asBridge(e: FdbEntry, names: Map<number, string>, withDev = true): BridgeFdb {
  const out: BridgeFdb = { mac: e.lladdr, flags: e.flags.map((f) => FLAG_WORDS[f] ?? f).sort(), state: '' };
  if (withDev) out.ifname = names.get(e.ifindex);
  if (e.vlan !== undefined) out.vlan = e.vlan;
  if (e.dst !== undefined) out.dst = e.dst;
  if (e.port !== undefined) out.port = e.port;
  if (e.vni !== undefined) out.vni = e.vni;
  if (e.srcVni !== undefined) out.src_vni = e.srcVni;
  if (e.via !== undefined) out.viaIf = names.get(e.via);
  if (e.master !== undefined) out.master = names.get(e.master);
  out.state = e.state === 'dynamic' ? '' : e.state;
  return out;
}

const normalize = (list: BridgeFdb[]) =>
  list
    .map((e) => ({ ...e, flags: [...e.flags].sort() }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe.skipIf(kernelSkipReason('ip', 'bridge'))('Fdb against the kernel and bridge fdb', () => {
  const ns = useTestNetns('fdb');
  let conn: Connection;
  let fdb: Fdb;

  beforeEach(async () => {
    // No IPv6 (no multicast addresses coming and going) and no learning: the tables hold only what
    // the tests put there, so two dumps in a row see the same entries.
    await writeSysctl(ns.name, 'net.ipv6.conf.default.disable_ipv6', 1);
    for (const cmd of [
      'link add v0 type veth peer name v1',
      'link add br0 type bridge',
      'link set v1 master br0',
      'link set v1 type bridge_slave learning off',
      'link set br0 up',
      'link set v0 up',
      'link set v1 up',
      'link add vx0 type vxlan id 42 dstport 4789 nolearning',
      'link add vx1 type vxlan external dstport 4790',
    ])
      await runIp(ns.name, cmd.split(' '));
    conn = Connection.open(rtnetlink, { netns: ns.name });
    fdb = new Fdb(conn);
  });
  afterEach(async () => {
    await conn.close();
  });

  it('entries nlwire adds on a bridge port read back with bridge fdb, field for field', async () => {
    await fdb.add({ lladdr: '02:00:00:00:00:a1', dev: 'v1', master: true });
    await fdb.add({ lladdr: '02:00:00:00:00:a2', dev: 'v1', master: true, state: 'static', sticky: true });
    await fdb.add({ lladdr: '02:00:00:00:00:a3', dev: 'v1', master: true, state: 'dynamic' });
    await fdb.add({
      lladdr: '02:00:00:00:00:a4',
      dev: 'v1',
      master: true,
      state: 'static',
      externLearn: true,
    });
    await fdb.add({ lladdr: '02:00:00:00:00:a5', dev: 'v0', self: true });
    await fdb.add({ lladdr: '02:00:00:00:00:a6', dev: 'v0' }); // self by default, as bridge does

    const names = await ifnames(ns.name);
    const bridge = await bridgeJson<BridgeFdb[]>(ns.name, ['fdb', 'show']);
    const pick = (mac: string) =>
      bridge.filter((e) => e.mac === mac).map((e) => ({ ...e, flags: e.flags.sort() }));
    expect(pick('02:00:00:00:00:a1')).toEqual([
      { mac: '02:00:00:00:00:a1', ifname: 'v1', flags: [], master: 'br0', state: 'permanent' },
    ]);
    expect(pick('02:00:00:00:00:a2')).toEqual([
      { mac: '02:00:00:00:00:a2', ifname: 'v1', flags: ['sticky'], master: 'br0', state: 'static' },
    ]);
    expect(pick('02:00:00:00:00:a3')).toEqual([
      { mac: '02:00:00:00:00:a3', ifname: 'v1', flags: [], master: 'br0', state: '' },
    ]);
    // The bridge learns externally learned entries as dynamic ones, whatever state was asked for.
    expect(pick('02:00:00:00:00:a4')).toEqual([
      { mac: '02:00:00:00:00:a4', ifname: 'v1', flags: ['extern_learn'], master: 'br0', state: '' },
    ]);
    expect(pick('02:00:00:00:00:a5')).toEqual([
      { mac: '02:00:00:00:00:a5', ifname: 'v0', flags: ['self'], state: 'permanent' },
    ]);
    expect(pick('02:00:00:00:00:a6')).toEqual(
      pick('02:00:00:00:00:a5').map((e) => ({ ...e, mac: '02:00:00:00:00:a6' })),
    );

    // And nlwire's whole table equals bridge's.
    const ours = (await fdb.list()).map((e) => asBridge(e, names));
    expect(normalize(ours)).toEqual(normalize(bridge));
  });

  it('reads what bridge fdb adds, with the dev and master filters', async () => {
    for (const cmd of [
      'fdb add 02:00:00:00:00:b1 dev v1 master',
      'fdb add 02:00:00:00:00:b2 dev v1 master static sticky',
      'fdb add 02:00:00:00:00:b3 dev v1 master dynamic extern_learn',
      'fdb add 02:00:00:00:00:b4 dev br0 self local',
      'fdb add 02:00:00:00:00:b5 dev v0 self',
    ]) {
      const { stdout, stderr } = await execFileP('bridge', ['-n', ns.name, ...cmd.split(' ')]);
      expect(stdout + stderr).toBe('');
    }
    const names = await ifnames(ns.name);
    const ours = (await fdb.list()).map((e) => asBridge(e, names));
    expect(normalize(ours)).toEqual(normalize(await bridgeJson<BridgeFdb[]>(ns.name, ['fdb', 'show'])));
    expect(ours.map((e) => e.mac)).toEqual(
      expect.arrayContaining([
        '02:00:00:00:00:b1',
        '02:00:00:00:00:b2',
        '02:00:00:00:00:b3',
        '02:00:00:00:00:b4',
      ]),
    );

    const onV1 = (await fdb.list({ dev: 'v1' })).map((e) => asBridge(e, names, false));
    expect(normalize(onV1)).toEqual(
      normalize(await bridgeJson<BridgeFdb[]>(ns.name, ['fdb', 'show', 'dev', 'v1'])),
    );
    expect(onV1.length).toBeGreaterThanOrEqual(3);

    const ofBr0 = (await fdb.list({ master: 'br0' })).map((e) => asBridge(e, names));
    expect(normalize(ofBr0)).toEqual(
      normalize(await bridgeJson<BridgeFdb[]>(ns.name, ['fdb', 'show', 'br', 'br0'])),
    );
    expect(ofBr0.some((e) => e.ifname === 'v0')).toBe(false);
  });

  it('vxlan: default destinations appended with the zero MAC, unicast remotes with dst/vni/port/via', async () => {
    const zero = '00:00:00:00:00:00';
    await fdb.append({ lladdr: zero, dev: 'vx0', dst: '10.0.0.7' });
    await fdb.append({ lladdr: zero, dev: 'vx0', dst: '10.0.0.8', vni: 43, port: 4790, via: 'v0' });
    await execFileP('bridge', [
      '-n',
      ns.name,
      'fdb',
      'append',
      zero,
      'dev',
      'vx0',
      'dst',
      '10.0.0.9',
      'vni',
      '44',
    ]);
    await fdb.add({ lladdr: '02:00:00:00:00:c1', dev: 'vx0', dst: '10.0.0.10', router: true });
    await fdb.add({ lladdr: '02:00:00:00:00:c2', dev: 'vx1', dst: '10.0.0.11', srcVni: 77, vni: 78 });

    const names = await ifnames(ns.name);
    const bridge = await bridgeJson<BridgeFdb[]>(ns.name, ['fdb', 'show']);
    const ours = (await fdb.list()).map((e) => asBridge(e, names));
    expect(normalize(ours)).toEqual(normalize(bridge));
    const zeros = bridge.filter((e) => e.ifname === 'vx0' && e.mac === zero);
    expect(normalize(zeros)).toEqual(
      normalize([
        { mac: zero, ifname: 'vx0', dst: '10.0.0.7', flags: ['self'], state: 'permanent' },
        {
          mac: zero,
          ifname: 'vx0',
          dst: '10.0.0.8',
          port: 4790,
          vni: 43,
          viaIf: 'v0',
          flags: ['self'],
          state: 'permanent',
        },
        { mac: zero, ifname: 'vx0', dst: '10.0.0.9', vni: 44, flags: ['self'], state: 'permanent' },
      ]),
    );
    expect(bridge.find((e) => e.mac === '02:00:00:00:00:c1')).toMatchObject({
      dst: '10.0.0.10',
      flags: ['self', 'router'],
    });
    expect(bridge.find((e) => e.mac === '02:00:00:00:00:c2')).toMatchObject({
      dst: '10.0.0.11',
      src_vni: 77,
      vni: 78,
    });

    // A second add of the zero MAC without NLM_F_APPEND is refused: the entry exists.
    const dup = await fdb.add({ lladdr: zero, dev: 'vx0', dst: '10.0.0.12' }).catch((e: unknown) => e);
    expect((dup as NetlinkError).code).toBe('EEXIST');

    // Delete removes only the remote that matches dst, port, vni and via.
    await fdb.delete({ lladdr: zero, dev: 'vx0', dst: '10.0.0.8', vni: 43, port: 4790, via: 'v0' });
    const left = await bridgeJson<BridgeFdb[]>(ns.name, ['fdb', 'show', 'dev', 'vx0']);
    expect(
      left
        .filter((e) => e.mac === zero)
        .map((e) => e.dst)
        .sort(),
    ).toEqual(['10.0.0.7', '10.0.0.9']);

    // Replace moves a unicast entry to another remote.
    await fdb.replace({ lladdr: '02:00:00:00:00:c1', dev: 'vx0', dst: '10.0.0.20' });
    const [c1] = (await fdb.list({ dev: 'vx0' })).filter((e) => e.lladdr === '02:00:00:00:00:c1');
    expect(c1).toMatchObject({ dst: '10.0.0.20', flags: ['self'], state: 'permanent' });
    const again = await bridgeJson<BridgeFdb[]>(ns.name, ['fdb', 'show', 'dev', 'vx0']);
    expect(again.filter((e) => e.mac === '02:00:00:00:00:c1').map((e) => e.dst)).toEqual(['10.0.0.20']);
  });

  it('vlan entries on a bridge port (NDA_VLAN), or the kernel refusing them as bridge is refused', async () => {
    const filtering = await runIp(ns.name, [
      'link',
      'add',
      'brv',
      'type',
      'bridge',
      'vlan_filtering',
      '1',
    ]).then(
      () => true,
      () => false,
    );
    const bridgeAdd = execFileP('bridge', [
      '-n',
      ns.name,
      'fdb',
      'add',
      '02:00:00:00:00:d2',
      'dev',
      'v1',
      'master',
      'vlan',
      '10',
    ]);
    if (filtering) {
      await runIp(ns.name, ['link', 'set', 'v0', 'master', 'brv']);
      await execFileP('bridge', ['-n', ns.name, 'vlan', 'add', 'dev', 'v0', 'vid', '10']);
      await execFileP('bridge', ['-n', ns.name, 'vlan', 'add', 'dev', 'v1', 'vid', '10']);
      await fdb.add({ lladdr: '02:00:00:00:00:d1', dev: 'v0', master: true, vlan: 10 });
      await bridgeAdd;
      const names = await ifnames(ns.name);
      const bridge = await bridgeJson<BridgeFdb[]>(ns.name, ['fdb', 'show', 'vlan', '10']);
      const ours = (await fdb.list({ vlan: 10 })).map((e) => asBridge(e, names));
      expect(normalize(ours)).toEqual(normalize(bridge));
      expect(ours.map((e) => e.mac)).toEqual(
        expect.arrayContaining(['02:00:00:00:00:d1', '02:00:00:00:00:d2']),
      );
      expect(ours.every((e) => e.vlan === 10)).toBe(true);
    } else {
      // This kernel has no CONFIG_BRIDGE_VLAN_FILTERING: a vlan the port cannot have is EINVAL for
      // bridge(8) and nlwire alike, and the request did carry NDA_VLAN 10.
      await expect(bridgeAdd).rejects.toThrow(/Invalid argument/);
      const err = await fdb
        .add({ lladdr: '02:00:00:00:00:d1', dev: 'v1', master: true, vlan: 10 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetlinkError);
      const e = err as NetlinkError;
      expect(e.code).toBe('EINVAL');
      expect(e.message).toMatch(/^fdb add 02:00:00:00:00:d1 dev v1 vlan 10: RTM_NEWNEIGH: EINVAL/);
      expect(e.request.bytes).toBeDefined();
      const sent = describeMessage(rtnetlink, Buffer.from(e.request.bytes ?? []), 0);
      expect(sent.attributes?.find((a) => a.type === NDA.NDA_VLAN)).toMatchObject({
        name: 'NDA_VLAN',
        value: 10,
      });
      expect(await fdb.list({ vlan: 10 })).toEqual([]);
    }
    // vlan 0 is the kernel's "invalid vlan id": nlwire refuses it before sending.
    await expect(
      fdb.add({ lladdr: '02:00:00:00:00:d3', dev: 'v1', master: true, vlan: 0 }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('rejects bad input with ValidationError naming the field', async () => {
    const cases: [object, RegExp][] = [
      [{ lladdr: '02:00:00:00:00', dev: 'v0', dst: '10.0.0.256' }, /dst/],
      [{ lladdr: 'zz:00:00:00:00:00', dev: 'v0' }, /lladdr/],
      [{ lladdr: '02:00:00:00:00:01', dev: 'vx0', vni: 1 << 24 }, /vni/],
      [{ lladdr: '02:00:00:00:00:01', dev: 'vx0', port: 70000 }, /port/],
      [{ lladdr: '02:00:00:00:00:01', dev: 'v0', state: 'reachable' }, /state/],
      [{ lladdr: '02:00:00:00:00:01', dev: '' }, /dev/],
    ];
    for (const [e, field] of cases) {
      const err = await fdb.add(e as never).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(ValidationError);
      expect(String(err)).toMatch(field);
    }
    const nodev = await fdb.add({ lladdr: '02:00:00:00:00:01', dev: 'nosuch' }).catch((x: unknown) => x);
    expect((nodev as NetlinkError).code).toBe('ENODEV');
  });
});
