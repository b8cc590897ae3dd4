/**
 * Routes.addMany, Addresses.addMany and Links.createMany against the kernel: one pipelined batch,
 * per-item results for what the kernel refuses, and nothing sent when an item is invalid.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/netlink/errors.js';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { Rtnl } from '../src/rtnl/client.js';
import { ipJson, kernelSkipReason, runIp, useTestNetns } from './helpers/netns.js';

describe.skipIf(kernelSkipReason())('bulk requests', () => {
  const ns = useTestNetns('bulk');

  it('Routes.addMany adds 500 routes, reports the one the kernel refuses, and sends nothing for an invalid list', async () => {
    const rt = Rtnl.open({ netns: ns.name });
    try {
      await rt.links.create({ name: 'r0', kind: 'veth', peer: { name: 'r1' }, up: true });
      await rt.links.setUp('r1');
      await rt.addresses.add('r0', '192.168.7.1/24');
      await rt.routes.add({ dst: '10.7.3.0/24', via: '192.168.7.2' });
      const routes = Array.from({ length: 500 }, (_, i) => ({
        dst: `10.7.${i >> 8}.${i & 255}/32`,
        via: '192.168.7.2',
        dev: 'r0',
      }));
      routes[3] = { dst: '10.7.3.0/24', via: '192.168.7.2', dev: 'r0' };
      const count = async () => (await ipJson<unknown[]>(ns.name, ['-4', 'route', 'show'])).length;
      const before = await count();

      const sent = rt.conn.socket.stats.sent;
      const bad = [...routes, { dst: '10.7.9.0/33', via: '192.168.7.2' }];
      const err = await rt.routes.addMany(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe('routes[500].dst');
      expect(rt.conn.socket.stats.sent).toBe(sent); // checked before even r0 is looked up
      expect(await count()).toBe(before);

      const results = await rt.routes.addMany(routes);
      const failed = results.flatMap((r, i) => (r ? [[i, r.code, r.message.split(':')[0]]] : []));
      expect(failed).toEqual([[3, 'EEXIST', 'route add 10.7.3.0/24']]);
      expect(await count()).toBe(before + 499);
      const shown = await ipJson<{ dst: string; gateway: string; dev: string }[]>(ns.name, [
        '-4',
        'route',
        'show',
        '10.7.1.44/32',
      ]);
      expect(shown).toMatchObject([{ dst: '10.7.1.44', gateway: '192.168.7.2', dev: 'r0' }]);
    } finally {
      await rt.close();
    }
  });

  it('Addresses.addMany adds 300 addresses to one link in order and names a bad prefix', async () => {
    const rt = Rtnl.open({ netns: ns.name });
    try {
      await rt.links.create({ name: 'a0', kind: 'bridge' });
      const prefixes = Array.from({ length: 300 }, (_, i) => `10.8.${i >> 8}.${i & 255}/32`);
      const err = await rt.addresses
        .addMany('a0', [...prefixes.slice(0, 5), '10.8.0.300/32'])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe('prefixes[5].address');
      expect(await rt.addresses.list({ dev: 'a0', family: 'inet' })).toEqual([]);

      const results = await rt.addresses.addMany('a0', [...prefixes, prefixes[0]]);
      expect(results.slice(0, 300).every((r) => r === undefined)).toBe(true);
      expect(results[300]).toBeInstanceOf(NetlinkError);
      expect(results[300]?.code).toBe('EEXIST');
      const listed = await rt.addresses.list({ dev: 'a0', family: 'inet' });
      expect(listed.map((a) => `${a.local}/${a.prefixlen}`)).toEqual(prefixes);
      await expect(rt.addresses.addMany('nope0', prefixes)).rejects.toMatchObject({ code: 'ENODEV' });
    } finally {
      await rt.close();
    }
  });

  it('Links.createMany makes a bridge and 30 ports enslaved and up, the ports after the bridge exists', async () => {
    const rt = Rtnl.open({ netns: ns.name });
    try {
      const ports = Array.from({ length: 30 }, (_, i) => ({
        name: `p${i}`,
        kind: 'veth' as const,
        peer: { name: `q${i}` },
        master: 'br9',
        up: true,
      }));
      const sent = rt.conn.socket.stats.sent;
      const invalid = await rt.links
        .createMany([
          { name: 'br9', kind: 'bridge' },
          { ...ports[0], mtu: -1 },
        ])
        .catch((e: unknown) => e);
      expect(invalid).toBeInstanceOf(ValidationError);
      expect((invalid as ValidationError).field).toBe('links[1].mtu');
      const missing = await rt.links
        .createMany([
          { name: 'br9', kind: 'bridge' },
          { ...ports[0], master: 'nobr' },
        ])
        .catch((e: unknown) => e);
      expect(missing).toMatchObject({ code: 'ENODEV' });
      expect(rt.conn.socket.stats.sent - sent).toBe(1); // the lookup of nobr
      expect((await rt.links.list()).map((l) => l.name)).not.toContain('br9');

      const results = await rt.links.createMany([{ name: 'br9', kind: 'bridge', up: true }, ...ports]);
      expect(results.every((r) => r === undefined)).toBe(true);
      const shown = await ipJson<{ ifname: string; master?: string; flags: string[] }[]>(ns.name, [
        'link',
        'show',
        'master',
        'br9',
      ]);
      expect(shown.map((l) => l.ifname).sort()).toEqual(ports.map((p) => p.name).sort());
      expect(shown.every((l) => l.flags.includes('UP'))).toBe(true);
      // A name taken: that item fails, the rest are made.
      const again = await rt.links.createMany([
        { name: 'br9', kind: 'bridge' },
        { name: 'br8', kind: 'bridge' },
      ]);
      expect(again[0]?.code).toBe('EEXIST');
      expect(again[1]).toBeUndefined();
      expect(await runIp(ns.name, ['-o', 'link', 'show', 'br8'])).toContain('br8');
    } finally {
      await rt.close();
    }
  });
});
