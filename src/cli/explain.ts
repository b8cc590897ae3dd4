/**
 * `nlwire explain`: an annotated hex dump of netlink messages, every byte explained.
 */
import { type CommandSpec, formatHelp, parseArgs, UsageError } from './args.js';
import { INPUT_FORMATS } from './decode.js';
import { readInput, writeOut } from './read-input.js';

const SPEC: CommandSpec = {
  usage: 'nlwire explain [FILE|-] [--in FORMAT] [--bytes-per-line N]',
  description: [
    'Shows every byte of every netlink message with what it is: the nlmsghdr fields, the family header',
    "(ifinfomsg, rtmsg...), each attribute's nla_len and nla_type, its payload with the decoded value,",
    'padding, nested attributes indented. Reads what decode reads (captures, hex, the JSON view); without',
    'FILE, or with -, standard input.',
  ].join('\n'),
  options: {
    in: {
      type: 'string',
      arg: 'FORMAT',
      choices: INPUT_FORMATS,
      help: 'the input format (detected by default)',
    },
    'bytes-per-line': { type: 'string', arg: 'N', help: 'bytes shown a line, 1 to 16 (default 8)' },
  },
  maxPositionals: 1,
  examples: [
    'nlwire explain capture.pcap',
    "echo '14000000 0300 0200 01000000 00000000 00000000' | nlwire explain",
  ],
};

/** Runs `nlwire explain`. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (args.help) {
    await writeOut(formatHelp(SPEC));
    return 0;
  }
  const perLine = args.values['bytes-per-line'];
  let bytesPerLine: number | undefined;
  if (typeof perLine === 'string') {
    bytesPerLine = Number(perLine);
    if (!/^\d+$/.test(perLine) || bytesPerLine < 1 || bytesPerLine > 16)
      throw new UsageError(`--bytes-per-line ${perLine}: expected a number from 1 to 16`);
  }
  const input = await readInput(args.positionals[0]);
  const { decodeInput } = await import('./debug-common.js');
  const datagrams = await decodeInput(input, args.values.in as string | undefined);
  const { explain } = await import('../debug/explain.js');
  await writeOut(explain(datagrams, bytesPerLine === undefined ? {} : { bytesPerLine }));
  return 0;
}
