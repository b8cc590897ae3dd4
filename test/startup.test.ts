/**
 * Loading nlwire asks the kernel for nothing: ffi-rs asks Node for a diagnostic report while it
 * loads, which would dump every link and address of the namespace (loadFfi in src/netlink/libc.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from './helpers/netns.js';

const ROOT = path.join(import.meta.dirname, '..');

/**
 * How many RTM_GETLINK/RTM_GETADDR dumps a plain node process sends while running `code`, with the
 * library bundled as an application would run it (under tsx, its loader thread loads ffi-rs again,
 * with its own report settings).
 */
async function dumpsSentBy(code: string, dir: string): Promise<{ dumps: number; stdout: string }> {
  const trace = path.join(dir, 'trace.txt');
  const main = path.join(dir, 'main.mjs');
  fs.writeFileSync(main, `${code}\n`);
  const stdout = execFileSync(
    'strace',
    ['-f', '-e', 'trace=sendto,sendmsg', '-o', trace, process.execPath, main],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  const lines = fs.readFileSync(trace, 'utf8').split('\n');
  return { dumps: lines.filter((l) => /nlmsg_type=RTM_GET(LINK|ADDR)/.test(l)).length, stdout };
}

describe('start-up', () => {
  it('loading the library sends no rtnetlink dump, and leaves process.report as it was', async (ctx) => {
    requireTool('strace', ctx);
    const esbuild = await import('esbuild');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlw-startup-'));
    try {
      const lib = path.join(dir, 'lib.mjs');
      await esbuild.build({
        entryPoints: [path.join(ROOT, 'src', 'index.ts')],
        outfile: lib,
        bundle: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        nodePaths: [path.join(ROOT, 'node_modules')],
        logLevel: 'warning',
      });
      // The bundle resolves ffi-rs from the repository's node_modules.
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
      const plain = await dumpsSentBy(
        "await import('./lib.mjs'); console.log(process.report.excludeNetwork);",
        dir,
      );
      expect(plain.stdout.trim()).toBe('false');
      expect(plain.dumps).toBe(0);
      const set = await dumpsSentBy(
        "process.report.excludeNetwork = true; await import('./lib.mjs'); console.log(process.report.excludeNetwork);",
        dir,
      );
      expect(set.stdout.trim()).toBe('true');
      // What the library avoids: ffi-rs loaded as it is, with the report's network section.
      const bare = await dumpsSentBy("await import('ffi-rs');", dir);
      expect(bare.dumps).toBeGreaterThan(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
