/**
 * Guessing what a debugger input is, and reading it whatever it is.
 */
import { parseHex } from './hex.js';
import { captureFormat, readPcap } from './pcap.js';
import { parseStrace } from './strace.js';
import type { CapturedMessage } from './types.js';

/** The input kinds the debugger reads. */
export type InputKind = 'pcap' | 'pcapng' | 'strace' | 'hex' | 'raw';

/** What {@link readCaptured} read. */
export interface CapturedInput {
  /** The kind it was read as (detected or given). */
  kind: InputKind;
  /** The netlink family of the first message, when the input tells (pcap, strace with `socket()` seen). */
  family?: number;
  /** The datagrams, in order. */
  messages: CapturedMessage[];
}

/** A system call line of strace, after an optional pid prefix and timestamp. */
const STRACE_LINE =
  /^\s*(?:\[pid\s+\d+\]\s*|\d+\s+)?(?:\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\s+|\d+\.\d+\s+)?(?:[a-z_][a-z0-9_]*\(|<\.\.\. [a-z_][a-z0-9_]* resumed>)/m;

/** True when every byte is printable ASCII or common whitespace. */
function isText(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b >= 0x20 && b < 0x7f) continue;
    if (b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0c || b === 0x0b) continue;
    return false;
  }
  return true;
}

/**
 * Tells what an input is: pcap and pcapng by their magic numbers, strace by a line that looks like a
 * system call (`sendmsg(3, ...`, with optional pid and timestamp), hex for any other text (printable
 * ASCII and whitespace only), and raw for everything else (binary: netlink messages as they are).
 */
export function detectInput(bytes: Uint8Array): InputKind {
  const format = captureFormat(bytes);
  if (format) return format;
  if (bytes.length === 0 || !isText(bytes)) return 'raw';
  const text = new TextDecoder().decode(bytes);
  return STRACE_LINE.test(text) ? 'strace' : 'hex';
}

/**
 * Reads an input of the given kind, or of the kind {@link detectInput} finds.
 *
 * hex and raw inputs are one datagram (which may hold several netlink messages back to back); pcap and
 * pcapng give one per packet, strace one per send or receive.
 *
 * @throws {@link InputError} when the input is not valid for its kind; never another error type for
 *   bad input.
 */
export function readCaptured(bytes: Uint8Array, kind: InputKind = detectInput(bytes)): CapturedInput {
  let messages: CapturedMessage[];
  switch (kind) {
    case 'pcap':
    case 'pcapng': {
      const cap = readPcap(bytes);
      const out: CapturedInput = { kind: cap.format, messages: cap.messages };
      if (cap.family !== undefined) out.family = cap.family;
      return out;
    }
    case 'strace':
      messages = parseStrace(new TextDecoder().decode(bytes));
      break;
    case 'hex':
      messages = [{ bytes: parseHex(new TextDecoder().decode(bytes)), source: 'hex input' }];
      break;
    case 'raw':
      messages = [{ bytes: bytes.slice(), source: 'raw input' }];
      break;
  }
  const out: CapturedInput = { kind, messages };
  const family = messages.find((m) => m.family !== undefined)?.family;
  if (family !== undefined) out.family = family;
  return out;
}
