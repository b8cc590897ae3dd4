/**
 * What decode and explain share: turning the input into datagrams, with errors that read well.
 */
import { type DecodedDatagram, decode } from '../debug/decode.js';
import type { InputKind } from '../debug/io/detect.js';
import { CliError } from './args.js';

/**
 * Decodes the input (format given or detected).
 *
 * @throws {@link CliError} for an empty input; the decoder's InputError for anything it cannot read.
 */
export async function decodeInput(input: Uint8Array, format: string | undefined): Promise<DecodedDatagram[]> {
  if (input.length === 0) throw new CliError('empty input');
  return decode(input, format === undefined ? {} : { format: format as InputKind });
}
