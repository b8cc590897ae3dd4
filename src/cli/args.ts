/**
 * Command-line parsing for `nlwire` commands: options declared as data, `--name value`,
 * `--name=value`, short aliases, `--` to end options, `-` as a positional (standard input), and help
 * text made from the same declarations. Kept free of imports: every command loads it.
 */

/** A bad command line: reported on one line, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can act on (bad input, missing file): reported on one line, exit status 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** One option of a command. */
export interface OptionSpec {
  /** `flag` takes no value; `string` takes one. */
  readonly type: 'flag' | 'string';
  /** A one-letter alias (`-h`). */
  readonly short?: string;
  /** The values allowed, for `string` options. */
  readonly choices?: readonly string[];
  /** The value's name in help (`FORMAT`). */
  readonly arg?: string;
  /** One line for help. */
  readonly help: string;
}

/** A command's declaration: usage line, description, options and how many positionals it takes. */
export interface CommandSpec {
  /** `nlwire decode [FILE|-] [options]`. */
  readonly usage: string;
  /** A paragraph on what it does (lines are kept as written). */
  readonly description: string;
  /** Options by long name (without `--`). `help` is added to every command. */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Most positionals accepted. */
  readonly maxPositionals: number;
  /** Examples, one per line. */
  readonly examples?: readonly string[];
}

/** What {@link parseArgs} found. */
export interface ParsedArgs {
  /** Values of string options given, and `true` for flags given, by long name. */
  values: Record<string, string | true>;
  /** Positional arguments in order. */
  positionals: string[];
  /** `--help` or `-h` was given. */
  help: boolean;
}

const HELP: OptionSpec = { type: 'flag', short: 'h', help: 'show this help' };

/**
 * Parses a command's arguments.
 *
 * @throws {@link UsageError} for an unknown option, a missing or disallowed value, or too many
 *   positionals (not when --help is given: help wins).
 */
export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const options: Record<string, OptionSpec> = { ...spec.options, help: HELP };
  const byShort = new Map<string, string>();
  for (const [name, o] of Object.entries(options)) if (o.short) byShort.set(o.short, name);
  const out: ParsedArgs = { values: {}, positionals: [], help: false };
  let problem: string | undefined;
  const fail = (msg: string): void => {
    problem ??= msg;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-')) {
      out.positionals.push(a);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (eq >= 0) inline = a.slice(eq + 1);
    } else if (a.length === 2) name = byShort.get(a[1]);
    const o = name === undefined ? undefined : options[name];
    if (name === undefined || !o) {
      fail(`unknown option ${a}`);
      continue;
    }
    if (o.type === 'flag') {
      if (inline !== undefined) fail(`--${name} takes no value`);
      if (name === 'help') out.help = true;
      else out.values[name] = true;
      continue;
    }
    const v = inline ?? argv[++i];
    if (v === undefined) {
      fail(`--${name} needs a value${o.choices ? ` (${o.choices.join(', ')})` : ''}`);
      continue;
    }
    if (o.choices && !o.choices.includes(v)) fail(`--${name} ${v}: expected one of ${o.choices.join(', ')}`);
    out.values[name] = v;
  }
  if (out.positionals.length > spec.maxPositionals)
    fail(
      spec.maxPositionals === 0
        ? `unexpected argument ${out.positionals[0]}`
        : `unexpected argument ${out.positionals[spec.maxPositionals]} (at most ${spec.maxPositionals})`,
    );
  if (problem !== undefined && !out.help) throw new UsageError(problem);
  return out;
}

/** The help text of a command, from its declaration. */
export function formatHelp(spec: CommandSpec): string {
  const options: [string, OptionSpec][] = [...Object.entries(spec.options), ['help', HELP]];
  const left = options.map(([name, o]) => {
    const long = `--${name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`;
    return o.short ? `-${o.short}, ${long}` : `    ${long}`;
  });
  const width = Math.max(...left.map((l) => l.length));
  const lines = [`Usage: ${spec.usage}`, '', spec.description, '', 'Options:'];
  options.forEach(([, o], i) => {
    lines.push(`  ${left[i].padEnd(width)}  ${o.help}`);
  });
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}
