/**
 * Seed walkthrough 3: a VXLAN overlay. Two namespaces act as hosts joined by an underlay veth
 * (192.168.100.0/24); each host has a vxlan (VNI 42, dstport 4789) pointing at the other host, enslaved
 * to a bridge, and a container namespace behind the bridge through a veth. The containers
 * (10.42.0.0/24) ping each other across the overlay.
 * Run: npx tsx examples/03-vxlan-overlay.ts (as root)
 */
import { addNetns, Rtnl } from '../src/index.js';
import { netnsCleanup, nsName, ping, scenario } from './lib.js';

await scenario(async (cleanup) => {
  const hostA = nsName('hostA');
  const hostB = nsName('hostB');
  const ctrA = nsName('ctrA');
  const ctrB = nsName('ctrB');
  for (const ns of [hostA, hostB, ctrA, ctrB]) {
    await addNetns(ns);
    netnsCleanup(cleanup, ns);
  }
  const a = Rtnl.open({ netns: hostA });
  const b = Rtnl.open({ netns: hostB });
  cleanup('host connections', async () => {
    await a.close();
    await b.close();
  });

  // Underlay: one veth between the two hosts.
  await a.links.create({
    name: 'underlay',
    kind: 'veth',
    up: true,
    peer: { name: 'underlay', netns: hostB },
  });
  await b.links.setUp('underlay');
  await a.addresses.add('underlay', '192.168.100.1/24');
  await b.addresses.add('underlay', '192.168.100.2/24');
  await ping(hostA, '192.168.100.2');

  const hosts = [
    { rt: a, ctr: ctrA, local: '192.168.100.1', remote: '192.168.100.2', ip: '10.42.0.1/24' },
    { rt: b, ctr: ctrB, local: '192.168.100.2', remote: '192.168.100.1', ip: '10.42.0.2/24' },
  ];
  for (const h of hosts) {
    await h.rt.links.create({ name: 'br-overlay', kind: 'bridge', up: true });
    await h.rt.links.create({
      name: 'vxlan42',
      kind: 'vxlan',
      vxlan: { id: 42, local: h.local, remote: h.remote, dstport: 4789, dev: 'underlay', learning: true },
      master: 'br-overlay',
      up: true,
    });
    // The container's eth0 is born in the container; its other end joins the host's bridge.
    await h.rt.links.create({
      name: 'to-ctr',
      kind: 'veth',
      master: 'br-overlay',
      up: true,
      peer: { name: 'eth0', netns: h.ctr },
    });
    const c = Rtnl.open({ netns: h.ctr });
    await c.addresses.add('eth0', h.ip);
    await c.links.setUp('eth0');
    await c.links.setUp('lo');
    await c.close();
    const vx = await h.rt.links.get('vxlan42');
    console.log(
      `vxlan42: ${JSON.stringify({ kind: vx.kind, master: vx.master, data: vx.data }, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`,
    );
  }
  await ping(ctrA, '10.42.0.2');
  await ping(ctrB, '10.42.0.1');
});
