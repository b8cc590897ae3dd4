/**
 * The `nlwire` command, run as a child process (`node --import tsx src/cli/main.ts`): help at every
 * level, decode/encode/explain output, exit statuses, one-line errors and no hang on any input.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decode } from '../src/debug/decode.js';
import { explain } from '../src/debug/explain.js';
import { datagramsToJSON } from '../src/debug/json.js';
import { renderDatagrams } from '../src/debug/tree.js';

const ROOT = join(import.meta.dirname, '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const FIXTURES = join(ROOT, 'fixtures');
const TMP = mkdtempSync(join(tmpdir(), 'nlwire-cli-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

interface Result {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the CLI with `args`, `input` on standard input (closed when none); kills it after 20 s. */
function nlwire(
  args: string[],
  input?: Uint8Array | string,
  env: Record<string, string> = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NLWIRE_DEBUG: '', NLWIRE_TRACE: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nlwire ${args.join(' ')} hung (killed after 20 s)`));
    }, 20_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => {}); // it may exit before reading everything
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.end(input ?? '');
  });
}

/** Runs many in parallel, a few at a time. */
async function all<T, R>(items: readonly T[], fn: (x: T) => Promise<R>, width = 3): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** One line `nlwire: <command>: <message>` on stderr, nothing else. */
function expectOneLineError(r: Result, command: string, code = 1): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^nlwire: ${command}: \\S`));
  expect(lines[0]).not.toMatch(/internal error/);
}

const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

describe('nlwire --help', () => {
  it('answers at every level with usage on stdout and status 0', async () => {
    const cases = [
      ['--help'],
      ['-h'],
      ['help'],
      ['help', 'decode'],
      ['decode', '--help'],
      ['encode', '-h'],
      ['explain', '--help'],
    ];
    const results = await all(cases, (c) => nlwire(c));
    results.forEach((r, i) => {
      expect(r.code, cases[i].join(' ')).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout.toString()).toMatch(/^Usage: nlwire /);
    });
    expect(results[0].stdout.toString()).toMatch(/^ {2}decode +decode a capture \(pcap/m);
    expect(results[4].stdout.toString()).toMatch(/--in FORMAT/);
    expect(results[4].stdout.toString()).toMatch(/--json/);
    // Help wins over a bad option.
    const r = await nlwire(['decode', '--nope', '--help']);
    expect(r.code).toBe(0);
  });

  it('loads no debugger or netlink module for --help (start-up cost)', async () => {
    const log = join(TMP, 'loaded.txt');
    const hooks = join(TMP, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.startsWith('file:')) appendFileSync(process.env.NLWIRE_LOAD_LOG, r.url + '\\n');
  return r;
}`,
    );
    const register = join(TMP, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`,
    );
    const run = (args: string[]) =>
      new Promise<string[]>((resolve, reject) => {
        writeFileSync(log, '');
        const child = spawn(process.execPath, ['--import', 'tsx', '--import', register, MAIN, ...args], {
          env: { ...process.env, NLWIRE_LOAD_LOG: log },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        child.on('error', reject);
        child.on('close', () =>
          resolve(
            readFileSync(log, 'utf8')
              .split('\n')
              .filter((l) => l.includes('/src/')),
          ),
        );
      });
    const help = await run(['--help']);
    expect(help.some((u) => u.endsWith('/src/cli/main.ts'))).toBe(true);
    expect(help.filter((u) => !u.endsWith('/src/cli/main.ts'))).toEqual([]);
    const decodeHelp = await run(['decode', '--help']);
    expect(decodeHelp.filter((u) => /\/src\/(debug|netlink|rtnl)\//.test(u))).toEqual([]);
    // The check itself works: a real decode does load the debugger.
    const real = await run(['decode', join(FIXTURES, 'route-add.pcap')]);
    expect(real.some((u) => u.includes('/src/debug/decode.ts'))).toBe(true);
  });
});

describe('nlwire decode / explain / encode', () => {
  it('decode prints the tree, and --json the JSON view, for files and standard input', async () => {
    const file = join(FIXTURES, 'error-ext-ack.pcap');
    const d = decode(fixture('error-ext-ack.pcap'));
    const [tree, json, stdin, dash, typed] = await Promise.all([
      nlwire(['decode', file]),
      nlwire(['decode', '--json', file]),
      nlwire(['decode', '--json'], fixture('error-ext-ack.pcap')),
      nlwire(['decode', '-', '--in=pcap', '--json'], fixture('error-ext-ack.pcap')),
      nlwire(['decode', '--in', 'hex'], Buffer.from(d[3].bytes).toString('hex')),
    ]);
    expect(tree.code).toBe(0);
    expect(tree.stdout.toString()).toBe(renderDatagrams(d));
    expect(tree.stdout.toString()).toMatch(
      /NLMSGERR_ATTR_MSG: "Provided link layer address is not Ethernet"/,
    );
    for (const r of [json, stdin, dash]) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout.toString())).toEqual(JSON.parse(JSON.stringify(datagramsToJSON(d))));
    }
    expect(typed.code).toBe(0);
    expect(typed.stdout.toString()).toMatch(/^# hex input, 168 bytes\nNLMSG_ERROR len=168/);
  });

  it('explain prints the annotated dump', async () => {
    const r = await nlwire(['explain', join(FIXTURES, 'veth-create.pcap')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toBe(explain(fixture('veth-create.pcap')));
    const wide = await nlwire(['explain', '--bytes-per-line', '16', join(FIXTURES, 'veth-create.pcap')]);
    expect(wide.stdout.toString()).toBe(explain(fixture('veth-create.pcap'), { bytesPerLine: 16 }));
    expectOneLineError(await nlwire(['explain', '--bytes-per-line', '17', '-'], 'x'), 'explain', 2);
  });

  it('encode gives back the exact bytes as raw, hex and pcap', async () => {
    const pcap = fixture('route-dump.pcap');
    const json = (await nlwire(['decode', '--json', '-'], pcap)).stdout;
    const d = decode(pcap);
    const [raw, hex, cap] = await Promise.all([
      nlwire(['encode'], json),
      nlwire(['encode', '--hex', '-'], json),
      nlwire(['encode', '--pcap'], json),
    ]);
    expect(raw.code, raw.stderr).toBe(0);
    expect(raw.stdout.equals(Buffer.concat(d.map((x) => Buffer.from(x.bytes))))).toBe(true);
    expect(hex.stdout.toString()).toBe(d.map((x) => `${Buffer.from(x.bytes).toString('hex')}\n`).join(''));
    expect(cap.stdout.equals(pcap)).toBe(true);
    // And decode reads what encode wrote.
    const again = await nlwire(['decode', '--json'], cap.stdout);
    expect(again.stdout.equals(json)).toBe(true);
  });

  it('decode and explain read the JSON view back, edited or not', async () => {
    const json = JSON.parse(
      (await nlwire(['decode', '--json', join(FIXTURES, 'route-multipath.pcap')])).stdout.toString(),
    );
    const hop = json[0].messages[0].attributes.find((a: { name: string }) => a.name === 'RTA_MULTIPATH');
    hop.entries[1].attributes[0].value = '10.0.0.9';
    const edited = JSON.stringify(json);
    const [shown, again, forced] = await Promise.all([
      nlwire(['explain'], edited),
      nlwire(['decode', '--json'], edited),
      nlwire(['decode', '--in', 'json'], edited),
    ]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout.toString()).toMatch(/^0x0044 {2}0a 00 00 09 +RTA_GATEWAY = 10\.0\.0\.9 \[ipaddr\]$/m);
    expect(shown.stdout.toString()).toMatch(/^# pcap packet 1, to-kernel, 72 bytes/);
    expect(JSON.parse(again.stdout.toString())).toEqual(json);
    expect(forced.code).toBe(0);
  });

  it('reports bad usage with status 2 and bad input with status 1, on one line', async () => {
    const cases: [string[], string | undefined, string, number, RegExp][] = [
      [['decode', '--nope'], '', 'decode', 2, /unknown option --nope/],
      [['decode', '--in'], '', 'decode', 2, /--in needs a value/],
      [
        ['decode', '--in', 'xml'],
        '',
        'decode',
        2,
        /--in xml: expected one of raw, hex, pcap, pcapng, strace/,
      ],
      [['decode', 'a', 'b'], '', 'decode', 2, /unexpected argument b/],
      [['encode', '--hex', '--pcap'], '{}', 'encode', 2, /exclude each other/],
      [
        ['decode', join(TMP, 'missing.pcap')],
        undefined,
        'decode',
        1,
        /cannot read .*missing\.pcap: no such file/,
      ],
      [['decode', TMP], undefined, 'decode', 1, /is a directory/],
      [['decode'], '', 'decode', 1, /^nlwire: decode: empty input\n$/],
      [['decode'], 'zz top', 'decode', 1, /unexpected character "z" in hex input/],
      [['explain'], Buffer.from('0800000000000000', 'hex').toString('latin1'), 'explain', 1, /./],
      [['encode'], '{"nlmsg_type": 16', 'encode', 1, /input is not JSON/],
      [
        ['encode'],
        '{"nlmsg_type": 16, "attributes": [{"name": "IFLA_NOPE"}]}',
        'encode',
        1,
        /attributes\[0\]\.type/,
      ],
      [['encode'], '', 'encode', 1, /empty input/],
    ];
    const results = await all(cases, ([args, input]) => nlwire(args, input));
    results.forEach((r, i) => {
      const [, , cmd, code, re] = cases[i];
      expectOneLineError(r, cmd, code);
      expect(r.stderr).toMatch(re);
    });
    const none = await nlwire([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: nlwire/);
    const unknown = await nlwire(['frobnicate']);
    expect(unknown.code).toBe(2);
    // One line; the list of commands grows as commands are added to the table.
    expect(unknown.stderr).toMatch(
      /^nlwire: unknown command 'frobnicate' \(commands: decode, encode, explain[^\n]*\)\n$/,
    );
  });

  it('shows the stack only with NLWIRE_DEBUG=1', async () => {
    const r = await nlwire(['decode'], 'zz', { NLWIRE_DEBUG: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^nlwire: decode: unexpected character/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('stops quietly when the reader goes away (| head)', async () => {
    const r = await new Promise<Result>((resolve) => {
      const child = spawn(
        'bash',
        [
          '-c',
          `set -o pipefail; ${JSON.stringify(process.execPath)} --import tsx ${MAIN} explain ${join(FIXTURES, 'link-dump.pcap')} | head -2`,
        ],
        { cwd: ROOT },
      );
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => {
        err += c;
      });
      child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString().split('\n')).toHaveLength(3);
  });
});

describe('nlwire on hostile input', () => {
  const check = (cmd: string) => (r: Result, input: Uint8Array) => {
    if (r.code === 0) return;
    try {
      expectOneLineError(r, cmd);
    } catch (e) {
      throw new Error(`${(e as Error).message}\ninput: ${Buffer.from(input).toString('hex')}`);
    }
  };

  it('decode and explain: random bytes give output or one line of error, never a hang or a stack', async () => {
    const inputs = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 120 }), { numRuns: 16, seed: 42 });
    // A few that get past the first header check.
    inputs.push(
      ...fc.sample(
        fc.uint8Array({ minLength: 0, maxLength: 40 }).map((tail) => {
          const b = Buffer.alloc(16 + tail.length);
          b.writeUInt32LE(b.length, 0);
          b.writeUInt16LE(16, 4);
          b.set(tail, 16);
          return new Uint8Array(b);
        }),
        { numRuns: 6, seed: 7 },
      ),
    );
    const cmds = inputs.map((b, i) => [i % 2 ? 'explain' : 'decode', b] as const);
    const results = await all(cmds, ([cmd, b]) => nlwire([cmd, '--in', 'raw'], b));
    results.forEach((r, i) => {
      check(cmds[i][0])(r, cmds[i][1]);
    });
    expect(results.some((r) => r.code === 0)).toBe(true);
    expect(results.some((r) => r.code === 1)).toBe(true);
  });

  it('decode: every kind of truncated fixture gives output or one line of error', async () => {
    const files = ['link-dump.pcap', 'error-ext-ack.pcap', 'route-multipath.pcap'].map(fixture);
    const json = readFileSync(join(FIXTURES, 'veth-create.json'), 'utf8');
    const cuts = fc.sample(fc.tuple(fc.nat(files.length - 1), fc.nat()), { numRuns: 14, seed: 3 });
    const inputs: [string, Uint8Array][] = cuts.map(([i, n]) => [
      'decode',
      files[i].subarray(0, 1 + (n % files[i].length)),
    ]);
    // Hex text cut mid-way, and JSON for encode cut mid-way.
    const hex = Buffer.from(JSON.parse(json).messages[2].hex as string);
    for (const n of [1, 31, 100]) inputs.push(['decode', hex.subarray(0, n)]);
    const encJson = Buffer.from(JSON.stringify(datagramsToJSON(decode(fixture('veth-create.pcap')))));
    for (const n of [1, 400, encJson.length - 1]) inputs.push(['encode', encJson.subarray(0, n)]);
    const results = await all(inputs, ([cmd, b]) => nlwire(cmd === 'encode' ? [cmd, '--hex'] : [cmd], b));
    results.forEach((r, i) => {
      check(inputs[i][0])(r, inputs[i][1]);
    });
    expect(results.filter((r) => r.code === 1).length).toBeGreaterThan(8);
  });
});
