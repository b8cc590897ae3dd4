#!/usr/bin/env node
// Says, before the tests run, what this machine lacks for them. Kernel tests need root and a few
// tools; without them they skip with a reason locally, and fail under CI=true.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const tools = [
  ['ip', 'iproute2', 'kernel tests cross-check against iproute2'],
  ['bridge', 'iproute2', 'FDB tests cross-check against bridge(8)'],
  ['strace', 'strace', 'strace input tests and fixture capture'],
  ['tshark', 'tshark', 'pcap interoperability test'],
  ['ping', 'iputils-ping', 'examples prove connectivity with ping'],
  ['gcc', 'gcc', 'constants are checked against the C headers'],
];
const has = (t) =>
  (process.env.PATH ?? '').split(':').some((d) => {
    try {
      accessSync(path.join(d, t), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
const missing = tools.filter(([t]) => !has(t));
const problems = [];
if (process.getuid?.() !== 0)
  problems.push('not running as root: kernel tests (namespaces, links) will skip');
for (const [t, pkg, why] of missing) problems.push(`missing "${t}" (apt-get install ${pkg}): ${why}`);
if (problems.length) {
  const ci = process.env.CI === 'true';
  process.stderr.write(`nlwire tests: ${ci ? 'CI=true, these will FAIL' : 'these tests will be skipped'}:\n`);
  for (const p of problems) process.stderr.write(`  - ${p}\n`);
  if (missing.length) {
    const pkgs = [...new Set(missing.map(([, p]) => p))].join(' ');
    process.stderr.write(`  install them with: sudo apt-get install -y ${pkgs}\n`);
  }
}
