/**
 * The value tables the kind files declare because scripts/gen-constants.ts does not cover their headers yet
 * (if_vlan.h, if_ether.h, ip6_tunnel.h, if_bonding.h), against the C compiler's view of those headers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOND_LINK, BOND_MODE, BOND_STATE, BOND_XMIT_POLICY } from '../src/rtnl/link/kinds/bond.js';
import { IP6_TNL_F } from '../src/rtnl/link/kinds/ip6tnl.js';
import { VLAN_FLAG, VLAN_PROTOCOL } from '../src/rtnl/link/kinds/vlan.js';

const hasGcc = spawnSync('gcc', ['--version']).status === 0;
if (!hasGcc && process.env.CI === 'true') throw new Error('gcc is required to check the kind tables in CI');

const TABLES: Record<string, { header: string; table: Readonly<Record<string, number>> }> = {
  VLAN_FLAG: { header: 'linux/if_vlan.h', table: VLAN_FLAG },
  VLAN_PROTOCOL: { header: 'linux/if_ether.h', table: VLAN_PROTOCOL },
  IP6_TNL_F: { header: 'linux/ip6_tunnel.h', table: IP6_TNL_F },
  BOND_MODE: { header: 'linux/if_bonding.h', table: BOND_MODE },
  BOND_XMIT_POLICY: { header: 'linux/if_bonding.h', table: BOND_XMIT_POLICY },
  BOND_STATE: { header: 'linux/if_bonding.h', table: BOND_STATE },
  BOND_LINK: { header: 'linux/if_bonding.h', table: BOND_LINK },
};

/** Compiles and runs a program printing `NAME VALUE` for every name, as the headers define them. */
function fromHeaders(headers: string[], names: string[]): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'nlw-consts-'));
  try {
    const src = [
      '#include <stdio.h>',
      '#include <netinet/in.h>',
      ...headers.map((h) => `#include <${h}>`),
      'int main(void) {',
      ...names.map((n) => `  printf("%s %lld\\n", "${n}", (long long)(${n}));`),
      '  return 0;',
      '}',
    ].join('\n');
    writeFileSync(join(dir, 'c.c'), src);
    const cc = spawnSync('gcc', ['-o', join(dir, 'c'), join(dir, 'c.c')], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`gcc failed:\n${cc.stderr}`);
    const run = spawnSync(join(dir, 'c'), { encoding: 'utf8' });
    return new Map(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
        .map(([n, v]) => [n, Number(v)] as const),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('kind value tables', () => {
  it.skipIf(!hasGcc)('match the uapi headers', () => {
    const headers = [...new Set(Object.values(TABLES).map((t) => t.header))];
    const names = Object.values(TABLES).flatMap((t) => Object.keys(t.table));
    const c = fromHeaders(headers, names);
    for (const [group, { table }] of Object.entries(TABLES))
      for (const [n, v] of Object.entries(table)) expect(c.get(n), `${group}.${n}`).toBe(v);
  });
});
