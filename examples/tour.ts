/**
 * The nlwire tour: builds the walkthroughs' topology in throw-away namespaces, printing every
 * netlink request and reply as it goes (one decoded line each), proves connectivity with ping, and
 * removes everything, also on Ctrl-C.
 *
 *   two "hosts" joined by an underlay veth, a VXLAN overlay (VNI 42) in a bridge on each, and a
 *   container namespace behind each bridge; plus a third container on host A's bridge.
 *
 * Run (as root): npm run tour
 */
import { NLM_F } from '../src/constants/netlink.js';
import { addNetns, listNetns, Rtnl, textTrace } from '../src/index.js';
import { rtnetlink } from '../src/rtnl/all.js';
import { netnsCleanup, nsName, ping, scenario } from './lib.js';

if (process.getuid?.() !== 0) {
  console.error('nlwire tour: needs root (namespaces and links need CAP_SYS_ADMIN and CAP_NET_ADMIN)');
  process.exit(1);
}

let step = 0;
const say = (s: string) => console.log(`\n== ${++step}. ${s}`);
// Every datagram each connection sends or receives, one decoded line per message.
const trace = (who: string) => textTrace(rtnetlink, (line) => console.log(`   [${who}] ${line}`));
const open = (netns: string, who: string) => Rtnl.open({ netns, trace: trace(who) });

await scenario(async (cleanup) => {
  const ns = {
    hostA: nsName('hostA'),
    hostB: nsName('hostB'),
    ctr1: nsName('ctr1'),
    ctr2: nsName('ctr2'),
    ctr3: nsName('ctr3'),
  };
  say('namespaces (like ip netns add)');
  for (const n of Object.values(ns)) {
    await addNetns(n);
    netnsCleanup(cleanup, n);
  }
  const ours = (await listNetns()).filter((n) => Object.values(ns).includes(n.name));
  console.log(`   ${ours.map((n) => `${n.name} (inode ${n.inode})`).join('\n   ')}`);

  const a = open(ns.hostA, 'hostA');
  const b = open(ns.hostB, 'hostB');
  cleanup('connections', async () => {
    await a.close();
    await b.close();
  });

  say('underlay: a veth pair whose peer is born in hostB');
  await a.links.create({
    name: 'underlay',
    kind: 'veth',
    up: true,
    peer: { name: 'underlay', netns: ns.hostB },
  });
  await b.links.setUp('underlay');
  await a.addresses.add('underlay', '192.168.50.1/24');
  await b.addresses.add('underlay', '192.168.50.2/24');

  say('the exact bytes of a request, without sending it (dry run)');
  const bytes = (await a.links.create({
    name: 'vx-dry',
    kind: 'vxlan',
    vxlan: { id: 42, dstport: 4789 },
    dryRun: true,
  })) as Buffer;
  console.log(`   ${bytes.length} bytes: ${bytes.toString('hex')}`);
  console.log(
    `   flags: NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL = 0x${(NLM_F.NLM_F_REQUEST | NLM_F.NLM_F_ACK | NLM_F.NLM_F_CREATE | NLM_F.NLM_F_EXCL).toString(16)}`,
  );

  say('overlay: bridge + vxlan 42 on each host, containers behind the bridges');
  const hosts = [
    {
      rt: a,
      name: 'hostA',
      local: '192.168.50.1',
      remote: '192.168.50.2',
      ctrs: [
        [ns.ctr1, '10.42.0.1/24'],
        [ns.ctr3, '10.42.0.3/24'],
      ],
    },
    {
      rt: b,
      name: 'hostB',
      local: '192.168.50.2',
      remote: '192.168.50.1',
      ctrs: [[ns.ctr2, '10.42.0.2/24']],
    },
  ] as const;
  for (const h of hosts) {
    await h.rt.links.create({ name: 'br0', kind: 'bridge', up: true });
    await h.rt.links.create({
      name: 'vxlan42',
      kind: 'vxlan',
      vxlan: { id: 42, local: h.local, remote: h.remote, dstport: 4789, dev: 'underlay' },
      master: 'br0',
      up: true,
    });
    for (const [i, [ctr, ip]] of h.ctrs.entries()) {
      await h.rt.links.create({
        name: `port${i}`,
        kind: 'veth',
        master: 'br0',
        up: true,
        peer: { name: 'eth0', netns: ctr },
      });
      const c = open(ctr, ctr.slice(7));
      await c.addresses.add('eth0', ip);
      await c.links.setUp('eth0');
      await c.close();
    }
  }

  say('what hostA sees: its links, the bridge ports, and where each veth peer lives');
  for (const l of await a.links.list()) {
    const where = l.linkNetnsid !== undefined ? ` peer ifindex ${l.link} in nsid ${l.linkNetnsid}` : '';
    console.log(
      `   ${l.index}: ${l.name}${l.kind ? ` (${l.kind})` : ''} mtu ${l.mtu} ${l.up ? 'UP' : 'DOWN'}${l.master ? ` master ${l.master}` : ''}${where}`,
    );
  }

  say('connectivity');
  await ping(ns.hostA, '192.168.50.2');
  await ping(ns.ctr1, '10.42.0.3'); // same bridge
  await ping(ns.ctr1, '10.42.0.2'); // across the overlay
  await ping(ns.ctr2, '10.42.0.3');

  say('an error, as the kernel reports it (errno, extended-ack message, offending attribute)');
  try {
    // A 2-byte link-layer address on an Ethernet-like device: the kernel points at IFLA_ADDRESS.
    await a.links.create({
      name: 'vx-bad',
      kind: 'vxlan',
      vxlan: { id: 7, dstport: 4789 },
      address: '00:11',
    });
  } catch (e) {
    const err = e as Error & { attrPath?: string[] };
    console.log(`   ${err.name}: ${err.message}`);
    if (err.attrPath) console.log(`   offending attribute: ${err.attrPath.join('/')}`);
  }
  say('cleaning up');
});
console.log('\ndone: every namespace and link of the tour is gone');
