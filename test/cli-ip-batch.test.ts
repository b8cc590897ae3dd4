/**
 * `nlwire -batch FILE|-`: ip's batch syntax (comments, blank lines, quotes, continuations), a thousand
 * change lines pipelined into a few batches and all applied, a failing line reported by number and
 * stopping the batch, and -force going on and exiting non-zero at the end.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBatch, splitWords } from '../src/cli/ip/batch.js';
import { ipJson, kernelSkipReason, useTestNetns } from './helpers/netns.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI, optionally with standard input and extra environment. */
function nlwire(
  args: readonly string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      'node',
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { maxBuffer: 64 << 20, env: { ...process.env, ...opts.env } },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? -1) : 0;
        resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
      },
    );
    child.stdin?.end(opts.input ?? '');
  });
}

const dir = mkdtempSync(join(tmpdir(), 'nlw-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: readonly string[]): string {
  const p = join(dir, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

describe('batch syntax (as ip reads it)', () => {
  it('splits words on blanks, with single and double quotes', () => {
    expect(splitWords('link  add\t"br 0"  type bridge')).toEqual(['link', 'add', 'br 0', 'type', 'bridge']);
    expect(splitWords(`link set x alias 'a "b" c'`)).toEqual(['link', 'set', 'x', 'alias', 'a "b" c']);
    expect(splitWords('   ')).toEqual([]);
    expect(() => splitWords('link set x alias "open')).toThrow(/unterminated/);
  });

  it('skips comments and blank lines, joins continued lines, and counts lines as ip does', () => {
    const text = [
      '# header',
      '',
      'link add a type bridge # trailing',
      '  ',
      'link set a \\',
      '  up',
      'link del a',
    ].join('\n');
    expect(parseBatch(text)).toEqual([
      { line: 3, words: ['link', 'add', 'a', 'type', 'bridge'] },
      { line: 6, words: ['link', 'set', 'a', 'up'] },
      { line: 7, words: ['link', 'del', 'a'] },
    ]);
    expect(() => parseBatch('link add "x\nlink del y')).toThrow(/line 1: unterminated/);
  });
});

describe.skipIf(kernelSkipReason('ip'))('nlwire -batch against the kernel', () => {
  const ns = useTestNetns('cli-batch');

  it('runs 1,000 lines pipelined into a few batches; every change is applied', async () => {
    const n = 250;
    const lines = ['# 1,000 changes', ''];
    for (let i = 0; i < n; i++) lines.push(`link add b${i} type bridge`);
    for (let i = 0; i < n; i++) lines.push(`link set b${i} up`);
    for (let i = 0; i < n; i++) lines.push(`addr add 10.${i >> 8}.${i & 255}.1/24 dev b${i}`);
    for (let i = 0; i < n; i++)
      lines.push(
        `route add 172.${16 + (i >> 8)}.${i & 255}.0/24 via 10.${i >> 8}.${i & 255}.2 dev b${i} onlink table 100`,
      );
    const r = await nlwire(['-n', ns.name, '-batch', file('thousand.txt', lines)], {
      env: { NLWIRE_BATCH_STATS: '1' },
    });
    expect(r.code, r.stderr).toBe(0);
    const stats = /(\d+) commands, (\d+) requests in (\d+) pipelines/.exec(r.stderr);
    expect(stats, r.stderr).not.toBeNull();
    const [, commands, requests, pipelines] = (stats as RegExpExecArray).map(Number);
    expect(commands).toBe(1000);
    expect(requests).toBe(1000);
    // The link adds go in one pipeline, the rest once their names are known: a handful, not a thousand.
    expect(pipelines).toBeLessThanOrEqual(5);
    const links = await ipJson<{ ifname: string; flags: string[] }[]>(ns.name, [
      'link',
      'show',
      'type',
      'bridge',
    ]);
    expect(links).toHaveLength(n);
    expect(links.every((l) => l.flags.includes('UP'))).toBe(true);
    const addrs = await ipJson<{ addr_info: unknown[] }[]>(ns.name, ['-4', 'addr', 'show']);
    expect(addrs.flatMap((l) => l.addr_info)).toHaveLength(n);
    expect(await ipJson(ns.name, ['route', 'show', 'table', '100'])).toHaveLength(n);
  });

  it('reports a failing line by number, as ip does, and stops there', async () => {
    const p = file('fails.txt', [
      'link add x0 type bridge',
      '# a comment',
      'link add x1 type bridge',
      'link add x0 type bridge',
      'link add x2 type bridge',
    ]);
    const r = await nlwire(['-n', ns.name, '-batch', p]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`nlwire: link add x0: EEXIST: File exists\nCommand failed ${p}:4\n`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const names = (await ipJson<{ ifname: string }[]>(ns.name, ['link', 'show'])).map((l) => l.ifname);
    expect(names).toEqual(expect.arrayContaining(['x0', 'x1']));
    // x2 was pipelined with the failing line: the kernel applied it, and the report says so.
    expect(r.stderr).toMatch(
      /1 later request\(s\), up to .*fails\.txt:5, were pipelined with it: 1 applied, 0 failed/,
    );
  });

  it('stops before later lines when a line is bad input (nothing of it is sent)', async () => {
    const p = file('bad.txt', [
      'link add y0 type bridge',
      'addr add 10.0.0.300/24 dev y0',
      'link add y1 type bridge',
    ]);
    const r = await nlwire(['-n', ns.name, '-batch', p]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(
      `nlwire: address add 10.0.0.300/24: invalid address "10.0.0.300": not an IPv4 or IPv6 address\nCommand failed ${p}:2\n`,
    );
    const names = (await ipJson<{ ifname: string }[]>(ns.name, ['link', 'show'])).map((l) => l.ifname);
    expect(names).toContain('y0');
    expect(names).not.toContain('y1');
  });

  it('-force goes on after failures, reports each, and exits non-zero at the end', async () => {
    const p = file('force.txt', [
      'link add z0 type bridge',
      'link add z0 type bridge',
      'link add "z 1" type bridge',
      'route add 10.99.0.0/16 dev nosuchdev',
      'link add z2 type bridge',
      'link set z2 up',
    ]);
    const r = await nlwire(['-n', ns.name, '-force', '-batch', p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Command failed ${p}:2\n`);
    expect(r.stderr).toContain(`Command failed ${p}:3\n`);
    expect(r.stderr).toContain(
      `nlwire: route add 10.99.0.0/16: ENODEV: Cannot find device "nosuchdev"\nCommand failed ${p}:4\n`,
    );
    expect(r.stderr.match(/Command failed/g)).toHaveLength(3);
    const [z2] = await ipJson<{ flags: string[] }[]>(ns.name, ['link', 'show', 'z2']);
    expect(z2.flags).toContain('UP');
  });

  it('reads standard input with -batch -, and prints shows in order', async () => {
    const input = [
      'link add s0 type bridge',
      'link set s0 mtu 1400',
      'link show s0',
      'address show dev s0',
    ].join('\n');
    const r = await nlwire(['-n', ns.name, '-j', '-batch', '-'], { input });
    expect(r.code, r.stderr).toBe(0);
    const [link, addr] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ifname: string; mtu: number }[]);
    expect(link[0]).toMatchObject({ ifname: 's0', mtu: 1400 });
    expect(addr[0]).toMatchObject({ ifname: 's0', mtu: 1400 });
    const missing = await nlwire(['-batch', join(dir, 'no-such-file')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/^nlwire: cannot read batch file .*no-such-file: ENOENT\n$/);
  });
});
