/**
 * Guarantees under faults: interrupted dumps are reported (with what was read) and retried on
 * request; a caller without CAP_NET_ADMIN gets one clear EPERM line; closing a connection settles
 * every request in flight with ClosedError at once; a handle whose namespace is deleted keeps
 * working until closed; a request the kernel refuses leaves nothing behind.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NLM_F } from '../src/constants/netlink.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { AF } from '../src/constants/socket.js';
import { ClosedError } from '../src/netlink/errors.js';
import type { Message } from '../src/netlink/message.js';
import { DumpInterruptedError, NetlinkError } from '../src/netlink/netlink-error.js';
import { NetnsError } from '../src/netns/errors.js';
import { Rtnl } from '../src/rtnl/client.js';
import { RTM_GETLINK, RTM_NEWLINK } from '../src/rtnl/link/messages.js';
import { requireTool, runIp, useTestNetns } from './helpers/netns.js';

const execFileP = promisify(execFile);
const openFds = (): number => fs.readdirSync('/proc/self/fd').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates `pairs` veth pairs va<i>/vb<i> in one pipelined batch. */
async function vethPairs(rt: Rtnl, pairs: number): Promise<void> {
  const items = Array.from({ length: pairs }, (_, i) => ({
    spec: RTM_NEWLINK,
    flags: NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL,
    header: {},
    attrs: {
      ifname: `va${i}`,
      linkinfo: { kind: 'veth', data: { peer: { header: {}, attrs: { ifname: `vb${i}` } } } },
    },
  }));
  const failed = (await rt.conn.batch(items as never)).filter((r) => r !== undefined);
  expect(failed).toEqual([]);
}

const nameOf = (m: Message): string => (m.attrs as { ifname: string }).ifname;
const indexOf = (m: Message): number => (m.header as { index: number }).index;

/** Whether a datagram we sent holds an RTM_GETLINK dump request. */
const isLinkDump = (bytes: Buffer): boolean =>
  bytes.length >= 16 &&
  bytes.readUInt16LE(4) === RTM.RTM_GETLINK &&
  (bytes.readUInt16LE(6) & NLM_F.NLM_F_DUMP) === NLM_F.NLM_F_DUMP;

describe('faults', () => {
  const ns = useTestNetns('rel-fault');

  it('closing a connection with 50 requests in flight rejects each with ClosedError at once', async () => {
    await runIp(ns.name, ['link', 'add', 'br0', 'type', 'bridge']);
    const fds = openFds();
    // Three moments: before the datagram leaves, while the send thread has it, and mid-dump.
    for (const when of ['same tick', 'sending', 'mid-dump'] as const) {
      const rt = Rtnl.open({ netns: ns.name, sliceMs: 0 });
      const all: Promise<unknown>[] = [];
      if (when === 'mid-dump') {
        await vethPairs(rt, 100);
      }
      for (let i = 0; i < 30; i++) all.push(rt.links.get(i % 2 ? 'lo' : 'br0'));
      for (let i = 0; i < 10; i++) all.push(rt.links.list());
      for (let i = 0; i < 10; i++)
        all.push(rt.links.create({ name: `c${when.length}x${i}`, kind: 'bridge' }));
      if (when === 'sending') {
        await Promise.resolve();
        await Promise.resolve();
      }
      if (when === 'mid-dump') {
        // Wait until the first list (a 201-link dump) has started arriving, then close.
        const until = Date.now() + 5000;
        while (rt.conn.socket.stats.received < 2 && Date.now() < until)
          await new Promise((r) => setImmediate(r));
        expect(rt.conn.socket.stats.received).toBeGreaterThanOrEqual(2);
      }
      const t = performance.now();
      const closing = rt.close();
      const settled = await Promise.race([
        Promise.allSettled(all),
        sleep(1000).then(() => 'timeout' as const),
      ]);
      const ms = performance.now() - t;
      expect(settled, when).not.toBe('timeout');
      await closing;
      const outcomes = settled as PromiseSettledResult<unknown>[];
      const notClosed = outcomes.filter((o) => o.status !== 'rejected' || !(o.reason instanceof ClosedError));
      // In the mid-dump case the gets before the dump may have finished: only those may have resolved.
      if (when === 'mid-dump') {
        expect(
          notClosed.every((o) => o.status === 'fulfilled'),
          when,
        ).toBe(true);
        expect(outcomes.filter((o) => o.status === 'rejected').length).toBeGreaterThanOrEqual(10);
      } else expect(notClosed, when).toEqual([]);
      expect(ms, when).toBeLessThan(1000);
      await new Promise((r) => setImmediate(r));
      // The datagram was on its way: the kernel may have carried out some of it (see reliability.md).
      if (when !== 'same tick') expect(rt.conn.socket.stats.sent, when).toBeGreaterThanOrEqual(1);
      // Closed means closed: new requests reject, a second close is harmless, the fd is gone.
      await expect(rt.links.get('lo')).rejects.toBeInstanceOf(ClosedError);
      await rt.close();
      expect(openFds(), when).toBe(fds);
    }
  });

  it('a request the kernel refuses leaves nothing behind', async () => {
    const rt = Rtnl.open({ netns: ns.name });
    const state = () =>
      Promise.all([
        runIp(ns.name, ['-j', '-d', 'link', 'show']),
        runIp(ns.name, ['-j', 'address', 'show']),
        runIp(ns.name, ['-j', 'route', 'show', 'table', 'all']),
      ]).then((parts) => parts.join('\n'));
    try {
      await rt.links.create({ name: 'v0', kind: 'veth', peer: { name: 'v1' }, up: true });
      await rt.links.setUp('v1');
      await rt.addresses.add('v0', '10.0.0.1/24');
      // Let the kernel settle first (carrier, IPv6 DAD finishing): the same state twice, 300 ms apart.
      let before = await state();
      for (let i = 0; i < 20; i++) {
        await sleep(300);
        const again = await state();
        if (again === before) break;
        before = again;
      }
      // The kernel (veth_newlink) cannot bring a peer up before it is paired: ENOTCONN, and it
      // unregisters both ends.
      await expect(
        rt.links.create({ name: 'v2', kind: 'veth', peer: { name: 'v3', up: true } }),
      ).rejects.toMatchObject({ name: 'NetlinkError', code: 'ENOTCONN' });
      // The peer name is taken: neither end is created.
      await expect(rt.links.create({ name: 'v2', kind: 'veth', peer: { name: 'v1' } })).rejects.toMatchObject(
        {
          name: 'NetlinkError',
          code: 'EEXIST',
        },
      );
      // A veth cannot be a master: the kernel unregisters the new bridge it had already made.
      const e = await rt.links.create({ name: 'b0', kind: 'bridge', master: 'v1' }).catch((x) => x);
      expect(e).toBeInstanceOf(NetlinkError);
      expect(e.message).toMatch(/^link add b0: /);
      // A multipath route with one gateway that is not on the link: no route at all.
      await expect(
        rt.routes.add({
          dst: '10.9.0.0/16',
          nexthops: [
            { via: '10.0.0.2', dev: 'v0' },
            { via: '192.0.2.1', dev: 'v0' },
          ],
        }),
      ).rejects.toBeInstanceOf(NetlinkError);
      // An address on a link that does not exist: found missing before anything is changed.
      await expect(rt.addresses.add('nope0', '10.0.0.9/24')).rejects.toMatchObject({ code: 'ENODEV' });
      expect(await state()).toBe(before);
    } finally {
      await rt.close();
    }
  });

  it('a handle whose namespace is deleted keeps working until closed; reopening by name is ENOENT', async () => {
    const name = await ns.create('rel-gone');
    const rt = Rtnl.open({ netns: name });
    const fds = openFds();
    try {
      await rt.links.create({ name: 'b0', kind: 'bridge' });
      await runIp(undefined, ['netns', 'del', name]);
      expect(await runIp(undefined, ['netns', 'list'])).not.toContain(name);
      // The socket holds a reference to the namespace: it lives on, with its links.
      expect((await rt.links.list()).map((l) => l.name).sort()).toEqual(['b0', 'lo']);
      await rt.links.create({ name: 'b1', kind: 'bridge' });
      await rt.addresses.add('b1', '10.1.0.1/24');
      expect((await rt.addresses.list({ dev: 'b1' })).map((a) => a.local)).toEqual(['10.1.0.1']);
      // The name is gone: a new handle cannot reach it.
      let err: unknown;
      try {
        Rtnl.open({ netns: name });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NetnsError);
      expect((err as NetnsError).code).toBe('ENOENT');
      expect((err as NetnsError).message).toBe(`network namespace "${name}" does not exist`);
      expect(openFds()).toBe(fds);
    } finally {
      await rt.close();
    }
    expect(openFds()).toBe(fds - 1);
  });

  it('EPERM: without CAP_NET_ADMIN, a create fails with one clear line naming EPERM', async () => {
    requireTool('setpriv');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlw-rel-eperm-'));
    try {
      fs.chmodSync(dir, 0o755);
      const script = path.join(dir, 'eperm.mts');
      const api = pathToFileURL(path.resolve('src/rtnl/client.ts')).href;
      fs.writeFileSync(
        script,
        `import { Rtnl } from ${JSON.stringify(api)};
const netns = process.argv[2];
try {
  const rt = Rtnl.open(netns ? { netns } : {});
  try {
    await rt.links.create({ name: 'nobody0', kind: 'bridge' });
    console.log('created nobody0');
  } finally {
    await rt.close();
  }
} catch (e) {
  console.error(\`\${e.name}: \${e.message}\`);
  process.exitCode = 1;
}
`,
      );
      fs.chmodSync(script, 0o644);
      const asNobody = [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        '--import',
        'tsx',
      ];
      const run = async (argv: string[]) => {
        try {
          const r = await execFileP(argv[0], argv.slice(1), { cwd: process.cwd() });
          return { code: 0, ...r };
        } catch (e) {
          const x = e as { code: number; stdout: string; stderr: string };
          return { code: x.code, stdout: x.stdout, stderr: x.stderr };
        }
      };
      // Inside the test namespace (ip netns exec), as nobody: the socket opens, the create is refused.
      const inside = await run(['ip', 'netns', 'exec', ns.name, 'setpriv', ...asNobody, script]);
      expect(inside.code).toBe(1);
      expect(inside.stdout).toBe('');
      const lines = inside.stderr.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^NetlinkError: link add nobody0: RTM_NEWLINK: EPERM\b/);
      // Asking to enter a namespace as nobody: refused by setns, with the privilege named.
      const enter = await run(['setpriv', ...asNobody, script, ns.name]);
      expect(enter.code).toBe(1);
      const enterLines = enter.stderr.split('\n').filter((l) => l !== '');
      expect(enterLines).toHaveLength(1);
      expect(enterLines[0]).toMatch(/^NetnsError: .*EPERM.*root or CAP_SYS_ADMIN is needed$/);
      expect(await runIp(ns.name, ['-o', 'link'])).not.toContain('nobody0');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('NLM_F_DUMP_INTR for real: DumpInterruptedError with the partial entries, and retries recover', async () => {
    const rt = Rtnl.open({ netns: ns.name });
    let dumpRequests = 0;
    let onDumpRequest: (() => void) | undefined;
    const traced = Rtnl.open({
      netns: ns.name,
      trace: (dir, bytes) => {
        if (dir === 'to-kernel' && isLinkDump(bytes)) {
          dumpRequests++;
          onDumpRequest?.();
        }
      },
    });
    const churn = Rtnl.open({ netns: ns.name });
    let churned = 0;
    // Another connection adds and deletes bridges until told to stop.
    const startChurn = () => {
      const state = { stop: false, done: Promise.resolve() };
      state.done = (async () => {
        for (let i = 0; !state.stop; i++) {
          const name = `ch${i % 4}`;
          await churn.links.create({ name, kind: 'bridge' });
          await churn.links.delete(name);
          churned += 2;
        }
      })();
      return state;
    };
    let churner = startChurn();
    try {
      await vethPairs(rt, 750);
      const statics = new Set(['lo', ...Array.from({ length: 750 }, (_, i) => [`va${i}`, `vb${i}`]).flat()]);
      // 1. Without retries, an interrupted dump is an error carrying what was read.
      let interrupted: DumpInterruptedError<Message> | undefined;
      const deadline = Date.now() + 30_000;
      while (!interrupted && Date.now() < deadline) {
        try {
          await rt.conn.dump(RTM_GETLINK, { family: AF.AF_UNSPEC }, {}, { context: 'link dump' });
        } catch (e) {
          if (!(e instanceof DumpInterruptedError)) throw e;
          interrupted = e as DumpInterruptedError<Message>;
        }
      }
      expect(interrupted, `no interrupted dump in 30 s (${churned} changes)`).toBeInstanceOf(
        DumpInterruptedError,
      );
      const partial = (interrupted as DumpInterruptedError<Message>).partial;
      expect(interrupted?.message).toMatch(/^link dump: dump interrupted \(NLM_F_DUMP_INTR\)/);
      expect(partial.length).toBeGreaterThan(100);
      expect(partial.every((m) => m.nl.type === RTM.RTM_NEWLINK)).toBe(true);
      // 2. With retries: stop the churn once the first attempt has been retried; the result is whole.
      let recovered: Message[] | undefined;
      for (let round = 0; round < 20 && !recovered; round++) {
        churner.stop = true;
        await churner.done;
        churner = startChurn();
        const current = churner;
        dumpRequests = 0;
        onDumpRequest = () => {
          if (dumpRequests >= 2) current.stop = true;
        };
        const msgs = await traced.conn.dump(RTM_GETLINK, { family: AF.AF_UNSPEC }, {}, { retries: 5 });
        if (dumpRequests >= 2) recovered = msgs;
      }
      expect(recovered, 'no dump was retried in 20 rounds').toBeDefined();
      expect(dumpRequests).toBeGreaterThanOrEqual(2);
      expect(dumpRequests).toBeLessThanOrEqual(6);
      const names = (recovered as Message[]).map(nameOf);
      const indexes = (recovered as Message[]).map(indexOf);
      expect(new Set(names).size).toBe(names.length);
      expect(new Set(indexes).size).toBe(indexes.length);
      for (const s of statics) expect(names.includes(s), s).toBe(true);
      expect(names.filter((n) => !statics.has(n)).every((n) => /^ch[0-3]$/.test(n))).toBe(true);
    } finally {
      churner.stop = true;
      onDumpRequest = undefined;
      await churner.done.catch(() => undefined);
      await churn.close();
      await traced.close();
      await rt.close();
    }
  });
});
