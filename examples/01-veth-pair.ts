/**
 * Seed walkthrough 1: two namespaces joined by a veth pair, an address on each end, both up, ping
 * both ways. Like:
 *   ip netns add red; ip netns add blue
 *   ip link add veth-red type veth peer name veth-blue
 *   ip link set veth-red netns red; ip link set veth-blue netns blue
 *   ip -n red addr add 10.10.0.1/24 dev veth-red; ip -n red link set veth-red up ...
 * Run: npx tsx examples/01-veth-pair.ts (as root)
 */
import { addNetns, Rtnl } from '../src/index.js';
import { netnsCleanup, nsName, ping, scenario } from './lib.js';

await scenario(async (cleanup) => {
  const red = nsName('red');
  const blue = nsName('blue');
  for (const ns of [red, blue]) {
    await addNetns(ns);
    netnsCleanup(cleanup, ns);
  }
  console.log(`namespaces ${red} and ${blue}`);

  // Create the pair inside red with its peer born directly in blue (no move needed).
  const r = Rtnl.open({ netns: red });
  const b = Rtnl.open({ netns: blue });
  cleanup('connections', async () => {
    await r.close();
    await b.close();
  });
  await r.links.create({ name: 'veth-red', kind: 'veth', peer: { name: 'veth-blue', netns: blue } });
  console.log('veth-red <-> veth-blue created');

  await r.addresses.add('veth-red', '10.10.0.1/24');
  await b.addresses.add('veth-blue', '10.10.0.2/24');
  for (const [rt, dev] of [
    [r, 'veth-red'],
    [b, 'veth-blue'],
  ] as const) {
    await rt.links.setUp(dev);
    await rt.links.setUp('lo');
  }
  const [a] = await r.addresses.list({ dev: 'veth-red', family: 'inet' });
  console.log(`veth-red has ${a.address}/${a.prefixlen}`);

  await ping(red, '10.10.0.2');
  await ping(blue, '10.10.0.1');
});
