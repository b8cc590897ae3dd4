#!/usr/bin/env node
/**
 * The `nlwire` command. Scripts run it thousands of times, so this file imports nothing at start-up:
 * it looks the command up in {@link COMMANDS} and loads only that command's module.
 *
 * Errors are one line on standard error, `nlwire: <command>: <message>`, with exit status 1 (2 for a
 * bad command line); `NLWIRE_DEBUG=1` adds the stack trace.
 *
 * Importing this module runs the command line (import only its types elsewhere).
 */

/** What a command module exports. */
export interface CommandModule {
  /** Runs the command with the arguments after its name; resolves to the exit status (0 if void). */
  run(argv: string[]): Promise<number | undefined>;
}

/** An entry of the dispatch table. */
interface Command {
  /** One line for `nlwire --help`. */
  readonly summary: string;
  /** Loads the module (lazily: only the command that runs is loaded). */
  readonly load: () => Promise<CommandModule>;
}

const cmd = (summary: string, load: () => Promise<CommandModule>): Command => ({ summary, load });

/** The commands: one line each, a summary and the module with its `run(argv)`. */
const COMMANDS: Readonly<Record<string, Command>> = {
  decode: cmd('decode a capture (pcap, strace, hex, raw) to a tree or JSON', () => import('./decode.js')),
  encode: cmd('encode the JSON view back to the exact bytes (raw, hex or pcap)', () => import('./encode.js')),
  explain: cmd('annotated hex dump: every byte of every message explained', () => import('./explain.js')),
  link: cmd('ip link: devices', () => import('./ip/main.js').then((m) => m.entry('link'))),
  address: cmd('ip address', () => import('./ip/main.js').then((m) => m.entry('address'))),
  addr: cmd('ip address', () => import('./ip/main.js').then((m) => m.entry('address'))),
  route: cmd('ip route: routes', () => import('./ip/main.js').then((m) => m.entry('route'))),
  rule: cmd('ip rule: policy rules', () => import('./ip/main.js').then((m) => m.entry('rule'))),
  neigh: cmd('ip neigh: neighbours', () => import('./ip/main.js').then((m) => m.entry('neighbour'))),
  neighbour: cmd('ip neigh', () => import('./ip/main.js').then((m) => m.entry('neighbour'))),
  fdb: cmd('bridge fdb: FDB', () => import('./ip/main.js').then((m) => m.entry('fdb'))),
  netns: cmd('ip netns: namespaces', () => import('./ip/main.js').then((m) => m.entry('netns'))),
  monitor: cmd('ip monitor: events', () => import('./ip/main.js').then((m) => m.entry('monitor'))),
};

/** iproute2's global options: a command line starting with one goes to the ip-style commands. */
const IP_OPTIONS: Readonly<Record<string, string>> = {
  '-n': 'NETNS: run in a network namespace',
  '-j': 'JSON like ip -j',
  '-p': 'pretty JSON',
  '-d': 'details',
  '-s': 'statistics',
  '-o': 'one line each',
  '-4': 'IPv4 only',
  '-6': 'IPv6 only',
  '-f': 'FAMILY: one family',
  '-batch': 'FILE|-: commands from a file, pipelined (also -b)',
  '-b': 'FILE|-: same as -batch',
  '-force': 'with -batch: go on after a failing line',
  '--dry-run': 'print the request bytes instead of sending',
};

const ipOption = (name: string): Command =>
  cmd(IP_OPTIONS[name], () => import('./ip/main.js').then((m) => m.entry(name)));

/** Errors that mean a bug in nlwire rather than a problem with what it was given. */
const BUG_ERRORS = new Set([
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError',
  'URIError',
]);

function usage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'Usage: nlwire <command> [arguments]',
    '',
    'Linux netlink and rtnetlink in pure TypeScript.',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n].summary}`),
    '',
    'Options before an ip-style command (nlwire [OPTIONS] link|addr|route|... like ip):',
    ...Object.entries(IP_OPTIONS).map(([n, d]) => `  ${n.padEnd(width)}  ${d}`),
    '',
    "Run 'nlwire <command> --help' for a command's options.",
    '',
  ].join('\n');
}

async function version(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  // package.json sits two levels up from both src/cli/ and dist/cli/.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `nlwire ${pkg.version}\n`;
}

/** One line for an error: its message, or `internal error: ...` for a bug. */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return `internal error: ${String(e)}`;
  const line = e.message.replace(/\s*\n\s*/g, ' ').trim() || e.name;
  return BUG_ERRORS.has(e.name) ? `internal error: ${line} (NLWIRE_DEBUG=1 shows where)` : line;
}

function report(prefix: string, e: unknown): number {
  process.stderr.write(`${prefix}${describe(e)}\n`);
  if (process.env.NLWIRE_DEBUG === '1' && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return e instanceof Error && e.name === 'UsageError' ? 2 : 1;
}

/** Runs `nlwire` with the arguments after the program name; resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(await version());
    return 0;
  }
  const helpFor = name === 'help' ? rest[0] : undefined;
  if (name === 'help' && helpFor === undefined) {
    process.stdout.write(usage());
    return 0;
  }
  const key = helpFor ?? name;
  const command = Object.hasOwn(COMMANDS, key)
    ? COMMANDS[key]
    : Object.hasOwn(IP_OPTIONS, key)
      ? ipOption(key)
      : undefined;
  if (!command) {
    process.stderr.write(
      `nlwire: unknown command '${helpFor ?? name}' (commands: ${Object.keys(COMMANDS).join(', ')})\n`,
    );
    return 2;
  }
  const prefix = `nlwire: ${helpFor ?? name}: `;
  try {
    const mod = await command.load();
    return (await mod.run(helpFor ? ['--help'] : rest)) ?? 0;
  } catch (e) {
    return report(prefix, e);
  }
}

// A reader that goes away (`nlwire decode x.pcap | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.exitCode = report('nlwire: ', e);
  },
);
