import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { listNetns } from '../src/netns/manage.js';
import { requireRoot, requireTool } from './helpers/netns.js';

const run = promisify(execFile);

async function example(file: string): Promise<string> {
  requireRoot();
  requireTool('ping');
  const before = new Set((await listNetns()).map((n) => n.name));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', `examples/${file}`], {
    timeout: 120_000,
    maxBuffer: 16 << 20,
  });
  const left = (await listNetns())
    .map((n) => n.name)
    .filter((n) => n.startsWith('nlw-ex-') && !before.has(n));
  expect(left, 'namespaces left behind').toEqual([]);
  return stdout;
}

const pings = (out: string) => out.split('\n').filter((l) => /ping .* ok/.test(l)).length;

describe('examples/ (each builds its topology in throw-away namespaces and removes it)', () => {
  it('01: two namespaces joined by a veth pair ping both ways', async () => {
    expect(pings(await example('01-veth-pair.ts'))).toBe(2);
  });
  it('02: three namespaces on one bridge all ping each other', async () => {
    expect(pings(await example('02-bridge-three-namespaces.ts'))).toBe(6);
  });
  it('03: containers ping across a VXLAN overlay', async () => {
    const out = await example('03-vxlan-overlay.ts');
    expect(out).toMatch(/ctrA.* -> 10\.42\.0\.2: ok/);
    expect(out).toMatch(/ctrB.* -> 10\.42\.0\.1: ok/);
  });
  it('04: finds a veth peer and the namespace it lives in', async () => {
    const out = await example('04-find-peer.ts');
    expect(out).toMatch(/nsid 0 is namespace nlw-ex-container-/);
    expect(out).toMatch(/peer: eth0 \(ifindex 2\) in nlw-ex-container-/);
  });
  it('05: lists namespaces like lsns', async () => {
    expect(await example('05-lsns.ts')).toMatch(/\d+\s+1\s+\d+ sleep\s+nlw-ex-lsns-/);
  });
  it('08: exec, identify, pids and per-namespace sysctls', async () => {
    const out = await example('08-exec-identify-sysctl.ts');
    expect(out).toMatch(/identify \d+: nlw-ex-exec-/);
    expect(out).toMatch(/ip_forward: 1 in nlw-ex-exec-\S+, \d outside \(unchanged: true\)/);
  });
  it('06 and 07: tunnels and VRF run, or skip stating the kernel answer', async () => {
    for (const f of ['06-tunnels.ts', '07-vxlan-vrf.ts']) {
      const out = await example(f);
      expect(out).toMatch(/ping .* ok|skipped: this kernel lacks the \w+ link kind \(EOPNOTSUPP/);
    }
  });
  it('the tour builds the topology, prints requests and replies, pings, and removes everything', async () => {
    const out = await example('tour.ts');
    expect(out).toMatch(/> RTM_NEWLINK seq=\d+ NLM_F_REQUEST/);
    expect(out).toMatch(/< NLMSG_ERROR seq=\d+ .*ack/);
    expect(pings(out)).toBe(4);
    expect(out).toMatch(/offending attribute: IFLA_ADDRESS/);
    expect(out).toMatch(/done: every namespace and link of the tour is gone/);
  });
  it('every example file is covered here', () => {
    const covered = ['01', '02', '03', '04', '05', '06', '07', '08', 'tour', 'lib'];
    for (const f of fs.readdirSync('examples'))
      expect(
        covered.some((c) => f.startsWith(c)),
        f,
      ).toBe(true);
  });
});
