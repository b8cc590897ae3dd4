/**
 * The generated constant tables (src/constants) against the C compiler's view of the same headers, and the
 * generator against itself: running it again must give the committed files byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, evalConst, FILES, type FileModel, main as generate } from '../scripts/gen-constants.js';
import * as C from '../src/constants/index.js';

const CONSTANTS_DIR = join(import.meta.dirname, '../src/constants');

const hasGcc = spawnSync('gcc', ['--version']).status === 0;
if (!hasGcc && process.env.CI === 'true') throw new Error('gcc is required to check src/constants in CI');
if (!hasGcc) console.warn('constants.test.ts: gcc not found, skipping the comparison with the C headers');

/** One `NAME: value,` line of a generated file. */
interface Line {
  readonly group: string;
  readonly name: string;
  readonly value: bigint;
  /** Marked `// BTF`: not in the headers with this value. */
  readonly btf: boolean;
  /** For a member BTF renumbered: the headers' value. */
  readonly uapi: bigint | undefined;
}

function readTable(file: string): Line[] {
  const out: Line[] = [];
  let group = '';
  for (const text of readFileSync(join(CONSTANTS_DIR, `${file}.ts`), 'utf8').split('\n')) {
    const g = /^export const (\w+) = \{$/.exec(text);
    if (g) group = g[1];
    const m = /^ {2}(\w+): (-?\d+),(?: \/\/ BTF \S+(?: \(uapi [\d.]+: (-?\d+)\))?)?$/.exec(text);
    if (m && group) {
      out.push({
        group,
        name: m[1],
        value: BigInt(m[2]),
        btf: text.includes('// BTF'),
        uapi: m[3] === undefined ? undefined : BigInt(m[3]),
      });
    }
  }
  return out;
}

const tables = C as unknown as Record<string, Record<string, number>>;

describe('constants', () => {
  it('has the values everyone knows', () => {
    expect(C.IFLA.IFLA_IFNAME).toBe(3);
    expect(C.IFLA_INFO.IFLA_INFO_KIND).toBe(1);
    expect(C.IFLA_INFO.IFLA_INFO_DATA).toBe(2);
    expect(C.IFLA_VXLAN.IFLA_VXLAN_PORT).toBe(15);
    expect(C.RTM.RTM_NEWLINK).toBe(16);
    expect(C.RTM.RTM_GETROUTE).toBe(26);
    expect(C.NLM_F.NLM_F_DUMP).toBe(0x300);
    expect(C.NLMSG.NLMSG_ERROR).toBe(2);
    expect(C.NLMSGERR_ATTR.NLMSGERR_ATTR_OFFS).toBe(2);
    expect(C.NUD.NUD_PERMANENT).toBe(0x80);
    expect(C.FRA.FRA_TABLE).toBe(15);
    expect(C.VETH_INFO.VETH_INFO_PEER).toBe(1);
    expect(C.ARPHRD.ARPHRD_ETHER).toBe(1);
    expect(C.ARPHRD.ARPHRD_LOOPBACK).toBe(772);
    expect(C.ERRNO.EOPNOTSUPP).toBe(95);
    expect(C.ERRNO_NAMES[11]).toBe('EAGAIN');
    expect(C.ERRNO_NAMES[95]).toBe('EOPNOTSUPP');
    expect(C.ERRNO_NAMES[35]).toBe('EDEADLK');
    expect(C.AF.AF_NETLINK).toBe(16);
    expect(C.SOL.SOL_NETLINK).toBe(270);
    expect(C.SO.SO_RCVBUF).toBe(8);
    expect(C.SOCK.SOCK_CLOEXEC).toBe(0o2000000);
    expect(C.NETLINK.NETLINK_ROUTE).toBe(0);
    expect(C.NETLINK_SOCKOPT.NETLINK_EXT_ACK).toBe(11);
    expect(C.CLONE.CLONE_NEWNET).toBe(0x40000000);
    expect(C.MNT.MNT_DETACH).toBe(2);
    expect(C.MS.MS_REC).toBe(16384);
    expect(C.GRE.GRE_KEY).toBe(0x2000);
    expect(C.IFF.IFF_UP).toBe(1);
    expect(C.IPPROTO.IPPROTO_TCP).toBe(6);
  });

  it('evaluates the C expressions the headers use', () => {
    expect(evalConst('(1 << 3)')).toBe(8n);
    expect(evalConst('1<<31')).toBe(2147483648n);
    expect(evalConst('02000000')).toBe(524288n);
    expect(evalConst('0x100000000ULL')).toBe(4294967296n);
    expect(evalConst('(((__RTM_MAX + 3) & ~3) - 1)', { __RTM_MAX: 123n })).toBe(123n);
    expect(evalConst('(NLM_F_ROOT|NLM_F_MATCH)', { NLM_F_ROOT: 0x100n, NLM_F_MATCH: 0x200n })).toBe(0x300n);
    expect(evalConst('__cpu_to_be16(0x8000)')).toBe(0x8000n);
    expect(evalConst('_BITUL(4)')).toBe(16n);
    expect(evalConst('(int)-1')).toBe(-1n);
    expect(evalConst('A == 64 || (B && C)', { A: 64n, B: 0n, C: 1n })).toBe(1n);
    expect(() => evalConst('sizeof(struct nlmsghdr)')).toThrow();
    expect(() => evalConst('NOT_DEFINED + 1')).toThrow(/NOT_DEFINED/);
  });

  it('refuses empty groups and one name with two values', () => {
    const group = (name: string, members: { name: string; value: bigint }[]) => ({
      name,
      doc: 'test',
      members: members.map((m) => ({ ...m, btf: false })),
      source: 'test.h',
      kind: 'macro' as const,
      btfChecked: false,
      btfOnly: false,
      be16: false,
    });
    const file = (...groups: ReturnType<typeof group>[]): FileModel => ({ spec: FILES[0], groups });
    expect(() => check([file(group('A', [{ name: 'A_X', value: 1n }]))])).not.toThrow();
    expect(() => check([file(group('A', []))])).toThrow(/empty/);
    expect(() =>
      check([file(group('A', [{ name: 'X', value: 1n }]), group('B', [{ name: 'X', value: 2n }]))]),
    ).toThrow(/X is 1 in A but 2 in B/);
    expect(() =>
      check([file(group('A', [{ name: 'X', value: 1n }])), file(group('A', [{ name: 'Y', value: 1n }]))]),
    ).toThrow(/group A/);
  });

  it('exports every table of every file from the index', () => {
    for (const spec of FILES) {
      const lines = readTable(spec.name);
      expect(lines.length, spec.name).toBeGreaterThan(0);
      for (const l of lines) expect(tables[l.group]?.[l.name], `${l.group}.${l.name}`).toBe(Number(l.value));
    }
  });

  it.skipIf(!hasGcc)('matches what gcc sees in the headers, constant by constant', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlw-constants-'));
    try {
      let checked = 0;
      for (const spec of FILES) {
        const be16 = new Set((spec.macros ?? []).filter((f) => f.be16).map((f) => f.group));
        const lines = readTable(spec.name).filter((l) => !l.btf || l.uapi !== undefined);
        const src = [
          '#define _GNU_SOURCE',
          '#include <stdio.h>',
          '#include <asm/byteorder.h>',
          ...spec.cIncludes.map((h) => `#include <${h}>`),
          'int main(void) {',
          ...lines.map((l) => {
            const expr = be16.has(l.group) ? `__be16_to_cpu(${l.name})` : `(${l.name})`;
            return `  printf("%s %lld\\n", "${l.name}", (long long)${expr});`;
          }),
          '  return 0;',
          '}',
          '',
        ].join('\n');
        const cFile = join(dir, `${spec.name}.c`);
        const exe = join(dir, spec.name);
        writeFileSync(cFile, src);
        const cc = spawnSync('gcc', ['-w', '-o', exe, cFile], { encoding: 'utf8' });
        expect(cc.status, `gcc ${spec.name}.c:\n${cc.stderr}`).toBe(0);
        const run = spawnSync(exe, [], { encoding: 'utf8' });
        expect(run.status).toBe(0);
        const seen = new Map<string, bigint>();
        for (const row of run.stdout.trim().split('\n')) {
          const [name, value] = row.split(' ');
          seen.set(name, BigInt(value));
        }
        for (const l of lines) {
          const want = l.uapi ?? l.value;
          const got = seen.get(l.name);
          // C computes 1 << 31 as an int (negative); the tables hold the unsigned flag.
          const same = got === want || (got !== undefined && got < 0n && got + (1n << 32n) === want);
          expect(same, `${spec.name}.ts ${l.group}.${l.name}: table ${want}, C ${got}`).toBe(true);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(1500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('regenerates the committed files byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlw-constants-'));
    try {
      generate(['--out', dir]);
      const made = readdirSync(dir).sort();
      expect(made).toEqual(readdirSync(CONSTANTS_DIR).sort());
      for (const f of made) {
        const fresh = readFileSync(join(dir, f), 'utf8');
        const committed = readFileSync(join(CONSTANTS_DIR, f), 'utf8');
        expect(fresh === committed, `${f} differs: run npx tsx scripts/gen-constants.ts`).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
