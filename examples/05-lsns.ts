/**
 * Seed walkthrough 5: list network namespaces like `lsns -t net`: inode, names bound in /run/netns,
 * processes inside, the first process's command. Also `ip netns identify` for this process.
 * Run: npx tsx examples/05-lsns.ts
 */
import { addNetns, execInNetns, identifyNetns, listNetNamespaces, listNetns } from '../src/index.js';
import { netnsCleanup, nsName, scenario } from './lib.js';

await scenario(async (cleanup) => {
  // A named namespace with a process in it, so the listing has something to show.
  const ns = nsName('lsns');
  await addNetns(ns);
  netnsCleanup(cleanup, ns);
  const sleeper = execInNetns(ns, ['sleep', '2']);
  cleanup('sleep', async () => {
    await sleeper;
  });
  await new Promise((r) => setTimeout(r, 200));

  console.log('        NS  NPROCS   PID COMMAND          NAMES');
  for (const e of await listNetNamespaces()) {
    const names = e.names.join(',');
    console.log(
      `${String(e.inode).padStart(10)} ${String(e.pids.length).padStart(7)} ${String(e.pid ?? '-').padStart(5)} ${(e.command ?? '-').padEnd(16)} ${names}`,
    );
  }
  const mine = await identifyNetns();
  console.log(`this process is in: ${mine.length ? mine.join(', ') : '(no name: the initial namespace)'}`);
  console.log(`named namespaces (ip netns list): ${(await listNetns()).map((n) => n.name).join(' ')}`);
});
