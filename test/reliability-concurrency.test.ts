/**
 * Guarantee: many requests in flight at once each get their own reply. Replies are routed by
 * sequence number (and the socket's port id), so 100 concurrent gets, creates, dumps and failing
 * requests on one connection each resolve with exactly what was asked for; likewise on 5
 * connections working in parallel in the same namespace.
 */
import { describe, expect, it } from 'vitest';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { Rtnl } from '../src/rtnl/client.js';
import { ipJson, runIp, useTestNetns } from './helpers/netns.js';

/** Sets up `count` bridges `<prefix>p<i>`, up, each with MTU 1300+i and address 10.<k>.<i>.1/24. */
async function fixtures(rt: Rtnl, prefix: string, k: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await rt.links.create({ name: `${prefix}p${i}`, kind: 'bridge', mtu: 1300 + i, up: true });
    await rt.addresses.add(`${prefix}p${i}`, `10.${k}.${i}.1/24`);
  }
}

/**
 * Starts 100 requests at once on `rt` (in one tick): 30 gets, 30 creates, 10 link dumps, 10
 * filtered address dumps, 10 route lookups, 10 gets of missing links. Returns one check per request;
 * each check throws when the reply is not the one its request asked for.
 */
function hundred(rt: Rtnl, prefix: string, k: number): Promise<void>[] {
  const out: Promise<void>[] = [];
  for (let i = 0; i < 30; i++) {
    const name = `${prefix}p${i % 10}`;
    out.push(
      rt.links.get(name).then((l) => {
        expect(l.name).toBe(name);
        expect(l.mtu).toBe(1300 + (i % 10));
      }),
    );
  }
  for (let i = 0; i < 30; i++) {
    const name = `${prefix}n${i}`;
    out.push(
      rt.links.create({ name, kind: 'bridge', mtu: 1000 + i }).then((l) => {
        expect(l.name).toBe(name);
        expect(l.mtu).toBe(1000 + i);
        expect(l.kind).toBe('bridge');
      }),
    );
  }
  for (let i = 0; i < 10; i++)
    out.push(
      rt.links.list({ kind: 'bridge' }).then((ls) => {
        const names = ls.map((l) => l.name);
        for (let j = 0; j < 10; j++) expect(names).toContain(`${prefix}p${j}`);
        expect(ls.every((l) => l.kind === 'bridge')).toBe(true);
        expect(new Set(names).size).toBe(names.length);
      }),
    );
  for (let i = 0; i < 10; i++)
    out.push(
      rt.addresses.list({ dev: `${prefix}p${i}`, family: 'inet' }).then((as) => {
        expect(as.map((a) => `${a.local}/${a.prefixlen}`)).toEqual([`10.${k}.${i}.1/24`]);
      }),
    );
  for (let i = 0; i < 10; i++)
    out.push(
      rt.routes.get(`10.${k}.${i}.77`).then((r) => {
        expect(r.dst).toBe(`10.${k}.${i}.77/32`);
        expect(r.src).toBe(`10.${k}.${i}.1`);
      }),
    );
  for (let i = 0; i < 10; i++) {
    const name = `${prefix}gone${i}`;
    out.push(
      rt.links.get(name).then(
        () => {
          throw new Error(`${name} exists?`);
        },
        (e: unknown) => {
          expect(e).toBeInstanceOf(NetlinkError);
          expect((e as NetlinkError).code).toBe('ENODEV');
          expect((e as NetlinkError).message).toContain(name);
        },
      ),
    );
  }
  return out;
}

/** Settles every check, or fails after `ms` naming how many never settled (a reply routed elsewhere). */
async function settleWithin(checks: Promise<void>[], ms: number): Promise<PromiseSettledResult<void>[]> {
  let settled = 0;
  for (const c of checks)
    c.then(
      () => settled++,
      () => settled++,
    );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${checks.length - settled} requests never settled`)), ms);
  });
  try {
    return await Promise.race([Promise.allSettled(checks), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('concurrency', () => {
  const ns = useTestNetns('rel-conc');

  it('100 concurrent requests on one connection each get their own reply', async () => {
    const rt = Rtnl.open({ netns: ns.name });
    try {
      await fixtures(rt, 'a', 1, 10);
      const sentBefore = rt.conn.socket.stats.sent;
      const checks = hundred(rt, 'a', 1);
      expect(checks).toHaveLength(100);
      const outcomes = await settleWithin(checks, 20_000);
      const failed = outcomes.flatMap((o, i) =>
        o.status === 'rejected' ? [`#${i}: ${String(o.reason)}`] : [],
      );
      expect(failed).toEqual([]);
      // Packed: far fewer datagrams than requests (dumps go one at a time, the rest together).
      expect(rt.conn.socket.stats.sent - sentBefore).toBeLessThan(60);
      expect(rt.conn.stats).toEqual({ droppedWrongPort: 0, droppedUnknownSeq: 0, notifications: 0 });
      const links = await ipJson<{ ifname: string; mtu: number }[]>(ns.name, [
        'link',
        'show',
        'type',
        'bridge',
      ]);
      for (let i = 0; i < 30; i++) expect(links.find((l) => l.ifname === `an${i}`)?.mtu).toBe(1000 + i);
    } finally {
      await rt.close();
    }
  });

  it('the same on 5 connections at once in one namespace', async () => {
    const conns = Array.from({ length: 5 }, () => Rtnl.open({ netns: ns.name }));
    try {
      await Promise.all(conns.map((rt, k) => fixtures(rt, `c${k}`, 10 + k, 10)));
      const outcomes = await settleWithin(
        conns.flatMap((rt, k) => hundred(rt, `c${k}`, 10 + k)),
        30_000,
      );
      expect(outcomes).toHaveLength(500);
      const failed = outcomes.flatMap((o, i) =>
        o.status === 'rejected' ? [`#${i}: ${String(o.reason)}`] : [],
      );
      expect(failed).toEqual([]);
      for (const rt of conns)
        expect(rt.conn.stats).toEqual({ droppedWrongPort: 0, droppedUnknownSeq: 0, notifications: 0 });
      const created = (await runIp(ns.name, ['-o', 'link'])).match(/ c\dn\d+:/g) ?? [];
      expect(created).toHaveLength(150);
    } finally {
      await Promise.all(conns.map((rt) => rt.close()));
    }
  });
});
