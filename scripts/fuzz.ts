/**
 * Seeded, time-bounded fuzzing of every rtnetlink decoder and of decode-then-encode.
 *   npx tsx scripts/fuzz.ts [--seconds 30] [--seed 1] [--save]
 * Seeds are the real datagrams in fixtures/*.json. Mutations: bit flips, byte writes, length fields
 * set to 0, 1..3, odd values and past the end, truncation, splicing, deep nesting. Every input that
 * breaks a property is printed, and with --save kept in fixtures/fuzz/ as a regression input.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { rtnetlink } from '../src/rtnl/protocol.js';
import '../src/rtnl/all.js';
import { checkDatagram } from '../test/helpers/fuzz-check.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const seconds = arg('seconds', 30);
let seed = arg('seed', 1) >>> 0 || 1;
const save = process.argv.includes('--save');

// xorshift32: the same seed gives the same inputs.
const rand = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed;
};
const pick = <T>(a: readonly T[]): T => a[rand() % a.length];

/** Every fixture datagram, as seed inputs. */
export function seedCorpus(dir = 'fixtures'): Buffer[] {
  const out: Buffer[] = [];
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    const j = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { messages?: { hex: string }[] };
    for (const m of j.messages ?? []) out.push(Buffer.from(m.hex, 'hex'));
  }
  return out;
}

function deepNest(depth: number): Buffer {
  // An IFLA_LINKINFO nest inside itself `depth` times, inside an RTM_NEWLINK.
  let inner = Buffer.alloc(0);
  for (let i = 0; i < depth; i++) {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(4 + inner.length, 0);
    h.writeUInt16LE(18 | 0x8000, 2);
    inner = Buffer.concat([h, inner]);
  }
  const msg = Buffer.alloc(32);
  msg.writeUInt16LE(16, 4);
  const all = Buffer.concat([msg, inner]);
  all.writeUInt32LE(all.length, 0);
  return all;
}

function mutate(src: Buffer, corpus: Buffer[]): Buffer {
  const b = Buffer.from(src);
  const n = 1 + (rand() % 4);
  let out: Buffer = b;
  for (let k = 0; k < n; k++) {
    if (out.length === 0) return out;
    const at = rand() % out.length;
    switch (rand() % 8) {
      case 0:
        out[at] ^= 1 << (rand() % 8);
        break;
      case 1:
        out[at] = rand() & 0xff;
        break;
      case 2: // a length field (nlmsg_len or nla_len) made small, odd or huge
        if (at + 2 <= out.length)
          out.writeUInt16LE(pick([0, 1, 2, 3, 4, 5, 7, 0xffff, out.length - at + 1]) & 0xffff, at);
        break;
      case 3:
        out = out.subarray(0, at);
        break;
      case 4:
        out = Buffer.concat([out, pick(corpus).subarray(rand() % 64)]);
        break;
      case 5:
        if (out.length >= 4) out.writeUInt32LE(pick([0, 15, 16, 17, out.length + 4, 0xffffffff]), 0);
        break;
      case 6:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + (rand() % 8))]);
        break;
      default:
        out = deepNest(1 + (rand() % 2000));
    }
  }
  return out;
}

const corpus = seedCorpus();
const until = Date.now() + seconds * 1000;
let runs = 0;
let failures = 0;
const maxLen = 1 << 16;
while (Date.now() < until) {
  const input = mutate(pick(corpus), corpus).subarray(0, maxLen);
  runs++;
  const t = performance.now();
  const why = checkDatagram(rtnetlink, input);
  const ms = performance.now() - t;
  const problem = why ?? (ms > 1000 ? `took ${ms.toFixed(0)} ms` : undefined);
  if (problem) {
    failures++;
    const hash = createHash('sha256').update(input).digest('hex').slice(0, 16);
    console.log(`FAIL ${hash}: ${problem}`);
    if (save) {
      fs.mkdirSync('fixtures/fuzz', { recursive: true });
      fs.writeFileSync(
        `fixtures/fuzz/${hash}.json`,
        `${JSON.stringify({ problem, hex: input.toString('hex') }, null, 1)}\n`,
      );
    }
  }
}
console.log(`${runs} inputs in ${seconds}s (seed ${arg('seed', 1)}): ${failures} failures`);
process.exitCode = failures ? 1 : 0;
