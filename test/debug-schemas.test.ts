/**
 * Every fixture (real kernel traffic) decodes with nothing unknown that the running kernel has a name
 * for: an attribute the constants tables (uapi headers + this kernel's BTF) name must be declared in its
 * set. On failure the message lists what is missing, grouped by set, with where it was seen.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as constants from '../src/constants/index.js';
import { decode } from '../src/debug/decode.js';
import { protocolFor } from '../src/debug/protocols.js';
import { findUnknown, type Unknown } from '../src/debug/unknown.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const TABLES = constants as unknown as Record<string, Readonly<Record<string, number>> | undefined>;

/** The kernel's name for `type` in the constants table named like the set, if any. */
function kernelName(set: string | undefined, type: number): string | undefined {
  const table = set === undefined ? undefined : TABLES[set];
  if (!table || typeof table !== 'object') return undefined;
  return Object.entries(table).find(([, v]) => v === type)?.[0];
}

function survey(): { missing: Map<string, Set<string>>; unnamed: Map<string, Set<string>> } {
  const missing = new Map<string, Set<string>>();
  const unnamed = new Map<string, Set<string>>();
  const note = (m: Map<string, Set<string>>, key: string, where: string): void => {
    if (!m.has(key)) m.set(key, new Set());
    m.get(key)!.add(where);
  };
  const inputs: [string, Uint8Array][] = readdirSync(FIXTURES)
    .filter((x) => x.endsWith('.pcap'))
    .sort()
    .map((f) => [f, readFileSync(join(FIXTURES, f))]);
  // iproute2's requests for link kinds this kernel may lack (fixtures/kinds), and the kernel's replies.
  const kinds = join(FIXTURES, 'kinds');
  for (const f of readdirSync(kinds)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const j = JSON.parse(readFileSync(join(kinds, f), 'utf8')) as { request?: string; reply?: string };
    for (const k of ['request', 'reply'] as const)
      if (j[k]) inputs.push([`kinds/${f} ${k}`, Buffer.from(j[k], 'hex')]);
  }
  for (const [f, bytes] of inputs) {
    for (const d of decode(bytes, f.endsWith('.pcap') ? {} : { format: 'raw' })) {
      for (const u of findUnknown(d.messages, protocolFor(d.family))) {
        const where = `${f} (${d.source}, ${u.message}${u.path.length ? ` ${u.path.join('/')}` : ''})`;
        const name = u.what === 'message' ? kernelName('RTM', u.type) : kernelName(u.set, u.type);
        const key = describeUnknown(u, name);
        note(name || u.what === 'choice' ? missing : unnamed, key, where);
      }
    }
  }
  return { missing, unnamed };
}

function describeUnknown(u: Unknown, name: string | undefined): string {
  if (u.what === 'message') return `message ${name ?? u.type}: no MessageSpec registered`;
  if (u.what === 'choice') return `${u.set}: ${u.choice}: no declaration for this choice (payload stays raw)`;
  return `${u.set ?? '(undeclared nest)'}: ${name ?? `type ${u.type}`} (${u.type}) not declared`;
}

describe('fixture coverage of the schemas', () => {
  it('leaves no attribute, message type or link kind the kernel names undeclared', () => {
    const { missing, unnamed } = survey();
    if (unnamed.size)
      console.warn(
        `undeclared types without a name in the constants tables (not counted):\n${[...unnamed.keys()].join('\n')}`,
      );
    const report = [...missing.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([k, where]) =>
          `${k}\n    seen in ${[...where].slice(0, 3).join('; ')}${where.size > 3 ? ` and ${where.size - 3} more` : ''}`,
      );
    expect(report, `missing declarations:\n${report.join('\n')}`).toEqual([]);
  });
});
