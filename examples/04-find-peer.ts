/**
 * Seed walkthrough 4: find a veth's peer and the namespace it lives in. `ip -d link` shows
 * `link-netnsid 0` and `ethtool -S veth0` shows `peer_ifindex`; nlwire reads both from the link
 * (IFLA_LINK_NETNSID, IFLA_LINK), resolves the nsid to a namespace name (RTM_GETNSID against each
 * /run/netns entry), and looks the peer up there.
 * Run: npx tsx examples/04-find-peer.ts (as root)
 */
import { addNetns, Rtnl } from '../src/index.js';
import { netnsCleanup, nsName, scenario } from './lib.js';

await scenario(async (cleanup) => {
  const host = nsName('host');
  const ctr = nsName('container');
  for (const ns of [host, ctr]) {
    await addNetns(ns);
    netnsCleanup(cleanup, ns);
  }
  const h = Rtnl.open({ netns: host });
  cleanup('connection', () => h.close());
  await h.links.create({ name: 'veth-host', kind: 'veth', peer: { name: 'eth0', netns: ctr } });

  const link = await h.links.get('veth-host');
  console.log(
    `veth-host: ifindex ${link.index}, link-netnsid ${link.linkNetnsid}, peer_ifindex ${link.link}`,
  );
  if (link.linkNetnsid === undefined || link.link === undefined) throw new Error('no peer information');

  const where = await h.nsids.resolveNsid(link.linkNetnsid);
  console.log(`nsid ${link.linkNetnsid} is namespace ${where}`);
  if (where === undefined) throw new Error('nsid not resolved');

  const c = Rtnl.open({ netns: where });
  cleanup('peer connection', () => c.close());
  const peer = await c.links.get(link.link);
  console.log(
    `peer: ${peer.name} (ifindex ${peer.index}) in ${where}, its own peer_ifindex ${peer.link} in nsid ${peer.linkNetnsid}`,
  );
  console.log(`nsids known in ${host}: ${JSON.stringify(await h.nsids.list())}`);
});
