/**
 * Seed walkthrough: ipip and GRE tunnels between two namespaces acting as hosts. Each host has an
 * underlay address on a veth; the tunnel carries 10.99.0.0/30 (ipip) and 10.98.0.0/30 (gre) between
 * them. Kernels without the ipip/gre modules answer EOPNOTSUPP: the example then says so and skips.
 * Run: npx tsx examples/06-tunnels.ts (as root)
 */
import { addNetns, buildGreData, buildIpipData, Rtnl } from '../src/index.js';
import '../src/rtnl/all.js';
import { kindAvailable, netnsCleanup, nsName, ping, scenario } from './lib.js';

await scenario(async (cleanup) => {
  const left = nsName('tunL');
  const right = nsName('tunR');
  for (const ns of [left, right]) {
    await addNetns(ns);
    netnsCleanup(cleanup, ns);
  }
  const l = Rtnl.open({ netns: left });
  const r = Rtnl.open({ netns: right });
  cleanup('connections', async () => {
    await l.close();
    await r.close();
  });
  await l.links.create({ name: 'wire', kind: 'veth', up: true, peer: { name: 'wire', netns: right } });
  await r.links.setUp('wire');
  await l.addresses.add('wire', '172.31.0.1/24');
  await r.addresses.add('wire', '172.31.0.2/24');

  const tunnels = [
    {
      kind: 'ipip',
      name: 'ipip0',
      net: '10.99.0',
      data: (a: string, b: string) => buildIpipData({ local: a, remote: b, ttl: 64 }),
    },
    {
      kind: 'gre',
      name: 'gre0',
      net: '10.98.0',
      data: (a: string, b: string) => buildGreData({ local: a, remote: b, ttl: 64, key: 42 }),
    },
  ];
  for (const t of tunnels) {
    const ok = await kindAvailable(t.kind, () =>
      l.links.create({ name: t.name, kind: t.kind, data: t.data('172.31.0.1', '172.31.0.2'), up: true }),
    );
    if (!ok) continue;
    await r.links.create({ name: t.name, kind: t.kind, data: t.data('172.31.0.2', '172.31.0.1'), up: true });
    await l.addresses.add(t.name, `${t.net}.1/30`);
    await r.addresses.add(t.name, `${t.net}.2/30`);
    await ping(left, `${t.net}.2`);
    await ping(right, `${t.net}.1`);
  }
});
