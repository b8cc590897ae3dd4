/**
 * `nlwire decode`: netlink messages from a capture or a paste, as a readable tree or as JSON.
 */
import { type CommandSpec, formatHelp, parseArgs } from './args.js';
import { readInput, writeOut } from './read-input.js';

/** Input formats of decode and explain: the capture formats, and `json` (the JSON view decode --json prints). */
export const INPUT_FORMATS = ['raw', 'hex', 'pcap', 'pcapng', 'strace', 'json'] as const;

const SPEC: CommandSpec = {
  usage: 'nlwire decode [FILE|-] [--in FORMAT] [--json]',
  description: [
    'Decodes every netlink message of the input: raw bytes, hex text (plain, 0x.., \\x.., xxd, hexdump -C),',
    'a pcap or pcapng capture of netlink (nlmon, NLWIRE_TRACE=out.pcap), strace output, or the JSON view',
    'this command prints with --json. Without FILE, or with -, reads standard input. Every field is named',
    'as the kernel names it; unknown attributes show as hex.',
  ].join('\n'),
  options: {
    in: {
      type: 'string',
      arg: 'FORMAT',
      choices: INPUT_FORMATS,
      help: 'the input format (detected by default)',
    },
    json: { type: 'flag', help: 'print the JSON view (one object per datagram, with its messages)' },
  },
  maxPositionals: 1,
  examples: [
    'nlwire decode capture.pcap',
    "echo '14000000 0300 0200 01000000 00000000 00000000' | nlwire decode --json",
    'NLWIRE_TRACE=out.pcap node app.js && nlwire decode out.pcap',
  ],
};

/** Runs `nlwire decode`. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (args.help) {
    await writeOut(formatHelp(SPEC));
    return 0;
  }
  const input = await readInput(args.positionals[0]);
  const { decodeInput } = await import('./debug-common.js');
  const datagrams = await decodeInput(input, args.values.in as string | undefined);
  if (args.values.json) {
    const { datagramsToJSON } = await import('../debug/json.js');
    await writeOut(`${JSON.stringify(datagramsToJSON(datagrams), null, 2)}\n`);
  } else {
    const { renderDatagrams } = await import('../debug/tree.js');
    await writeOut(renderDatagrams(datagrams));
  }
  return 0;
}
