/**
 * Seed walkthrough 2: three namespaces on one bridge. A bridge in a "switch" namespace, one veth pair
 * per host namespace with the host end in the host and the other end enslaved to the bridge; every
 * host pings every other.
 * Run: npx tsx examples/02-bridge-three-namespaces.ts (as root)
 */
import { addNetns, Rtnl } from '../src/index.js';
import { netnsCleanup, nsName, ping, scenario } from './lib.js';

await scenario(async (cleanup) => {
  const sw = nsName('switch');
  const hosts = ['h1', 'h2', 'h3'].map((h) => nsName(h));
  for (const ns of [sw, ...hosts]) {
    await addNetns(ns);
    netnsCleanup(cleanup, ns);
  }
  const s = Rtnl.open({ netns: sw });
  cleanup('switch connection', () => s.close());
  await s.links.create({ name: 'br0', kind: 'bridge', up: true });
  console.log(`bridge br0 in ${sw}`);

  for (const [i, host] of hosts.entries()) {
    const port = `port${i + 1}`;
    // The bridge end stays in the switch; the host end is born in the host namespace.
    await s.links.create({
      name: port,
      kind: 'veth',
      master: 'br0',
      up: true,
      peer: { name: 'eth0', netns: host },
    });
    const h = Rtnl.open({ netns: host });
    await h.addresses.add('eth0', `10.20.0.${i + 1}/24`);
    await h.links.setUp('eth0');
    await h.links.setUp('lo');
    await h.close();
    console.log(`${host}: eth0 10.20.0.${i + 1}/24 <-> ${port} in br0`);
  }
  const ports = await s.links.list({ master: 'br0' });
  console.log(`br0 ports: ${ports.map((p) => p.name).join(', ')}`);

  for (const [i, host] of hosts.entries())
    for (let j = 0; j < hosts.length; j++) if (j !== i) await ping(host, `10.20.0.${j + 1}`);
});
