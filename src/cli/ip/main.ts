/**
 * `nlwire [OPTIONS] OBJECT COMMAND ...`: the iproute2-style commands. Parses the global options the way
 * `ip` does (`-n NETNS`, `-j`, `-p`, `-d`, `-s`, `-4`, `-6`, `-f FAMILY`, `-o`, `-batch FILE`, `-force`,
 * abbreviations and `--long` forms, plus `--dry-run`), then runs one command or a batch. Every error is
 * reported here on one line; nothing escapes to the caller.
 */
import type { CommandModule } from '../main.js';
import type { Ctx, Options } from './context.js';
import { IpUsageError, reportError } from './errors.js';
import { matches, pick } from './words.js';

/** A module of one object (`link`, `address`...). */
export interface ObjectModule {
  /** Runs `nlwire OBJECT ...words` (words after the object name). */
  run(ctx: Ctx, words: string[]): Promise<void>;
}

/** The objects, by full name, in the order abbreviations are tried (as `ip` does: `a` is address). */
const OBJECTS: ReadonlyArray<readonly [string, () => Promise<ObjectModule>]> = [
  ['address', () => import('./addr.js')],
  ['addr', () => import('./addr.js')],
  ['route', () => import('./route.js')],
  ['rule', () => import('./rule.js')],
  ['neighbour', () => import('./neigh.js')],
  ['neighbor', () => import('./neigh.js')],
  ['neigh', () => import('./neigh.js')],
  ['link', () => import('./link.js')],
  ['fdb', () => import('./fdb.js')],
  ['monitor', () => import('./monitor.js')],
  ['netns', () => import('./netns.js')],
];

/** Canonical name of an object word (`a` -> address), or undefined. */
export function objectName(word: string): string | undefined {
  const o = OBJECTS.find(([name]) => matches(word, name));
  if (!o) return undefined;
  return o[0] === 'addr' ? 'address' : o[0] === 'neighbor' || o[0] === 'neigh' ? 'neighbour' : o[0];
}

/** Loads the module of an object word. */
export async function loadObject(word: string): Promise<ObjectModule | undefined> {
  const o = OBJECTS.find(([name]) => matches(word, name));
  return o ? o[1]() : undefined;
}

const USAGE = `Usage: nlwire [ OPTIONS ] OBJECT { COMMAND | help }
       nlwire [ -force ] -batch FILENAME
OBJECT := { link | address | route | rule | neigh | fdb | netns | monitor }
OPTIONS := { -n[etns] NAME | -j[son] | -p[retty] | -d[etails] | -s[tatistics] |
             -4 | -6 | -f[amily] { inet | inet6 | link | bridge } | -o[neline] |
             -b[atch] FILENAME | -force | --dry-run }

The commands and their arguments are those of iproute2's ip (and bridge, for fdb):
  nlwire link add v0 type veth peer name v1 netns blue
  nlwire -n blue link set lo up
  nlwire addr add 10.0.0.1/24 dev v0
  nlwire route add 10.1.0.0/16 via 10.0.0.2 table 100
  nlwire -j -d link show
--dry-run prints each change request's bytes, annotated, instead of sending it.
Run 'nlwire OBJECT help' for an object's commands.
`;

/** Global option names in the order ip tries abbreviations. */
const GLOBALS = [
  '-family',
  '-4',
  '-6',
  '-statistics',
  '-stats',
  '-details',
  '-oneline',
  '-force',
  '-batch',
  '-json',
  '-pretty',
  '-help',
  '-netns',
  '-dry-run',
] as const;

/** Parses global options; returns the options and the words from the object on. */
export function parseGlobals(argv: readonly string[]): { opts: Options; rest: string[]; help: boolean } {
  const opts: Options = {
    json: false,
    pretty: false,
    details: 0,
    stats: 0,
    oneline: false,
    force: false,
    dryRun: false,
  };
  let help = false;
  let i = 0;
  const value = (name: string): string => {
    const v = argv[++i];
    if (v === undefined) throw new IpUsageError(`option ${name} needs a value`);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const word = a.startsWith('--') ? a.slice(1) : a;
    const opt = pick(word, GLOBALS);
    switch (opt) {
      case '-family': {
        const f = value(a);
        if (f === 'inet' || f === 'inet6' || f === 'link' || f === 'bridge') opts.family = f;
        else if (f === 'ipv4') opts.family = 'inet';
        else if (f === 'ipv6') opts.family = 'inet6';
        else throw new IpUsageError(`unknown family "${f}" (inet, inet6, link, bridge)`);
        break;
      }
      case '-4':
        opts.family = 'inet';
        break;
      case '-6':
        opts.family = 'inet6';
        break;
      case '-statistics':
      case '-stats':
        opts.stats++;
        break;
      case '-details':
        opts.details++;
        break;
      case '-oneline':
        opts.oneline = true;
        break;
      case '-force':
        opts.force = true;
        break;
      case '-batch':
        opts.batch = value(a);
        break;
      case '-json':
        opts.json = true;
        break;
      case '-pretty':
        opts.pretty = true;
        break;
      case '-help':
        help = true;
        break;
      case '-netns':
        opts.netns = value(a);
        break;
      case '-dry-run':
        opts.dryRun = true;
        break;
      default:
        if (a === '-h') {
          help = true;
          break;
        }
        throw new IpUsageError(`option "${a}" is unknown, try "nlwire -help"`);
    }
  }
  return { opts, rest: argv.slice(i), help };
}

/** Takes `--dry-run` out of an object's words (anywhere but in what `netns exec` runs). */
function takeDryRun(words: string[]): { words: string[]; dryRun: boolean } {
  const execAt = words.findIndex((w, k) => k > 0 && matches(w, 'exec') && objectName(words[0]) === 'netns');
  const end = execAt < 0 ? words.length : execAt + 2;
  const head = words.slice(0, end);
  const dryRun = head.some((w) => w === '--dry-run' || w === '-dry-run');
  return {
    words: [...head.filter((w) => w !== '--dry-run' && w !== '-dry-run'), ...words.slice(end)],
    dryRun,
  };
}

/** Runs one command (the words from the object on) in `ctx`. */
export async function runCommand(ctx: Ctx, words: string[]): Promise<void> {
  const [object, ...rest] = words;
  if (object === undefined) throw new IpUsageError('no object given, try "nlwire -help"');
  if (object === 'help' || object === '--help' || object === '-h') {
    ctx.print(USAGE);
    return;
  }
  const mod = await loadObject(object);
  if (!mod) throw new IpUsageError(`object "${object}" is unknown, try "nlwire -help"`);
  await mod.run(ctx, rest);
}

/** Runs `nlwire` with the global options and command in `argv`; resolves to the exit status. */
export async function ipMain(argv: readonly string[]): Promise<number> {
  let ctx: Ctx | undefined;
  let what = '';
  try {
    const g = parseGlobals(argv);
    const { words, dryRun } = takeDryRun(g.rest);
    if (dryRun) g.opts.dryRun = true;
    what = words.slice(0, 2).join(' ');
    if (g.help || (words.length === 0 && g.opts.batch === undefined)) {
      process.stdout.write(USAGE);
      return g.help ? 0 : 2;
    }
    const { Ctx } = await import('./context.js');
    ctx = new Ctx(g.opts);
    if (g.opts.batch !== undefined) {
      if (words.length) throw new IpUsageError(`-batch takes no command (got "${words.join(' ')}")`);
      const { runBatch } = await import('./batch.js');
      return await runBatch(ctx, g.opts.batch);
    }
    await runCommand(ctx, words);
    await ctx.close();
    return ctx.exitCode;
  } catch (e) {
    try {
      await ctx?.close();
    } catch {
      // the first error is the one to report
    }
    return reportError(e, ctx?.what || what);
  }
}

/** The command module for an entry of the dispatch table: `prefix` goes back in front of the arguments. */
export function entry(prefix: string): CommandModule {
  return { run: (argv: string[]) => ipMain([prefix, ...argv]) };
}
