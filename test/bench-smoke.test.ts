/**
 * The benchmark harness works end to end (npm run bench), at a tiny size: one workload against the
 * kernel (W1, 5 veth pairs) with nlwire and ip, and the decode-only W6. It checks the report's shape
 * and that no bench namespace is left behind, never the timings: bench/ is a benchmark, not a test.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Report } from '../bench/lib/report.js';
import { listNetns } from '../src/netns/manage.js';
import { kernelSkipReason } from './helpers/netns.js';

const execFileP = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');

async function benchNamespaces(): Promise<string[]> {
  return (await listNetns()).map((n) => n.name).filter((n) => n.startsWith('nlw-bench-'));
}

describe.skipIf(kernelSkipReason('ip', 'python3'))('npm run bench (smoke)', () => {
  it('runs W1 and W6 at a tiny scale and writes a JSON report', async () => {
    const before = await benchNamespaces();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlw-bench-smoke-'));
    const json = path.join(dir, 'report.json');
    try {
      const { stdout } = await execFileP(
        process.execPath,
        [
          path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
          path.join(ROOT, 'bench', 'run.ts'),
          '--only',
          'W1,W6',
          '--runs',
          '2',
          '--scale',
          '0.005',
          '--tools',
          'nlwire,ip',
          '--json',
          json,
        ],
        { cwd: ROOT, maxBuffer: 16 << 20 },
      );
      const r = JSON.parse(fs.readFileSync(json, 'utf8')) as Report;
      expect(r.errors).toEqual([]);
      expect(r.scale).toBe(0.005);
      expect(r.tools).toEqual(['nlwire', 'ip']);
      expect(r.workloads.map((w) => w.id)).toEqual(['W1', 'W6']);

      const w1 = r.workloads[0];
      expect(w1.title).toContain('5 veth pairs');
      for (const metric of ['create', 'deleteEach', 'deleteGroup']) {
        const row = w1.rows.find((x) => x.metric === metric);
        // Two runs per tool, alternating; every sample a positive time.
        expect(row?.tools.nlwire?.samples).toHaveLength(2);
        expect(row?.tools.ip?.samples).toHaveLength(2);
        for (const s of [...(row?.tools.nlwire?.samples ?? []), ...(row?.tools.ip?.samples ?? [])])
          expect(s).toBeGreaterThan(0);
        expect(row?.ratioToIp).toBeGreaterThan(0);
      }
      const rss = w1.rows.find((x) => x.metric === 'rss')?.tools.nlwire?.median ?? 0;
      expect(rss).toBeGreaterThan(10);
      // Not at scale 1: targets are reported but not judged.
      expect(w1.targets.every((t) => t.result === 'n/a')).toBe(true);

      const w6 = r.workloads[1];
      for (const metric of ['link', 'route', 'address']) {
        const row = w6.rows.find((x) => x.metric === metric);
        expect(row?.tools.nlwire?.median).toBeGreaterThan(0);
        expect(row?.tools.ip).toBeUndefined();
      }

      expect(stdout).toContain('Targets:');
      expect(stdout).toMatch(/n\/a\s+W1\s+create 5 veth pairs/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(await benchNamespaces()).toEqual(before);
  }, 120_000);
});
