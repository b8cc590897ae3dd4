import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runIp, useTestNetns } from './helpers/netns.js';

const execFileP = promisify(execFile);

describe('Monitor compiled to JavaScript', () => {
  const ns = useTestNetns('mondist');

  it('starts its receiving thread from dist-style output (no TypeScript loader)', async () => {
    // Compile monitor.ts and what it imports, as `npm run build` would, then run it with plain node.
    const out = path.join(process.cwd(), 'tmp', `monitor-dist-${process.pid}`);
    try {
      const tsc = path.join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc');
      await execFileP(process.execPath, [
        tsc,
        ...['--outDir', out, '--rootDir', '.', '--module', 'NodeNext', '--moduleResolution', 'NodeNext'],
        ...['--target', 'ES2022', '--strict', '--skipLibCheck', '--types', 'node'],
        'src/netlink/monitor.ts',
      ]);
      const script = path.join(out, 'run.mjs');
      fs.writeFileSync(
        script,
        `import { Monitor } from './src/netlink/monitor.js';
         import { Protocol } from './src/netlink/message.js';
         const m = Monitor.open(new Protocol('NETLINK_ROUTE', 0), { groups: [1], netns: ${JSON.stringify(ns.name)} });
         console.log('ready');
         for await (const ev of m) {
           console.log(ev.type, ev.nl.type, ev.bytes.includes(Buffer.from('dist0')));
           break;
         }
         console.log('closed', m.closed, m.threadId);`,
      );
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      let stdout = '';
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('ready')) resolve();
        }),
      );
      // Subscribed: make the change it waits for.
      await runIp(ns.name, ['link', 'add', 'dist0', 'type', 'ifb']);
      expect(await exited).toBe(0);
      clearTimeout(timer);
      expect(stdout.trim().split('\n')).toEqual(['ready', 'raw 16 true', 'closed true -1']);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
