/**
 * Guarantee: bad input is rejected before any system call. Every case below must throw a
 * ValidationError naming the field and the value, send nothing (socket.stats.sent unchanged) and
 * change nothing in the namespace (`ip -j` of links, addresses, routes and rules the same before and
 * after). Namespace names given to Rtnl.open are rejected by the namespace module (NetnsError EINVAL)
 * before a socket is made.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/netlink/errors.js';
import { currentNetnsInode } from '../src/netns/enter.js';
import { NetnsError } from '../src/netns/errors.js';
import { Rtnl } from '../src/rtnl/client.js';
import { runIp, useTestNetns } from './helpers/netns.js';

/** Everything `ip` can show of a namespace's configuration, as one string. */
async function snapshot(ns: string): Promise<string> {
  const parts = await Promise.all([
    runIp(ns, ['-j', '-d', 'link', 'show']),
    runIp(ns, ['-j', 'address', 'show']),
    runIp(ns, ['-j', '-4', 'route', 'show', 'table', 'all']),
    runIp(ns, ['-j', '-6', 'route', 'show', 'table', 'all']),
    runIp(ns, ['-j', '-4', 'rule', 'show']),
    runIp(ns, ['-j', '-6', 'rule', 'show']),
  ]);
  return parts.join('\n');
}

const openFds = (): number => fs.readdirSync('/proc/self/fd').length;

type Case = readonly [label: string, field: string, value: unknown, run: (rt: Rtnl) => Promise<unknown>];

const v4 = '10.0.0.1/24';
const long16 = 'a'.repeat(16);

/** [what, field named by the error, value named by the error, the call]. */
const CASES: readonly Case[] = [
  // Interface names (the kernel's dev_valid_name: 1..15 bytes, no '/', ':', whitespace, not '.' '..').
  ['empty name', 'name', '', (rt) => rt.links.create({ name: '', kind: 'bridge' })],
  ['16-byte name', 'name', long16, (rt) => rt.links.create({ name: long16, kind: 'bridge' })],
  [
    '16-byte UTF-8 name',
    'name',
    'é'.repeat(8),
    (rt) => rt.links.create({ name: 'é'.repeat(8), kind: 'bridge' }),
  ],
  ["name with '/'", 'name', 'a/b', (rt) => rt.links.create({ name: 'a/b', kind: 'bridge' })],
  ['name with a space', 'name', 'a b', (rt) => rt.links.create({ name: 'a b', kind: 'bridge' })],
  ['name with a tab', 'name', 'a\tb', (rt) => rt.links.create({ name: 'a\tb', kind: 'bridge' })],
  ["name with ':'", 'name', 'a:b', (rt) => rt.links.create({ name: 'a:b', kind: 'bridge' })],
  ["name '.'", 'name', '.', (rt) => rt.links.create({ name: '.', kind: 'bridge' })],
  ["name '..'", 'name', '..', (rt) => rt.links.create({ name: '..', kind: 'bridge' })],
  [
    'veth peer name',
    'peer.name',
    'x/y',
    (rt) => rt.links.create({ name: 'v9', kind: 'veth', peer: { name: 'x/y' } }),
  ],
  ['rename to a bad name', 'name', 'a b', (rt) => rt.links.change('br0', { name: 'a b' })],
  ['rename to 16 bytes', 'name', long16, (rt) => rt.links.change('br0', { name: long16 })],
  ['empty link reference', 'link', '', (rt) => rt.links.delete('')],
  ['128-byte link reference', 'link', 'a'.repeat(128), (rt) => rt.links.get('a'.repeat(128))],
  ['interface index 0', 'link', 0, (rt) => rt.links.delete(0)],
  ['rule iif', 'iif', 'a/b', (rt) => rt.rules.add({ iif: 'a/b', table: 100 })],
  ['rule oif', 'oif', '..', (rt) => rt.rules.add({ oif: '..', table: 100 })],
  ['address dev', 'dev', '', (rt) => rt.addresses.add('', v4)],
  // Addresses and prefix lengths.
  ['IPv4 /33', 'address', '10.0.0.1/33', (rt) => rt.addresses.add('br0', '10.0.0.1/33')],
  ['IPv6 /129', 'address', 'fe80::1/129', (rt) => rt.addresses.add('br0', 'fe80::1/129')],
  ['IPv4 octet 256', 'address', '10.0.0.256', (rt) => rt.addresses.add('br0', '10.0.0.256/24')],
  ["IPv6 with two '::'", 'address', 'fe80::1::2', (rt) => rt.addresses.add('br0', 'fe80::1::2/64')],
  ['prefix length -1', 'address', '10.0.0.1/-1', (rt) => rt.addresses.add('br0', '10.0.0.1/-1')],
  ['replace /33', 'address', '10.0.0.1/33', (rt) => rt.addresses.replace('br0', '10.0.0.1/33')],
  ['delete /129', 'address', '2001:db8::1/129', (rt) => rt.addresses.delete('br0', '2001:db8::1/129')],
  ['peer /33', 'peer', '10.0.0.2/33', (rt) => rt.addresses.add('br0', v4, { peer: '10.0.0.2/33' })],
  ['route dst /33', 'dst', '10.0.0.0/33', (rt) => rt.routes.add({ dst: '10.0.0.0/33', dev: 'br0' })],
  ['route dst /129', 'dst', '2001:db8::/129', (rt) => rt.routes.add({ dst: '2001:db8::/129', dev: 'br0' })],
  [
    'route gateway 10.0.0.256',
    'via',
    '10.0.0.256',
    (rt) => rt.routes.add({ dst: '10.9.0.0/16', via: '10.0.0.256' }),
  ],
  [
    'route from /129',
    'from',
    '2001:db8::/129',
    (rt) => rt.routes.add({ dst: '2001:db8:1::/64', dev: 'br0', from: '2001:db8::/129' }),
  ],
  ['route get fe80::1::2', 'dst', 'fe80::1::2', (rt) => rt.routes.get('fe80::1::2')],
  ['rule from /33', 'from', '10.0.0.0/33', (rt) => rt.rules.add({ from: '10.0.0.0/33', table: 100 })],
  [
    'vxlan remote 10.0.0.256',
    'vxlan.remote',
    '10.0.0.256',
    (rt) => rt.links.create({ name: 'vx0', kind: 'vxlan', vxlan: { id: 1, remote: '10.0.0.256' } }),
  ],
  // MTU and other link numbers.
  ['MTU -1', 'mtu', -1, (rt) => rt.links.create({ name: 'b9', kind: 'bridge', mtu: -1 })],
  ['MTU 2^32', 'mtu', 2 ** 32, (rt) => rt.links.create({ name: 'b9', kind: 'bridge', mtu: 2 ** 32 })],
  ['MTU 1500.5', 'mtu', 1500.5, (rt) => rt.links.change('br0', { mtu: 1500.5 })],
  ["MTU '1500'", 'mtu', '1500', (rt) => rt.links.change('br0', { mtu: '1500' as unknown as number })],
  ['peer MTU -1', 'peer.mtu', -1, (rt) => rt.links.create({ name: 'v9', kind: 'veth', peer: { mtu: -1 } })],
  [
    'route metric mtu 2^32',
    'metrics.mtu',
    2 ** 32,
    (rt) => rt.routes.add({ dst: '10.9.0.0/16', dev: 'br0', metrics: { mtu: 2 ** 32 } }),
  ],
  // VXLAN id (24 bits) and ports.
  [
    'vxlan id 2^24',
    'vxlan.id',
    2 ** 24,
    (rt) => rt.links.create({ name: 'vx0', kind: 'vxlan', vxlan: { id: 2 ** 24 } }),
  ],
  ['vxlan id -1', 'vxlan.id', -1, (rt) => rt.links.create({ name: 'vx0', kind: 'vxlan', vxlan: { id: -1 } })],
  [
    'vxlan dstport 65536',
    'vxlan.dstport',
    65536,
    (rt) => rt.links.create({ name: 'vx0', kind: 'vxlan', vxlan: { id: 1, dstport: 65536 } }),
  ],
  [
    'vxlan source port 65536',
    'vxlan.srcPortRange',
    65536,
    (rt) => rt.links.create({ name: 'vx0', kind: 'vxlan', vxlan: { id: 1, srcPortRange: [1000, 65536] } }),
  ],
  ['rule dport 65536', 'dport', 65536, (rt) => rt.rules.add({ dport: 65536, table: 100 })],
  [
    'rule sport end 65536',
    'sport.end',
    65536,
    (rt) => rt.rules.add({ sport: { start: 1, end: 65536 }, table: 100 }),
  ],
  ['route get sport 65536', 'sport', 65536, (rt) => rt.routes.get('10.0.0.1', { sport: 65536 })],
  // Table ids (1..2^32-1 or a name).
  ['route table 0', 'table', 0, (rt) => rt.routes.add({ dst: '10.9.0.0/16', dev: 'br0', table: 0 })],
  [
    'route table 2^32',
    'table',
    2 ** 32,
    (rt) => rt.routes.add({ dst: '10.9.0.0/16', dev: 'br0', table: 2 ** 32 }),
  ],
  ['route table -1', 'table', -1, (rt) => rt.routes.delete({ dst: '10.9.0.0/16', table: -1 })],
  [
    'route table name',
    'table',
    'nope',
    (rt) => rt.routes.add({ dst: '10.9.0.0/16', dev: 'br0', table: 'nope' as 'main' }),
  ],
  ['route list table 2^32', 'table', 2 ** 32, (rt) => rt.routes.list({ table: 2 ** 32 })],
  ['rule table 0', 'table', 0, (rt) => rt.rules.add({ table: 0 })],
  ['rule table 2^32', 'table', 2 ** 32, (rt) => rt.rules.add({ table: 2 ** 32 })],
  // Multipath weights (1..256).
  [
    'weight 0',
    'nexthops[0].weight',
    0,
    (rt) => rt.routes.add({ dst: '10.9.0.0/16', nexthops: [{ dev: 'br0', weight: 0 }] }),
  ],
  [
    'weight 257',
    'nexthops[1].weight',
    257,
    (rt) => rt.routes.add({ dst: '10.9.0.0/16', nexthops: [{ dev: 'br0' }, { dev: 'br0', weight: 257 }] }),
  ],
  [
    'weight 1.5',
    'nexthops[0].weight',
    1.5,
    (rt) => rt.routes.add({ dst: '10.9.0.0/16', nexthops: [{ dev: 'br0', weight: 1.5 }] }),
  ],
];

describe('validation before any system call', () => {
  const ns = useTestNetns('rel-valid');

  it('rejects each bad value with a ValidationError naming field and value, sends nothing and changes nothing', async () => {
    await runIp(ns.name, ['link', 'add', 'br0', 'type', 'bridge']);
    await runIp(ns.name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    const rt = Rtnl.open({ netns: ns.name });
    try {
      const misses: string[] = [];
      for (const [label, field, value, run] of CASES) {
        const before = await snapshot(ns.name);
        const stats = { ...rt.conn.socket.stats };
        let err: unknown;
        try {
          await run(rt);
        } catch (e) {
          err = e;
        }
        const after = await snapshot(ns.name);
        const sent = rt.conn.socket.stats.sent - stats.sent;
        const received = rt.conn.socket.stats.received - stats.received;
        if (!(err instanceof ValidationError)) {
          misses.push(`${label}: ${err === undefined ? 'did not throw' : `threw ${String(err)}`}`);
          continue;
        }
        if (err.field !== field) misses.push(`${label}: field ${err.field}, expected ${field}`);
        if (!Object.is(err.value, value) && JSON.stringify(err.value) !== JSON.stringify(value))
          misses.push(`${label}: value ${String(err.value)}, expected ${String(value)}`);
        if (!err.message.includes(field))
          misses.push(`${label}: message does not name ${field}: ${err.message}`);
        const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
        if (!err.message.includes(shown))
          misses.push(`${label}: message does not show ${shown}: ${err.message}`);
        if (sent !== 0 || received !== 0)
          misses.push(`${label}: sent ${sent}, received ${received} datagrams`);
        if (after !== before) misses.push(`${label}: the namespace changed`);
      }
      expect(misses).toEqual([]);
      // The connection still works after all that.
      expect((await rt.links.get('br0')).name).toBe('br0');
    } finally {
      await rt.close();
    }
  });

  it('a dry run validates the same way and sends nothing', async () => {
    const rt = Rtnl.open({ netns: ns.name });
    try {
      await expect(rt.links.create({ name: 'a b', kind: 'bridge', dryRun: true })).rejects.toMatchObject({
        name: 'ValidationError',
        field: 'name',
        value: 'a b',
      });
      const bytes = await rt.links.create({ name: 'b1', kind: 'bridge', mtu: 1400, dryRun: true });
      expect(bytes.length).toBeGreaterThan(16);
      expect(rt.conn.socket.stats.sent).toBe(0);
      expect(await runIp(ns.name, ['-o', 'link'])).not.toContain('b1');
    } finally {
      await rt.close();
    }
  });

  it('rejects bad namespace names in Rtnl.open with NetnsError EINVAL, before any socket exists', () => {
    const names = ['', '.', '..', 'a/b', 'a\0b', 'x'.repeat(256)];
    const fds = openFds();
    const inode = currentNetnsInode();
    for (const name of names) {
      let err: unknown;
      try {
        Rtnl.open({ netns: name });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(name)).toBeInstanceOf(NetnsError);
      expect((err as NetnsError).code).toBe('EINVAL');
      expect((err as NetnsError).message).toContain('invalid network namespace');
      expect(openFds()).toBe(fds);
      expect(currentNetnsInode()).toBe(inode);
    }
    for (const ref of [{ pid: 0 }, { pid: -1 }, { fd: -1 }, { path: '' }]) {
      expect(() => Rtnl.open({ netns: ref }), JSON.stringify(ref)).toThrow(NetnsError);
      expect(openFds()).toBe(fds);
    }
  });
});
