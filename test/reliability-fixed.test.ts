import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NLM_F } from '../src/constants/netlink.js';
import { RTNLGRP } from '../src/constants/rtnetlink.js';
import { ValidationError } from '../src/netlink/errors.js';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { buildAddress } from '../src/rtnl/addr/api.js';
import { rtmNewAddr } from '../src/rtnl/addr/messages.js';
import { Rtnl } from '../src/rtnl/client.js';
import { requireTool, runIp, useTestNetns } from './helpers/netns.js';

const execFileP = promisify(execFile);

// Each of these once failed: found by the reliability tests, fixed in src, kept as regressions.
describe('reliability regressions', () => {
  const ns = useTestNetns('rel-fixed');

  it('rejects a bad namespace name in links.create/change with a ValidationError before anything is sent', async () => {
    await runIp(ns.name, ['link', 'add', 'br0', 'type', 'bridge']);
    const rt = Rtnl.open({ netns: ns.name });
    try {
      const cases: [string, unknown, () => Promise<unknown>][] = [
        ['netns', 'a/b', () => rt.links.create({ name: 'b1', kind: 'bridge', netns: 'a/b' })],
        ['netns', '..', () => rt.links.create({ name: 'b1', kind: 'bridge', master: 'br0', netns: '..' })],
        ['netns', { name: '.' }, () => rt.links.create({ name: 'b1', kind: 'bridge', netns: { name: '.' } })],
        ['peer.netns', 'a/b', () => rt.links.create({ name: 'v0', kind: 'veth', peer: { netns: 'a/b' } })],
        ['netns', 'x'.repeat(256), () => rt.links.change('br0', { netns: 'x'.repeat(256) })],
        ['netns', { pid: 0 }, () => rt.links.change('br0', { netns: { pid: 0 } })],
        ['netns', { fd: -1 }, () => rt.links.change('br0', { netns: { fd: -1 } })],
      ];
      for (const [field, value, run] of cases) {
        const sent = rt.conn.socket.stats.sent;
        const err = await run().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, `${field} ${JSON.stringify(value)}`).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).field).toBe(field);
        expect((err as ValidationError).value).toEqual(value);
        expect(rt.conn.socket.stats.sent - sent, `${field} ${JSON.stringify(value)}: datagrams sent`).toBe(0);
      }
    } finally {
      await rt.close();
    }
  });

  it('shows NaN and Infinity as they are in a ValidationError message', async () => {
    const rt = Rtnl.open({ netns: ns.name });
    try {
      await expect(rt.links.create({ name: 'b1', kind: 'bridge', mtu: Number.NaN })).rejects.toThrow(
        'invalid mtu NaN',
      );
      await expect(
        rt.links.create({ name: 'b1', kind: 'bridge', mtu: Number.POSITIVE_INFINITY }),
      ).rejects.toThrow('invalid mtu Infinity');
    } finally {
      await rt.close();
    }
  });

  it('a change the kernel refuses leaves the link as it was', async () => {
    await runIp(ns.name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    const rt = Rtnl.open({ netns: ns.name });
    const show = () => runIp(ns.name, ['-j', '-d', 'link', 'show', 'v0']);
    try {
      const before = await show();
      // Out of the device's MTU range: refused before anything is sent.
      const e1 = await rt.links.change('v0', { address: '02:00:00:00:00:99', mtu: 100000 }).catch((e) => e);
      expect(e1).toBeInstanceOf(ValidationError);
      expect(await show()).toBe(before);
      // A veth cannot be a master: MTU, group and alias are applied before IFLA_MASTER fails, then undone.
      const e2 = await rt.links
        .change('v0', { mtu: 1400, group: 5, alias: 'x', master: 'v1' })
        .catch((e) => e);
      expect(e2).toBeInstanceOf(NetlinkError);
      expect(await show()).toBe(before);
    } finally {
      await rt.close();
    }
  });

  it('requests queued in the tick close() is called are rejected and never sent', async () => {
    for (let i = 0; i < 10; i++) await runIp(ns.name, ['link', 'add', `b${i}`, 'type', 'bridge']);
    const rt = Rtnl.open({ netns: ns.name });
    const all: Promise<unknown>[] = [];
    all.push(rt.links.list()); // a dump queued with them
    for (let i = 0; i < 10; i++) all.push(rt.links.delete(`b${i}`));
    const closing = rt.close();
    const outcomes = await Promise.allSettled(all);
    await closing;
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).name : 'fulfilled'))).toEqual(
      Array(11).fill('ClosedError'),
    );
    expect(rt.conn.socket.stats.sent).toBe(0);
    const links = await runIp(ns.name, ['-o', 'link']);
    for (let i = 0; i < 10; i++) expect(links).toContain(`b${i}:`);
  });

  it('a connection in a multicast group does not take its own notification for a reply', async () => {
    const rt = Rtnl.open({ netns: ns.name, groups: [RTNLGRP.RTNLGRP_IPV4_IFADDR] });
    try {
      await rt.links.create({ name: 'br0', kind: 'bridge', up: true });
      const { index } = await rt.links.get('br0');
      const req = buildAddress(index, '10.0.0.1/24');
      const replies = await rt.conn.request(rtmNewAddr, req.header, req.attrs, {
        flags: NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL,
      });
      expect(replies).toEqual([]);
      expect(rt.conn.stats.notifications).toBeGreaterThan(0);
    } finally {
      await rt.close();
    }
  });

  it('entering a namespace without CAP_SYS_ADMIN says the entry failed, not that the thread is stranded', async () => {
    requireTool('setpriv');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlw-rel-enter-'));
    try {
      fs.chmodSync(dir, 0o755);
      const script = path.join(dir, 'enter.mts');
      const api = pathToFileURL(path.resolve('src/rtnl/client.ts')).href;
      fs.writeFileSync(
        script,
        `import { Rtnl } from ${JSON.stringify(api)};
try { Rtnl.open({ netns: process.argv[2] }); } catch (e) { console.log(e.message); }
`,
      );
      fs.chmodSync(script, 0o644);
      const { stdout } = await execFileP(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          '--import',
          'tsx',
          script,
          ns.name,
        ],
        { cwd: process.cwd() },
      );
      expect(stdout.trim()).toBe(
        `cannot enter network namespace "${ns.name}": setns failed: operation not permitted (EPERM); root or CAP_SYS_ADMIN is needed`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
