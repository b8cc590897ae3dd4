/**
 * Seed walkthroughs: `ip netns exec` / `nsenter --net`, `ip netns identify`, `ip netns pids`, and
 * per-namespace sysctls (net.ipv4.ip_forward is per namespace).
 * Run: npx tsx examples/08-exec-identify-sysctl.ts (as root)
 */
import { addNetns, execInNetns, identifyNetns, netnsPids, readSysctl, writeSysctl } from '../src/index.js';
import { netnsCleanup, nsName, scenario } from './lib.js';

await scenario(async (cleanup) => {
  const ns = nsName('exec');
  await addNetns(ns);
  netnsCleanup(cleanup, ns);

  // Like `ip netns exec NS ip -o link`: argv, never a shell string.
  const r = await execInNetns(ns, ['ip', '-o', 'link', 'show']);
  console.log(`ip -o link inside ${ns}:\n${r.stdout.trim()}`);

  // A long-running process inside; identify its namespace by inode, like `ip netns identify PID`.
  const child = execInNetns(ns, ['sleep', '1']);
  cleanup('sleep', async () => {
    await child;
  });
  await new Promise((res) => setTimeout(res, 100));
  const pids = await netnsPids(ns);
  console.log(`processes in ${ns}: ${pids.join(' ')}`);
  for (const pid of pids) console.log(`  identify ${pid}: ${(await identifyNetns(pid)).join(', ')}`);

  // Per-namespace sysctl: forwarding on inside, unchanged outside.
  const outside = await readSysctl({ pid: process.pid }, 'net.ipv4.ip_forward');
  await writeSysctl(ns, 'net.ipv4.ip_forward', 1);
  console.log(
    `net.ipv4.ip_forward: ${await readSysctl(ns, 'net.ipv4.ip_forward')} in ${ns}, ${outside} outside (unchanged: ${(await readSysctl({ pid: process.pid }, 'net.ipv4.ip_forward')) === outside})`,
  );
});
