/**
 * Seed walkthrough: VXLAN in a bridge inside a VRF. On each of two hosts (namespaces joined by an
 * underlay veth) a VRF (table 10) holds a bridge with a vxlan (VNI 100) and a container namespace's
 * veth; the containers ping across. Kernels without the vrf module answer EOPNOTSUPP: the example
 * then says so and skips.
 * Run: npx tsx examples/07-vxlan-vrf.ts (as root)
 */
import { addNetns, buildVrfData, Rtnl } from '../src/index.js';
import '../src/rtnl/all.js';
import { kindAvailable, netnsCleanup, nsName, ping, scenario } from './lib.js';

await scenario(async (cleanup) => {
  const names = {
    hostA: nsName('vrfA'),
    hostB: nsName('vrfB'),
    ctrA: nsName('vctrA'),
    ctrB: nsName('vctrB'),
  };
  for (const ns of Object.values(names)) {
    await addNetns(ns);
    netnsCleanup(cleanup, ns);
  }
  const a = Rtnl.open({ netns: names.hostA });
  const b = Rtnl.open({ netns: names.hostB });
  cleanup('connections', async () => {
    await a.close();
    await b.close();
  });
  if (
    !(await kindAvailable('vrf', () =>
      a.links.create({ name: 'vrf-blue', kind: 'vrf', data: buildVrfData({ table: 10 }), up: true }),
    ))
  )
    return;
  await b.links.create({ name: 'vrf-blue', kind: 'vrf', data: buildVrfData({ table: 10 }), up: true });

  await a.links.create({
    name: 'underlay',
    kind: 'veth',
    up: true,
    peer: { name: 'underlay', netns: names.hostB },
  });
  await b.links.setUp('underlay');
  await a.addresses.add('underlay', '192.168.200.1/24');
  await b.addresses.add('underlay', '192.168.200.2/24');
  const hosts = [
    { rt: a, ctr: names.ctrA, local: '192.168.200.1', remote: '192.168.200.2', ip: '10.100.0.1/24' },
    { rt: b, ctr: names.ctrB, local: '192.168.200.2', remote: '192.168.200.1', ip: '10.100.0.2/24' },
  ];
  for (const h of hosts) {
    await h.rt.links.create({ name: 'br100', kind: 'bridge', master: 'vrf-blue', up: true });
    await h.rt.links.create({
      name: 'vxlan100',
      kind: 'vxlan',
      vxlan: { id: 100, local: h.local, remote: h.remote, dstport: 4789, dev: 'underlay' },
      master: 'br100',
      up: true,
    });
    await h.rt.links.create({
      name: 'to-ctr',
      kind: 'veth',
      master: 'br100',
      up: true,
      peer: { name: 'eth0', netns: h.ctr },
    });
    const c = Rtnl.open({ netns: h.ctr });
    await c.addresses.add('eth0', h.ip);
    await c.links.setUp('eth0');
    await c.close();
  }
  await ping(names.ctrA, '10.100.0.2');
  await ping(names.ctrB, '10.100.0.1');
});
