import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connection } from '../src/netlink/connection.js';
import { ValidationError } from '../src/netlink/errors.js';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { netnsId, openNetns } from '../src/netns/ref.js';
import { Nsids } from '../src/rtnl/nsid/api.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { ipJson, kernelSkipReason, runIp, useTestNetns } from './helpers/netns.js';

interface IpNsid {
  nsid: number;
  name?: string;
}
const byId = <T extends { nsid: number }>(l: T[]) => [...l].sort((a, b) => a.nsid - b.nsid);

/** A `sleep` running inside a namespace; resolves once it is in there. */
async function sleeperIn(ns: string): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, 'sleep', '30'], { stdio: 'ignore' });
  const want = netnsId(ns).ino;
  for (let i = 0; i < 200; i++) {
    try {
      if (fs.statSync(`/proc/${child.pid}/ns/net`, { bigint: true }).ino === want) return child;
    } catch {
      // not started yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill();
  throw new Error(`sleep did not enter ${ns}`);
}

describe.skipIf(kernelSkipReason('ip'))('Nsids against the kernel and ip netns', () => {
  const ns = useTestNetns('nsid');
  let conn: Connection;
  let nsids: Nsids;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    conn = Connection.open(rtnetlink, { netns: ns.name });
    nsids = new Nsids(conn);
  });
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill();
    await conn.close();
  });

  it('ids set with ip netns set read with nlwire, and the other way', async () => {
    const a = await ns.create('nsida');
    const b = await ns.create('nsidb');
    expect(await nsids.list()).toEqual([]);
    expect(await nsids.get({ netns: a })).toBeUndefined();

    await runIp(ns.name, ['netns', 'set', a, '7']);
    expect(await nsids.get({ netns: a })).toBe(7);
    expect(await nsids.set(b, 12)).toBe(12);

    const ip = await ipJson<IpNsid[]>(ns.name, ['netns', 'list-id']);
    expect(byId(ip)).toEqual([
      { nsid: 7, name: a },
      { nsid: 12, name: b },
    ]);
    expect(byId(await nsids.list())).toEqual(byId(ip));
    expect(await nsids.resolveNsid(12)).toBe(b);
    expect(await nsids.resolveNsid(7)).toBe(a);
    expect(await nsids.resolveNsid(8)).toBeUndefined();
  });

  it('lets the kernel pick the lowest free id, and refuses a second id or a taken one', async () => {
    const a = await ns.create('nsida');
    const b = await ns.create('nsidb');
    const c = await ns.create('nsidc');
    await runIp(ns.name, ['netns', 'set', a, '0']);
    expect(await nsids.set(b)).toBe(1);
    const again = await nsids.set(b, 5).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(NetlinkError);
    expect((again as NetlinkError).code).toBe('EEXIST');
    expect((again as NetlinkError).message).toMatch(new RegExp(`^netns set ${b} 5: RTM_NEWNSID: EEXIST`));
    const taken = await nsids.set(c, 0).catch((e: unknown) => e);
    expect((taken as NetlinkError).code).toBe('EEXIST');
    expect(byId(await ipJson<IpNsid[]>(ns.name, ['netns', 'list-id']))).toEqual([
      { nsid: 0, name: a },
      { nsid: 1, name: b },
    ]);
  });

  it('gets an id by pid, fd, path and id, and from another namespace with targetNsid', async () => {
    const a = await ns.create('nsida');
    const b = await ns.create('nsidb');
    await runIp(ns.name, ['netns', 'set', a, '7']);
    await runIp(ns.name, ['netns', 'set', b, '12']);
    const sleeper = await sleeperIn(a);
    children.push(sleeper);
    expect(await nsids.get({ pid: sleeper.pid as number })).toBe(7);
    expect(await nsids.get({ netns: { pid: sleeper.pid as number } })).toBe(7);
    const h = openNetns(b);
    try {
      expect(await nsids.get({ fd: h.fd })).toBe(12);
    } finally {
      h.close();
    }
    expect(await nsids.get({ netns: { path: `/run/netns/${b}` } })).toBe(12);
    expect(await nsids.get({ nsid: 12 })).toBe(12);
    expect(await nsids.get({ nsid: 13 })).toBeUndefined();

    // b as a sees it: no id until a gives it one.
    expect(await nsids.get({ nsid: 12 }, { targetNsid: 7 })).toBeUndefined();
    await runIp(a, ['netns', 'set', b, '3']);
    expect(await nsids.get({ nsid: 12 }, { targetNsid: 7 })).toBe(3);
    expect(await ipJson<IpNsid[]>(a, ['netns', 'list-id'])).toEqual([{ nsid: 3, name: b }]);
  });

  it('maps the IFLA_LINK_NETNSID of a veth whose peer is elsewhere back to the namespace name', async () => {
    const peerNs = await ns.create('nsidpeer');
    await runIp(ns.name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1', 'netns', peerNs]);
    const [link] = await ipJson<{ ifname: string; link_netnsid?: number }[]>(ns.name, [
      '-d',
      'link',
      'show',
      'v0',
    ]);
    expect(link.link_netnsid).toBeTypeOf('number');
    const id = link.link_netnsid as number;
    expect(await nsids.resolveNsid(id)).toBe(peerNs);
    expect(await nsids.get({ netns: peerNs })).toBe(id);
    expect(await nsids.list()).toContainEqual({ nsid: id, name: peerNs });
    // ip netns list-id agrees.
    expect(await ipJson<IpNsid[]>(ns.name, ['netns', 'list-id'])).toContainEqual({ nsid: id, name: peerNs });
  });

  it('rejects bad input with ValidationError before sending', async () => {
    await expect(nsids.set('nlw-no-such-ns-here', -2)).rejects.toBeInstanceOf(ValidationError);
    await expect(nsids.get({ pid: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(nsids.get({ fd: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(nsids.get({ nsid: 1.5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(nsids.get({} as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(nsids.resolveNsid(-1)).rejects.toBeInstanceOf(ValidationError);
    await expect(nsids.get({ netns: 'nlw-no-such-ns-here' })).rejects.toThrow(/does not exist/);
  });
});
