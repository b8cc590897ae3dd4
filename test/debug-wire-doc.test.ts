/**
 * docs/wire-format.md is generated from real captures by scripts/gen-wire-doc.ts: the committed file
 * must be exactly what the generator prints today (schemas or explain changed: regenerate it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderWireDoc, WIRE_DOC } from '../scripts/gen-wire-doc.js';

describe('docs/wire-format.md', () => {
  it('is what scripts/gen-wire-doc.ts generates (run `npx tsx scripts/gen-wire-doc.ts` if not)', () => {
    const generated = renderWireDoc();
    const committed = readFileSync(WIRE_DOC, 'utf8');
    // Compare line by line first, so a failure points at the first stale line.
    const a = committed.split('\n');
    const b = generated.split('\n');
    const first = a.findIndex((l, i) => l !== b[i]);
    expect(first === -1 ? null : { line: first + 1, committed: a[first], generated: b[first] }).toBeNull();
    expect(committed).toBe(generated);
  });

  it('walks through the five captures the issue asks for, each dump from explain', () => {
    const doc = readFileSync(WIRE_DOC, 'utf8');
    for (const title of [
      '## 1. A request: `ip link add v0 type veth peer name v1`',
      '## 2. The answer: an ack',
      '## 3. A dump: `ip -d link show`',
      '## 4. A route with multipath:',
      '## 5. An error with an extended ack:',
    ])
      expect(doc).toContain(title);
    expect(doc).toMatch(/nla_type = IFLA_LINKINFO \(18\)/);
    expect(doc).toMatch(/rtnexthop #2/);
    expect(doc).toMatch(/NLMSGERR_ATTR_OFFS = 32, pointing at IFLA_ADDRESS in the request/);
    expect(doc.match(/^```text$/gm)?.length).toBeGreaterThanOrEqual(7);
  });
});
