/**
 * Guarantee: no leaks. A soak of 10,000 operations across 4 namespaces (links created and deleted,
 * addresses and routes added and deleted, dumps, requests the kernel refuses, invalid input,
 * connections opened and closed) runs in a child process started with --expose-gc. Afterwards the
 * child's open descriptors, its threads' namespaces and its heap after garbage collection are as
 * they were after the warm-up (heap within 5 MB), and the namespaces hold nothing but lo.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ipJson, useTestNetns } from './helpers/netns.js';

const execFileP = promisify(execFile);
const url = (p: string): string => pathToFileURL(path.resolve(p)).href;

/** The soak, run as its own process: `node --expose-gc --import tsx soak.mts TOTAL NS...`. */
const SOAK = `import fs from 'node:fs';
import { Rtnl } from '${url('src/rtnl/client.ts')}';
import { currentNetnsInode } from '${url('src/netns/enter.ts')}';
import { NlwireError } from '${url('src/netlink/errors.ts')}';

const [total, ...spaces] = process.argv.slice(2);
const TOTAL = Number(total);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const fds = () => fs.readdirSync('/proc/self/fd').length;
const threads = () => new Set(fs.readdirSync('/proc/self/task').map((t) => { try { return fs.readlinkSync(\`/proc/self/task/\${t}/ns/net\`); } catch { return 'gone'; } }));
const heap = async () => { for (let i = 0; i < 4; i++) { gc(); await new Promise((r) => setImmediate(r)); } return process.memoryUsage().heapUsed; };

const counts: Record<string, number> = {};
let unexpected: string[] = [];
/** One cycle of 10 operations on a namespace: k is the worker, c the cycle. */
async function cycle(rt: Rtnl, netns: string, k: number, c: number): Promise<void> {
  const dev = \`s\${c % 4}\`;
  const y = c % 200;
  const ops: [string, () => Promise<unknown>, string?][] = [
    ['link add', () => rt.links.create({ name: dev, kind: 'bridge', up: true })],
    ['addr add', () => rt.addresses.add(dev, \`10.\${k}.\${y}.1/24\`)],
    ['route add', () => rt.routes.add({ dst: \`10.\${100 + k}.\${y}.0/24\`, via: \`10.\${k}.\${y}.2\` })],
    ['dump', () => [() => rt.links.list(), () => rt.addresses.list(), () => rt.routes.list(), () => rt.rules.list()][c % 4]()],
    ['failing get', () => rt.links.get('nope0'), 'ENODEV'],
    ['failing add', () => rt.addresses.add(dev, \`10.\${k}.\${y}.1/24\`), 'EEXIST'],
    ['invalid', () => rt.routes.add({ dst: '10.0.0.0/33', dev }), 'ValidationError'],
    ['route del', () => rt.routes.delete({ dst: \`10.\${100 + k}.\${y}.0/24\`, via: \`10.\${k}.\${y}.2\` })],
    ['open/close', async () => { const x = Rtnl.open({ netns }); try { await x.links.get('lo'); } finally { await x.close(); } }],
    ['link del', () => rt.links.delete(dev)], // takes its address with it
  ];
  for (const [name, op, expectErr] of ops) {
    try {
      await op();
      if (expectErr) unexpected.push(\`\${name}: succeeded\`);
    } catch (e) {
      const code = (e as { code?: string }).code ?? (e as Error).name;
      if (!expectErr || (code !== expectErr && (e as Error).name !== expectErr) || !(e instanceof NlwireError))
        unexpected.push(\`\${name}: \${String(e)}\`);
    }
    counts[name] = (counts[name] ?? 0) + 1;
  }
}

async function run(cycles: number): Promise<void> {
  const per = Math.ceil(cycles / spaces.length);
  await Promise.all(spaces.map(async (netns, k) => {
    const rt = Rtnl.open({ netns });
    try { for (let c = 0; c < per; c++) await cycle(rt, netns, k, c); } finally { await rt.close(); }
  }));
}

await run(40); // warm up: JIT, lazy modules, buffers
unexpected = [];
for (const k of Object.keys(counts)) delete counts[k];
const before = { fds: fds(), inode: String(currentNetnsInode()), threads: [...threads()], heap: await heap() };
const t = performance.now();
await run(TOTAL / 10);
const ms = performance.now() - t;
const after = { fds: fds(), inode: String(currentNetnsInode()), threads: [...threads()], heap: await heap() };
const ops = Object.values(counts).reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ ops, ms: Math.round(ms), counts, unexpected: unexpected.slice(0, 20), unexpectedCount: unexpected.length, before, after }));
`;

interface SoakReport {
  ops: number;
  ms: number;
  counts: Record<string, number>;
  unexpected: string[];
  unexpectedCount: number;
  before: { fds: number; inode: string; threads: string[]; heap: number };
  after: { fds: number; inode: string; threads: string[]; heap: number };
}

describe('leaks', () => {
  const ns = useTestNetns('rel-soak');

  it('10,000 operations across 4 namespaces leave descriptors, namespaces and heap as they were', async () => {
    const spaces = [ns.name, await ns.create(), await ns.create(), await ns.create()];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlw-rel-soak-'));
    try {
      const script = path.join(dir, 'soak.mts');
      fs.writeFileSync(script, SOAK);
      const { stdout } = await execFileP(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', script, '10000', ...spaces],
        { cwd: process.cwd(), maxBuffer: 16 << 20, timeout: 150_000 },
      );
      const r = JSON.parse(stdout.trim().split('\n').pop() as string) as SoakReport;
      const growth = r.after.heap - r.before.heap;
      console.log(
        `soak: ${r.ops} operations in ${(r.ms / 1000).toFixed(1)} s (${Math.round((r.ops * 1000) / r.ms)}/s) across ${spaces.length} namespaces; ` +
          `fds ${r.before.fds} -> ${r.after.fds}; thread namespace ${r.before.inode} -> ${r.after.inode}; ` +
          `heap after gc ${(r.before.heap / 2 ** 20).toFixed(2)} MiB -> ${(r.after.heap / 2 ** 20).toFixed(2)} MiB ` +
          `(${growth >= 0 ? '+' : ''}${(growth / 2 ** 20).toFixed(2)} MiB)`,
      );
      expect(r.unexpected).toEqual([]);
      expect(r.ops).toBe(10_000);
      expect(Object.values(r.counts).every((n) => n === 1000)).toBe(true);
      expect(r.after.fds).toBe(r.before.fds);
      expect(r.after.inode).toBe(r.before.inode);
      expect(r.before.threads).toHaveLength(1);
      expect(r.after.threads).toEqual(r.before.threads);
      expect(growth).toBeLessThan(5 * 2 ** 20);
      expect(r.ms).toBeLessThan(120_000);
      // Nothing was left behind in the namespaces: every link, address and route went again.
      for (const s of spaces) {
        const links = await ipJson<{ ifname: string }[]>(s, ['link', 'show']);
        expect(links.map((l) => l.ifname)).toEqual(['lo']);
        expect(await ipJson(s, ['-4', 'route', 'show', 'table', 'all'])).toEqual([]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
