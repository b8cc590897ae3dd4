/**
 * `nlwire encode`: the JSON view (what `nlwire decode --json` prints, edited or hand-written) back to
 * bytes.
 */
import { CliError, type CommandSpec, formatHelp, parseArgs, UsageError } from './args.js';
import { readInput, writeOut } from './read-input.js';

const SPEC: CommandSpec = {
  usage: 'nlwire encode [FILE|-] [--hex | --pcap]',
  description: [
    'Reads the JSON view of netlink messages (the output of nlwire decode --json: a list of datagrams, one',
    'datagram, a list of messages or one message) and writes their bytes. Lengths are recomputed; numbers',
    'the names already give may be left out (nlmsg_type, nlmsg_flags, attribute type). decode then encode',
    'gives back the exact input bytes. Without FILE, or with -, reads standard input.',
  ].join('\n'),
  options: {
    hex: { type: 'flag', help: 'write hex text (one line per datagram) instead of raw bytes' },
    pcap: { type: 'flag', help: 'write a pcap capture (one packet per datagram, with direction and time)' },
  },
  maxPositionals: 1,
  examples: [
    'nlwire decode --json in.pcap > msgs.json && nlwire encode --pcap msgs.json > out.pcap',
    'nlwire decode --json msg.hex | nlwire encode --hex',
  ],
};

/** Runs `nlwire encode`. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (args.help) {
    await writeOut(formatHelp(SPEC));
    return 0;
  }
  if (args.values.hex && args.values.pcap) throw new UsageError('--hex and --pcap exclude each other');
  const binary = !args.values.hex;
  if (binary && process.stdout.isTTY)
    throw new UsageError('refusing to write binary to a terminal: redirect the output, or use --hex');
  const text = new TextDecoder().decode(await readInput(args.positionals[0]));
  if (text.trim() === '') throw new CliError('empty input (expected JSON)');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`input is not JSON: ${(e as Error).message}`);
  }
  const { encodeDatagrams } = await import('../debug/encode.js');
  const datagrams = encodeDatagrams(json);
  if (args.values.pcap) {
    const { writePcap } = await import('../debug/io/pcap.js');
    await writeOut(writePcap(datagrams));
  } else if (args.values.hex) {
    const { toHex } = await import('../debug/io/hex.js');
    await writeOut(datagrams.map((d) => `${toHex(d.bytes)}\n`).join(''));
  } else {
    const { encode } = await import('../debug/encode.js');
    await writeOut(encode(json));
  }
  return 0;
}
