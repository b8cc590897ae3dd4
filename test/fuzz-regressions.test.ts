import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../src/rtnl/all.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { checkDatagram } from './helpers/fuzz-check.js';

const fixtureDatagrams = (): Buffer[] =>
  fs
    .readdirSync('fixtures')
    .filter((f) => f.endsWith('.json'))
    .flatMap(
      (f) => (JSON.parse(fs.readFileSync(`fixtures/${f}`, 'utf8')).messages ?? []) as { hex: string }[],
    )
    .map((m) => Buffer.from(m.hex, 'hex'));

describe('decoders on hostile input', () => {
  it('keeps every property on each real datagram', () => {
    const all = fixtureDatagrams();
    expect(all.length).toBeGreaterThan(50);
    for (const d of all) expect(checkDatagram(rtnetlink, d)).toBeUndefined();
  });

  it('keeps them on every input that once failed (fixtures/fuzz)', () => {
    const dir = 'fixtures/fuzz';
    const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    for (const f of files) {
      const { hex } = JSON.parse(fs.readFileSync(`${dir}/${f}`, 'utf8')) as { hex: string };
      expect(checkDatagram(rtnetlink, Buffer.from(hex, 'hex')), f).toBeUndefined();
    }
  });

  it('keeps them on truncations and mutations of real datagrams', () => {
    const all = fixtureDatagrams();
    fc.assert(
      fc.property(
        fc.nat(all.length - 1),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 }),
        (i, cut, flips) => {
          const b = Buffer.from(all[i]);
          for (const [at, v] of flips) b[at % b.length] = v;
          const input = b.subarray(0, cut % (b.length + 1));
          expect(checkDatagram(rtnetlink, input)).toBeUndefined();
        },
      ),
      { numRuns: 3000 },
    );
  });
});
