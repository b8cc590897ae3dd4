/**
 * What decode and explain share: turning the input into datagrams, with errors that read well. Besides
 * captures (raw, hex, pcap, pcapng, strace) they read the JSON view, so an edited `decode --json` can be
 * looked at again.
 */
import { type DecodedDatagram, decode } from '../debug/decode.js';
import type { InputKind } from '../debug/io/detect.js';
import { CliError } from './args.js';

/** The parsed JSON view, when the input is one (an object, or a list of objects). */
function jsonView(input: Uint8Array, required: boolean): unknown {
  const text = new TextDecoder().decode(input).trim();
  if (!required && !text.startsWith('{') && !text.startsWith('[')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    if (required) throw new CliError(`input is not JSON: ${(e as Error).message}`);
    return undefined;
  }
  const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(json) || (Array.isArray(json) && json.length > 0 && json.every(isObj))) return json;
  if (required) throw new CliError('input is JSON but not messages or datagrams');
  return undefined;
}

/**
 * Decodes the input (format given or detected; JSON is recognised by its shape).
 *
 * @throws {@link CliError} for an empty input; the decoder's InputError for anything it cannot read,
 *   ValidationError for JSON that does not encode.
 */
export async function decodeInput(input: Uint8Array, format: string | undefined): Promise<DecodedDatagram[]> {
  if (input.length === 0) throw new CliError('empty input');
  const json = format === undefined || format === 'json' ? jsonView(input, format === 'json') : undefined;
  if (json !== undefined) {
    const { encodeDatagrams } = await import('../debug/encode.js');
    return encodeDatagrams(json).map((c, i) => {
      const [d] = decode(c.bytes, { format: 'raw' });
      d.source = c.source ?? `JSON datagram ${i + 1}`;
      if (c.direction) d.direction = c.direction;
      if (c.timestamp !== undefined) d.timestamp = c.timestamp;
      if (c.family !== undefined) d.family = c.family;
      return d;
    });
  }
  return decode(input, format === undefined ? {} : { format: format as InputKind });
}
