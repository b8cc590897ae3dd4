/**
 * Hex text in, bytes out: the forms people paste into a debugger.
 *
 * Accepted, in any mix of lines:
 * - plain digits, spaced or not: `14 00 00 00`, `14000000`, `1400 0000`;
 * - `0x` prefixes and `\x` escapes: `0x14, 0x00`, `"\x14\x00"`, `{ 0x14, 0x00 }`;
 * - separators: whitespace, newlines, `,` `:` `;`, double quotes, `{}` and `[]`;
 * - dumps with an offset column: `xxd` (`00000010: 1400 0000 ...  ....`), `hexdump -C` / `od -A x -t x1`
 *   (`00000010  14 00 00 00 ...  |....|`, including `*` for repeated lines and the closing offset line), and
 *   strace's `-e read=`/`-e write=` dumps (` | 00010  14 00 ...  .... |`). The offset column must count up
 *   with the bytes read; the ASCII column is ignored.
 *
 * Each run of hex digits must have an even length. Anything else is an {@link InputError}.
 */
import { InputError } from './types.js';

const HEX_RUN = /^[0-9a-fA-F]+$/;
const BYTE = /^[0-9a-fA-F]{2}$/;
/** `xxd`: offset, colon, one space, groups, two spaces, ASCII. */
const XXD_LINE = /^(\s*)([0-9a-fA-F]{4,16}):( .*)?$/;
/** strace dump: ` | 00010  14 00 ... (50 columns)  ascii |`. */
const STRACE_DUMP_LINE = /^(\s*\|\s)([0-9a-fA-F]{4,16}) {2}(.*)$/;
/** strace's header before each iovec of a sendmsg/recvmsg dump. */
const STRACE_BUFFER_LINE = /^\s*\*\s+\d+\s+bytes in buffer\s+\d+\s*$/;
/** `hexdump -C` / `od -A x -t x1`: offset, spaces, byte columns, optional `|ascii|`. */
const OFFSET_LINE = /^(\s*)([0-9a-fA-F]{4,16})(\s.*)?$/;
/** strace prints 16 bytes as `xx ` with one more space after each 8: 50 columns. */
const STRACE_HEX_COLUMNS = 50;

/** Lowercase hex of `bytes`, no separators (the inverse of {@link parseHex} for plain input). */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Growable byte buffer. */
class ByteSink {
  private buf = new Uint8Array(256);
  length = 0;

  push(b: number): void {
    if (this.length === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = b;
  }

  pushAll(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.push(bytes[i]);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Where we are in the input, for error messages. */
interface Cursor {
  line: number;
  lineStart: number;
}

function fail(message: string, cur: Cursor, column: number): never {
  throw new InputError(`${message} (line ${cur.line}, column ${column + 1})`, {
    line: cur.line,
    offset: cur.lineStart + column,
  });
}

/** Parses the byte tokens of a dump line's hex area; every token must be exactly two digits. */
function dumpTokens(area: string): number[] | undefined {
  const out: number[] = [];
  for (const tok of area.split(/\s+/)) {
    if (tok === '') continue;
    if (!BYTE.test(tok)) return undefined;
    out.push(Number.parseInt(tok, 16));
  }
  return out;
}

/** Parses an xxd hex area: groups of an even number of digits separated by single spaces. */
function xxdTokens(area: string, cur: Cursor, column: number): number[] {
  const out: number[] = [];
  let col = column;
  for (const tok of area.split(' ')) {
    if (tok !== '') {
      if (!HEX_RUN.test(tok)) fail(`'${tok}' is not hex in an xxd line`, cur, col);
      if (tok.length % 2 !== 0) fail(`odd number of hex digits in '${tok}'`, cur, col);
      for (let i = 0; i < tok.length; i += 2) out.push(Number.parseInt(tok.slice(i, i + 2), 16));
    }
    col += tok.length + 1;
  }
  return out;
}

const SEPARATORS = new Set([' ', '\t', '\r', '\f', '\v', ',', ':', ';', '"', '{', '}', '[', ']']);

function isHexDigit(c: string): boolean {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/** Parses a line of loose hex: runs of digits, `0x`/`\x` prefixes, separators. */
function plainLine(text: string, cur: Cursor, sink: ByteSink): void {
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (SEPARATORS.has(c)) {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
      i += 2;
      continue;
    }
    if (c === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && isHexDigit(text[i + 2] ?? '')) {
      i += 2;
      continue;
    }
    if (!isHexDigit(c)) fail(`unexpected character ${JSON.stringify(c)} in hex input`, cur, i);
    const start = i;
    while (i < text.length && isHexDigit(text[i])) i++;
    const run = text.slice(start, i);
    if (run.length % 2 !== 0) fail(`odd number of hex digits in '${run}'`, cur, start);
    for (let k = 0; k < run.length; k += 2) sink.push(Number.parseInt(run.slice(k, k + 2), 16));
  }
}

/** State of the offset column across dump lines. */
interface OffsetState {
  /** The offset the next dump line must carry, once a dump line was seen. */
  next?: number;
  /** Bytes of the previous dump line, for `*` (repeated lines). */
  last: number[];
  /** A `*` line was seen and not yet resolved. */
  squeezed: boolean;
}

/** Checks a dump line's offset against the bytes read so far, expanding a pending `*`. */
function checkOffset(offset: number, st: OffsetState, sink: ByteSink, cur: Cursor, column: number): void {
  if (st.next === undefined) {
    st.next = offset;
    return;
  }
  if (st.squeezed) {
    st.squeezed = false;
    if (st.last.length === 0 || offset < st.next || (offset - st.next) % st.last.length !== 0) {
      fail(`offset 0x${offset.toString(16)} does not follow the repeated line marked '*'`, cur, column);
    }
    while (st.next < offset) {
      sink.pushAll(st.last);
      st.next += st.last.length;
    }
    return;
  }
  if (offset !== st.next) {
    fail(
      `offset column says 0x${offset.toString(16)} but 0x${st.next.toString(16)} bytes came before it`,
      cur,
      column,
    );
  }
}

/** Records a dump line's bytes. */
function takeDumpLine(bytes: number[], st: OffsetState, sink: ByteSink): void {
  sink.pushAll(bytes);
  st.next = (st.next ?? 0) + bytes.length;
  if (bytes.length > 0) st.last = bytes;
}

/**
 * Parses hex text into bytes.
 *
 * @param text - hex in any of the forms listed in this module's description, mixed freely.
 * @returns the bytes, in order (empty for empty or whitespace-only input).
 * @throws {@link InputError} on any character that is not hex or an accepted separator, a run with an odd
 *   number of digits, or an offset column that does not match the bytes before it.
 */
export function parseHex(text: string): Uint8Array {
  const sink = new ByteSink();
  const st: OffsetState = { last: [], squeezed: false };
  const cur: Cursor = { line: 0, lineStart: 0 };
  let pos = 0;
  for (const raw of text.split('\n')) {
    cur.line++;
    cur.lineStart = pos;
    pos += raw.length + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '') continue;

    if (trimmed === '*') {
      if (st.next === undefined) fail("'*' (repeated lines) outside a dump with offsets", cur, 0);
      st.squeezed = true;
      continue;
    }
    if (STRACE_BUFFER_LINE.test(line)) {
      st.next = undefined;
      st.squeezed = false;
      continue;
    }

    let m = STRACE_DUMP_LINE.exec(line);
    if (m) {
      const offset = Number.parseInt(m[2], 16);
      const areaColumn = m[1].length + m[2].length + 2;
      const bytes = dumpTokens(m[3].slice(0, STRACE_HEX_COLUMNS));
      if (!bytes) fail('bad byte column in a strace dump line', cur, areaColumn);
      checkOffset(offset, st, sink, cur, m[1].length);
      takeDumpLine(bytes, st, sink);
      continue;
    }

    m = XXD_LINE.exec(line);
    if (m) {
      const offset = Number.parseInt(m[2], 16);
      const rest = m[3] ?? '';
      const areaColumn = m[1].length + m[2].length + 2;
      const areaEnd = rest.indexOf('  ', 1);
      const area = (areaEnd < 0 ? rest : rest.slice(0, areaEnd)).slice(1);
      const bytes = xxdTokens(area, cur, areaColumn);
      checkOffset(offset, st, sink, cur, m[1].length);
      takeDumpLine(bytes, st, sink);
      continue;
    }

    m = OFFSET_LINE.exec(line);
    if (m) {
      const rest = m[3] ?? '';
      const bar = rest.indexOf('|');
      const bytes = dumpTokens(bar < 0 ? rest : rest.slice(0, bar));
      // A lone number is a closing offset only inside a dump; elsewhere it is data.
      const isDump = bytes !== undefined && (bytes.length > 0 || bar >= 0 || st.next !== undefined);
      if (isDump) {
        checkOffset(Number.parseInt(m[2], 16), st, sink, cur, m[1].length);
        takeDumpLine(bytes, st, sink);
        continue;
      }
    }

    if (st.squeezed) fail("'*' (repeated lines) must be followed by an offset line", cur, 0);
    plainLine(line, cur, sink);
  }
  if (st.squeezed) {
    throw new InputError("hex dump ends with '*' but no offset line says how far the repeat goes", {
      line: cur.line,
    });
  }
  return sink.result();
}
