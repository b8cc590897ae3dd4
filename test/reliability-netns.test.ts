/**
 * Guarantee: nlwire never leaves a thread of the process in another network namespace. Sockets are
 * opened inside a namespace by the calling thread, which goes back at once, whatever happens. Checked
 * after every kind of operation, failing ones included, on the calling thread
 * (currentNetnsInode) and on every thread of the process (/proc/self/task/<tid>/ns/net: libuv's
 * pool threads that send, the monitor's worker thread, V8's threads).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { currentNetnsInode, runInNetns } from '../src/netns/enter.js';
import { NetnsError } from '../src/netns/errors.js';
import { Rtnl } from '../src/rtnl/client.js';
import { watch } from '../src/rtnl/events/watch.js';
import { runIp, testNetnsName, useTestNetns } from './helpers/netns.js';

/** The network namespace of every thread of this process, by thread id. */
function threadNamespaces(): Map<string, string> {
  const out = new Map<string, string>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      out.set(tid, fs.readlinkSync(`/proc/self/task/${tid}/ns/net`));
    } catch {
      // the thread exited meanwhile
    }
  }
  return out;
}

describe('the calling thread never changes namespace', () => {
  const ns = useTestNetns('rel-netns');

  it('after every kind of operation, failing ones included, every thread is where it was', async () => {
    const home = currentNetnsInode();
    const homeLink = fs.readlinkSync('/proc/thread-self/ns/net');
    const other = await ns.create('rel-netns-b');
    const missing = testNetnsName('missing');
    const log: string[] = [];
    /** Runs one operation (which may fail) and checks every thread afterwards, also once the event loop turned. */
    const step = async (what: string, op: () => unknown): Promise<unknown> => {
      let result: unknown;
      try {
        result = await op();
      } catch (e) {
        result = e;
      }
      const sync = currentNetnsInode();
      await new Promise((r) => setImmediate(r));
      const strays = [...threadNamespaces()].filter(([, link]) => link !== homeLink);
      if (sync !== home || currentNetnsInode() !== home || strays.length)
        log.push(`${what}: thread ${String(sync)}, strays ${JSON.stringify(strays)}`);
      return result;
    };

    const rt = (await step('open in a namespace', () => Rtnl.open({ netns: ns.name }))) as Rtnl;
    expect(rt).toBeInstanceOf(Rtnl);
    expect(await step('open in a missing namespace', () => Rtnl.open({ netns: missing }))).toMatchObject({
      name: 'NetnsError',
      code: 'ENOENT',
    });
    expect(await step('open with a bad name', () => Rtnl.open({ netns: 'a/b' }))).toBeInstanceOf(NetnsError);
    expect(
      await step('open by a missing path', () => Rtnl.open({ netns: { path: '/nonexistent' } })),
    ).toBeInstanceOf(NetnsError);
    expect(await step('open by a dead pid', () => Rtnl.open({ netns: { pid: 0x3ffffff } }))).toBeInstanceOf(
      NetnsError,
    );
    try {
      await step('create', () => rt.links.create({ name: 'v0', kind: 'veth', peer: { name: 'v1' } }));
      expect(
        await step('failing create (EEXIST)', () => rt.links.create({ name: 'v0', kind: 'bridge' })),
      ).toMatchObject({ code: 'EEXIST' });
      expect(
        await step('failing create (ENOTCONN)', () =>
          rt.links.create({ name: 'v8', kind: 'veth', peer: { name: 'v9', up: true } }),
        ),
      ).toBeInstanceOf(NetlinkError);
      expect(
        await step('dry run into another namespace', () =>
          rt.links.create({ name: 'b9', kind: 'bridge', netns: other, dryRun: true }),
        ),
      ).toBeInstanceOf(Buffer);
      expect(
        await step('create into a missing namespace', () =>
          rt.links.create({ name: 'b9', kind: 'bridge', netns: missing }),
        ),
      ).toMatchObject({ code: 'ENOENT' });
      const moved = await step('create into another namespace', () =>
        rt.links.create({ name: 'b1', kind: 'bridge', netns: other }),
      );
      expect(moved).toMatchObject({ name: 'b1' });
      await step('veth with its peer in another namespace', () =>
        rt.links.create({ name: 'x0', kind: 'veth', peer: { name: 'x1', netns: other } }),
      );
      await step('move a link to another namespace', () => rt.links.change('v1', { netns: other }));
      expect(
        await step('move to a missing namespace', () => rt.links.change('v0', { netns: missing })),
      ).toMatchObject({
        code: 'ENOENT',
      });
      await step('change', () => rt.links.change('v0', { mtu: 1400, up: true }));
      expect(await step('failing change', () => rt.links.change('v0', { master: 'lo' }))).toBeInstanceOf(
        NetlinkError,
      );
      await step('address add', () => rt.addresses.add('v0', '10.0.0.1/24'));
      expect(await step('failing address add', () => rt.addresses.add('v0', '10.0.0.1/24'))).toMatchObject({
        code: 'EEXIST',
      });
      await step('route add', () => rt.routes.add({ dst: '10.9.0.0/16', via: '10.0.0.2' }));
      await step('route get', () => rt.routes.get('10.9.1.1'));
      expect(await step('failing route get', () => rt.routes.get('192.0.2.1'))).toBeInstanceOf(NetlinkError);
      await step('rule add', () => rt.rules.add({ priority: 100, table: 100 }));
      await step('dumps', () =>
        Promise.all([
          rt.links.list(),
          rt.addresses.list(),
          rt.routes.list(),
          rt.rules.list(),
          rt.neighbours.list(),
        ]),
      );
      await step('batch', () => rt.addresses.flush('v0'));
      await step('delete', () => rt.links.delete('x0'));
      expect(await step('failing delete', () => rt.links.delete('nope0'))).toMatchObject({ code: 'ENODEV' });
      await step('watch in a namespace', async () => {
        const w = watch(['link'], { netns: ns.name });
        await runIp(ns.name, ['link', 'add', 'w0', 'type', 'bridge']);
        const ev = await w.next();
        await w.close();
        return ev;
      });
      expect(
        await step('watch in a missing namespace', () => watch(['link'], { netns: missing })),
      ).toBeInstanceOf(NetnsError);
      expect(
        await step('runInNetns whose fn throws', () =>
          runInNetns(ns.name, () => {
            throw new Error('inside');
          }),
        ),
      ).toMatchObject({ message: 'inside' });
      expect(
        await step('runInNetns whose fn is async', () => runInNetns(ns.name, async () => 1)),
      ).toBeInstanceOf(TypeError);
      const inside = await step('runInNetns', () => runInNetns(ns.name, () => currentNetnsInode()));
      expect(inside).not.toBe(home);
    } finally {
      await step('close', () => rt.close());
    }
    expect(log).toEqual([]);
    expect(currentNetnsInode()).toBe(home);
  });
});
