/**
 * Netlink datagrams out of strace output.
 *
 * strace 6.x decodes netlink messages into structures (`[{nlmsg_len=32, nlmsg_type=RTM_GETLINK, ...}]`)
 * whenever it knows a socket is netlink, and that loses bytes. `-X raw` does not change this (it only
 * prints constants as numbers). What keeps the bytes:
 *
 * - `-e verbose=none` stops the structure decoding: sendto/recvfrom/write/read then show their buffers as
 *   strings (`"\x20\x00..."` with `-xx`), but sendmsg/recvmsg show only a pointer;
 * - `-e read=all -e write=all` make strace dump every buffer that went through a descriptor in hex after the
 *   call (` | 00000  20 00 00 00 ...`), sendmsg/recvmsg iovecs included, whatever `-s` says.
 *
 * The recommended command line ({@link STRACE_COMMAND}) uses both:
 *
 * ```sh
 * strace -f -ttt -e trace=%network -e verbose=none -e read=all -e write=all -xx -s 65536 -o trace.txt ip link show
 * ```
 *
 * Add `,read,write,close` to the trace set for programs that use read(2)/write(2) on netlink sockets.
 *
 * The parser reads that form and also: `-tt`/`-t` timestamps (seconds since midnight), `[pid N]` and
 * `-o`'s `N  ` prefixes, `<unfinished ...>`/`<... resumed>` splits, `-y`/`-yy` descriptor annotations,
 * `-T` durations, strings without `-xx`, and traces where strace printed the iovecs as strings (a sendmsg
 * without a netlink msg_name). Dumps win over strings when both are there. A trace that shows decoded
 * netlink structures, only pointers, or strings cut by `-s`, for a netlink descriptor, is an
 * {@link InputError} that names the options to use.
 *
 * Which calls count: sendmsg/recvmsg, sendto/recvfrom, send/recv (any socket that is not known to be
 * something else), and write/read/writev/readv on descriptors known to be netlink (created by
 * `socket(AF_NETLINK, ...)` in the trace, per process, or annotated `NETLINK` by `-yy`). send* and write* go
 * to the kernel; recv* and read* come from it. `MSG_PEEK` receives are skipped (the data is read again),
 * and received data is cut to the return value.
 */
import { type CapturedMessage, type Direction, InputError } from './types.js';

/** The strace options that make it print raw netlink bytes (see the module description). */
export const STRACE_OPTIONS: readonly string[] = [
  '-f',
  '-ttt',
  '-e',
  'trace=%network',
  '-e',
  'verbose=none',
  '-e',
  'read=all',
  '-e',
  'write=all',
  '-xx',
  '-s',
  '65536',
];

/** The recommended command line, with `trace.txt` as output and the traced command to append. */
export const STRACE_COMMAND = `strace ${STRACE_OPTIONS.join(' ')} -o trace.txt`;

const FIX = `rerun strace as: ${STRACE_COMMAND} <command>`;

/** strace's names of netlink protocols (uapi linux/netlink.h). */
const NETLINK_PROTOCOLS: Readonly<Record<string, number>> = {
  ROUTE: 0,
  UNUSED: 1,
  USERSOCK: 2,
  FIREWALL: 3,
  SOCK_DIAG: 4,
  INET_DIAG: 4,
  NFLOG: 5,
  XFRM: 6,
  SELINUX: 7,
  ISCSI: 8,
  AUDIT: 9,
  FIB_LOOKUP: 10,
  CONNECTOR: 11,
  NETFILTER: 12,
  IP6_FW: 13,
  DNRTMSG: 14,
  KOBJECT_UEVENT: 15,
  GENERIC: 16,
  SCSITRANSPORT: 18,
  ECRYPTFS: 19,
  RDMA: 20,
  CRYPTO: 21,
  SMC: 22,
};
const AF_NETLINK = 16;
const MSG_PEEK = 2;

/** A value as strace prints it. */
type SValue =
  | { t: 'str'; bytes: number[]; truncated: boolean }
  | { t: 'group'; open: '{' | '['; items: SItem[] }
  | { t: 'atom'; text: string };

/** One element of an argument list, structure or array; `name` for `name=value`. */
interface SItem {
  name?: string;
  value: SValue;
}

/** A parsed `name(args) = ret` line. */
interface SCall {
  name: string;
  args: SItem[];
  /** Return value; undefined for `?`. */
  ret?: number;
  /** The `<...>` annotation of the return value (`-yy` on socket()). */
  retNote?: string;
}

class ParseError extends Error {}

/** Deepest `{}`/`[]` nesting read; strace's own output stays far below it. */
const MAX_DEPTH = 64;

/** The one-letter escapes strace prints in strings. */
const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 10,
  t: 9,
  r: 13,
  f: 12,
  v: 11,
  '"': 34,
  '\\': 92,
};

/** Parses strace's argument syntax: strings, `{}` structures, `[]` arrays and everything else as atoms. */
class Scanner {
  i = 0;
  private depth = 0;
  constructor(readonly s: string) {}

  private ws(): void {
    for (;;) {
      while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.i++;
      if (this.s.startsWith('/*', this.i)) {
        const end = this.s.indexOf('*/', this.i + 2);
        if (end < 0) throw new ParseError('unterminated comment');
        this.i = end + 2;
      } else return;
    }
  }

  call(): SCall {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\(/.exec(this.s);
    if (!m) throw new ParseError('not a system call');
    this.i = m[0].length;
    const args = this.items(')');
    const rest = this.s.slice(this.i);
    const r = /^\s*=\s*(-?\d+|0x[0-9a-fA-F]+|\?)(<.*?>)?/.exec(rest);
    if (!r) throw new ParseError('no return value');
    const call: SCall = { name: m[1], args };
    if (r[1] !== '?') call.ret = Number(r[1]);
    if (r[2]) call.retNote = r[2].slice(1, -1);
    return call;
  }

  private items(close: string): SItem[] {
    const out: SItem[] = [];
    for (;;) {
      this.ws();
      if (this.i >= this.s.length) throw new ParseError(`missing '${close}'`);
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      if (')]}'.includes(this.s[this.i]))
        throw new ParseError(`'${this.s[this.i]}' where '${close}' was expected`);
      const nameMatch = /[A-Za-z_][A-Za-z0-9_]*=(?!=)/y;
      nameMatch.lastIndex = this.i;
      const nm = nameMatch.exec(this.s);
      const item: SItem = { value: { t: 'atom', text: '' } };
      if (nm) {
        item.name = nm[0].slice(0, -1);
        this.i += nm[0].length;
      }
      item.value = this.value();
      out.push(item);
      this.ws();
      if (this.s[this.i] !== ',' && this.s[this.i] !== close) this.atom(); // e.g. `128 => 12`: skip the rest
      if (this.s[this.i] === ',') this.i++;
    }
  }

  private value(): SValue {
    this.ws();
    const c = this.s[this.i];
    if (c === '"') return this.str();
    if (c === '{' || c === '[') {
      if (++this.depth > MAX_DEPTH) throw new ParseError('nested too deeply');
      this.i++;
      const items = this.items(c === '{' ? '}' : ']');
      this.depth--;
      return { t: 'group', open: c, items };
    }
    return { t: 'atom', text: this.atom() };
  }

  private str(): SValue {
    const bytes: number[] = [];
    const s = this.s;
    let i = this.i + 1;
    for (;;) {
      if (i >= s.length) throw new ParseError('unterminated string');
      const c = s[i];
      if (c === '"') break;
      if (c !== '\\') {
        const code = c.charCodeAt(0);
        if (code < 0x80) bytes.push(code);
        else for (const b of new TextEncoder().encode(c)) bytes.push(b);
        i++;
        continue;
      }
      const e = s[i + 1];
      if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
        bytes.push(Number.parseInt(s.slice(i + 2, i + 4), 16));
        i += 4;
      } else if (e !== undefined && e in SIMPLE_ESCAPES) {
        bytes.push(SIMPLE_ESCAPES[e]);
        i += 2;
      } else if (e !== undefined && e >= '0' && e <= '7') {
        const m = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
        const v = Number.parseInt(m?.[0] ?? '0', 8);
        if (v > 255) throw new ParseError('octal escape above 255');
        bytes.push(v);
        i += 1 + (m?.[0].length ?? 1);
      } else throw new ParseError(`unknown escape \\${e ?? ''}`);
    }
    i++;
    let truncated = false;
    if (s.startsWith('...', i)) {
      truncated = true;
      i += 3;
    }
    this.i = i;
    return { t: 'str', bytes, truncated };
  }

  /** Scans up to a top-level `,` or closing bracket; nested brackets, strings and `3<...>` are skipped. */
  private atom(): string {
    const s = this.s;
    const start = this.i;
    const stack: string[] = [];
    let i = this.i;
    while (i < s.length) {
      const c = s[i];
      if (c === '"') {
        i++;
        while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
        i++;
        continue;
      }
      if (stack.length === 0 && (c === ',' || c === ')' || c === ']' || c === '}')) break;
      if (c === '(' || c === '[' || c === '{') stack.push(c);
      else if (c === '<' && /[0-9>]/.test(s[i - 1] ?? '')) stack.push(c);
      else if (c === ')' || c === ']' || c === '}' || (c === '>' && stack[stack.length - 1] === '<'))
        stack.pop();
      i++;
    }
    if (stack.length > 0) throw new ParseError('unbalanced brackets');
    this.i = i;
    return s.slice(start, i).trim();
  }
}

/** How one system call carries data. */
interface CallKind {
  direction: Direction;
  /** Where the data is: a plain buffer, a msghdr, or an iovec array; always argument 1. */
  buffer: 'plain' | 'msghdr' | 'iovec';
  /** Index of the flags argument (for MSG_PEEK). */
  flags?: number;
  /** Index of a sockaddr argument. */
  addr?: number;
  /** Socket calls count on descriptors of unknown kind; read/write only on known netlink ones. */
  socketCall: boolean;
}

const CALLS: Readonly<Record<string, CallKind>> = {
  sendmsg: { direction: 'to-kernel', buffer: 'msghdr', flags: 2, socketCall: true },
  recvmsg: { direction: 'from-kernel', buffer: 'msghdr', flags: 2, socketCall: true },
  sendto: { direction: 'to-kernel', buffer: 'plain', flags: 3, addr: 4, socketCall: true },
  recvfrom: { direction: 'from-kernel', buffer: 'plain', flags: 3, addr: 4, socketCall: true },
  send: { direction: 'to-kernel', buffer: 'plain', flags: 3, socketCall: true },
  recv: { direction: 'from-kernel', buffer: 'plain', flags: 3, socketCall: true },
  write: { direction: 'to-kernel', buffer: 'plain', socketCall: false },
  read: { direction: 'from-kernel', buffer: 'plain', socketCall: false },
  writev: { direction: 'to-kernel', buffer: 'iovec', socketCall: false },
  readv: { direction: 'from-kernel', buffer: 'iovec', socketCall: false },
};

/** What is known about a descriptor: netlink (with its protocol when known) or something else. */
type FdKind = { netlink: true; protocol?: number } | { netlink: false };

/** A completed call waiting for the hex dump lines that may follow it. */
interface Completed {
  call: SCall;
  pid?: number;
  line: number;
  timestamp?: number;
  dump?: number[];
  /** Bytes expected at the next dump line's offset, within the current buffer. */
  dumpOffset: number;
}

const LINE_PID = /^(?:\[pid\s+(\d+)\]\s*|(\d+)\s+(?=\S))/;
const LINE_TIME = /^(?:(\d{1,2}):(\d{2}):(\d{2})(\.\d+)?|(\d+\.\d+))\s+/;
const DUMP_LINE = /^\s*\|\s([0-9a-fA-F]+) {2}(.*)$/;
const DUMP_BUFFER = /^\s*\*\s+\d+\s+bytes in buffer\s+\d+\s*$/;
const UNFINISHED = /\s*<unfinished \.\.\.>\s*$/;
const RESUMED = /^<\.\.\.\s+([A-Za-z_][A-Za-z0-9_]*)\s+resumed>\s?/;

function atomText(v: SValue | undefined): string | undefined {
  return v?.t === 'atom' ? v.text : undefined;
}

function field(v: SValue | undefined, name: string): SValue | undefined {
  if (v?.t !== 'group') return undefined;
  return v.items.find((it) => it.name === name)?.value;
}

/** True when a value holds a decoded netlink header somewhere. */
function hasNlmsghdr(v: SValue | undefined): boolean {
  if (v?.t !== 'group') return false;
  return v.items.some((it) => it.name === 'nlmsg_len' || hasNlmsghdr(it.value));
}

function isNetlinkSockaddr(v: SValue | undefined): boolean {
  const fam = atomText(field(v, 'sa_family'));
  return fam === 'AF_NETLINK' || (fam !== undefined && /^(0x10|16)$/.test(fam));
}

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^(-?\d+|0x[0-9a-fA-F]+)$/.test(text)) return undefined;
  return Number(text);
}

/** Splits `3<NETLINK:[ROUTE:1234]>` into the number and what the annotation says. */
function parseFd(text: string | undefined): { fd?: number; kind?: FdKind } {
  if (text === undefined) return {};
  const m = /^(-?\d+|0x[0-9a-fA-F]+)(?:<(.*)>)?$/.exec(text);
  if (!m) return {};
  return { fd: Number(m[1]), kind: annotationKind(m[2]) };
}

function annotationKind(note: string | undefined): FdKind | undefined {
  if (note === undefined || note.startsWith('socket:')) return undefined;
  if (!note.startsWith('NETLINK')) return { netlink: false };
  const p = /^NETLINK:\[([A-Z_0-9]+):/.exec(note);
  const protocol = p ? NETLINK_PROTOCOLS[p[1]] : undefined;
  return protocol === undefined ? { netlink: true } : { netlink: true, protocol };
}

function protocolOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (text.startsWith('NETLINK_')) return NETLINK_PROTOCOLS[text.slice(8)];
  return parseNumber(text);
}

function flagsHavePeek(text: string | undefined): boolean {
  if (text === undefined) return false;
  if (/\bMSG_PEEK\b/.test(text)) return true;
  const n = parseNumber(text);
  return n !== undefined && (n & MSG_PEEK) !== 0;
}

/** Where the bytes of a call are, or why they are not there. */
type Extracted = { bytes: number[] } | { problem: 'decoded' | 'pointer' | 'truncated' | 'unexpected' };

function extractIovecs(v: SValue | undefined): Extracted {
  if (v?.t !== 'group' || v.open !== '[') {
    const text = atomText(v);
    return text === 'NULL' ? { bytes: [] } : { problem: hasNlmsghdr(v) ? 'decoded' : 'pointer' };
  }
  const bytes: number[] = [];
  for (const it of v.items) {
    if (it.value.t === 'atom' && it.value.text === '...') return { problem: 'truncated' };
    const base = field(it.value, 'iov_base');
    const got = extractPlain(base);
    if ('problem' in got) return got;
    for (const b of got.bytes) bytes.push(b);
  }
  return { bytes };
}

function extractPlain(v: SValue | undefined): Extracted {
  if (v === undefined) return { problem: 'unexpected' };
  if (v.t === 'str') return v.truncated ? { problem: 'truncated' } : { bytes: v.bytes };
  if (v.t === 'group') return { problem: hasNlmsghdr(v) ? 'decoded' : 'unexpected' };
  if (v.text === 'NULL') return { bytes: [] };
  return { problem: 'pointer' };
}

function extract(kind: CallKind, buf: SValue | undefined): Extracted {
  if (kind.buffer === 'plain') return extractPlain(buf);
  if (kind.buffer === 'iovec') return extractIovecs(buf);
  if (buf?.t !== 'group') return { problem: atomText(buf) === 'NULL' ? 'unexpected' : 'pointer' };
  return extractIovecs(field(buf, 'msg_iov'));
}

/**
 * Extracts the netlink datagrams of a strace trace, in the order the calls completed.
 *
 * @param text - the trace (strace's `-o` file or its stderr); see the module description for the forms.
 * @returns one message per datagram with direction, pid (when prefixed), timestamp (when printed),
 *   syscall, family (when the socket's protocol is known) and `source` = `strace line N`.
 * @throws {@link InputError} when a netlink call's bytes are not in the trace (decoded structures,
 *   pointers only, strings cut by `-s`), or a line of such a call cannot be read.
 */
export function parseStrace(text: string): CapturedMessage[] {
  const out: CapturedMessage[] = [];
  const fds = new Map<number, Map<number, FdKind>>();
  const unfinished = new Map<number, { name: string; text: string }>();
  let current: Completed | undefined;
  const lines = text.split('\n');

  const fdTable = (pid: number | undefined): Map<number, FdKind> => {
    const key = pid ?? 0;
    let t = fds.get(key);
    if (!t) {
      t = new Map();
      fds.set(key, t);
    }
    return t;
  };

  const finish = (c: Completed): void => {
    const { call } = c;
    const table = fdTable(c.pid);
    const first = parseFd(atomText(call.args[0]?.value));
    const ret = call.ret;
    if (ret === undefined || ret < 0) return;

    if (call.name === 'socket') {
      const fd = parseFd(`${ret}`).fd;
      if (fd === undefined) return;
      const family = atomText(call.args[0]?.value);
      if (family === 'AF_NETLINK' || family === 'PF_NETLINK' || parseNumber(family) === AF_NETLINK) {
        const protocol = protocolOf(atomText(call.args[2]?.value));
        table.set(fd, protocol === undefined ? { netlink: true } : { netlink: true, protocol });
      } else table.set(fd, { netlink: false });
      return;
    }
    if (call.name === 'close') {
      if (first.fd !== undefined) table.delete(first.fd);
      return;
    }
    if (/^(dup|dup2|dup3|fcntl|fcntl64)$/.test(call.name)) {
      if (call.name.startsWith('fcntl') && !/F_DUPFD/.test(atomText(call.args[1]?.value) ?? '')) return;
      const from = first.fd === undefined ? undefined : table.get(first.fd);
      if (from) table.set(ret, from);
      return;
    }
    if (/^(clone|clone3|fork|vfork)$/.test(call.name)) {
      if (ret > 0) fds.set(ret, new Map(table));
      return;
    }

    const kind = CALLS[call.name];
    if (!kind) return;
    let fdKind = first.kind ?? (first.fd === undefined ? undefined : table.get(first.fd));
    const buf = call.args[1]?.value;
    if (!fdKind) {
      const addr = kind.addr === undefined ? field(buf, 'msg_name') : call.args[kind.addr]?.value;
      if (isNetlinkSockaddr(addr) || hasNlmsghdr(buf)) fdKind = { netlink: true };
    }
    if (fdKind && !fdKind.netlink) return;
    if (!fdKind && !kind.socketCall) return;
    const sure = fdKind !== undefined;
    if (kind.flags !== undefined && flagsHavePeek(atomText(call.args[kind.flags]?.value))) return;

    let bytes: number[];
    if (c.dump) bytes = c.dump;
    else {
      const got = extract(kind, buf);
      if ('problem' in got) {
        if (!sure && got.problem !== 'decoded') return;
        const where = `strace line ${c.line}: ${call.name}`;
        const why = {
          decoded:
            'shows decoded netlink structures instead of bytes (strace decodes netlink unless -e verbose=none)',
          pointer: 'shows only a pointer, no bytes (add -e read=all -e write=all to dump them)',
          truncated: "has its buffer cut by strace's -s limit",
          unexpected: 'has no buffer strace printed as bytes',
        }[got.problem];
        throw new InputError(`${where} ${why}; ${FIX}`, { line: c.line });
      }
      bytes = got.bytes;
    }
    if (kind.direction === 'from-kernel' && bytes.length > ret) bytes = bytes.slice(0, ret);
    if (bytes.length === 0) return;
    const msg: CapturedMessage = {
      bytes: Uint8Array.from(bytes),
      direction: kind.direction,
      source: `strace line ${c.line}`,
      syscall: call.name,
    };
    if (c.timestamp !== undefined) msg.timestamp = c.timestamp;
    if (c.pid !== undefined) msg.pid = c.pid;
    if (fdKind?.netlink && fdKind.protocol !== undefined) msg.family = fdKind.protocol;
    out.push(msg);
  };

  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    let line = lines[n];
    if (line.endsWith('\r')) line = line.slice(0, -1);

    if (current) {
      if (DUMP_BUFFER.test(line)) {
        current.dump ??= [];
        current.dumpOffset = 0;
        continue;
      }
      const d = DUMP_LINE.exec(line);
      if (d) {
        const offset = Number.parseInt(d[1], 16);
        if (offset !== current.dumpOffset) {
          throw new InputError(
            `strace line ${lineNo}: dump offset 0x${d[1]} does not follow the previous line`,
            {
              line: lineNo,
            },
          );
        }
        current.dump ??= [];
        for (const tok of d[2].slice(0, 50).split(' ')) {
          if (tok === '') continue;
          if (!/^[0-9a-fA-F]{2}$/.test(tok)) {
            throw new InputError(`strace line ${lineNo}: bad byte '${tok}' in a hex dump line`, {
              line: lineNo,
            });
          }
          current.dump.push(Number.parseInt(tok, 16));
          current.dumpOffset++;
        }
        continue;
      }
      finish(current);
      current = undefined;
    }

    let rest = line.trimStart();
    let pid: number | undefined;
    const p = LINE_PID.exec(rest);
    if (p) {
      pid = Number(p[1] ?? p[2]);
      rest = rest.slice(p[0].length).trimStart();
    }
    let timestamp: number | undefined;
    const t = LINE_TIME.exec(rest);
    if (t) {
      timestamp =
        t[5] !== undefined
          ? Number(t[5])
          : Number(t[1]) * 3600 + Number(t[2]) * 60 + Number(`${t[3]}${t[4] ?? ''}`);
      rest = rest.slice(t[0].length);
    }

    const resumed = RESUMED.exec(rest);
    let body: string;
    let name: string;
    if (resumed) {
      name = resumed[1];
      const before = unfinished.get(pid ?? 0);
      unfinished.delete(pid ?? 0);
      const tail = rest.slice(resumed[0].length);
      body = before && before.name === name ? before.text + tail : `${name}(${tail}`;
    } else {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\(/.exec(rest);
      if (!m) continue; // signals, exits, strace's own messages, blank lines
      name = m[1];
      body = rest;
    }
    if (UNFINISHED.test(body)) {
      unfinished.set(pid ?? 0, { name, text: body.replace(UNFINISHED, '') });
      continue;
    }
    const interesting = name in CALLS || /^(socket|close|dup[23]?|fcntl(64)?|clone3?|v?fork)$/.test(name);
    if (!interesting) continue;
    let call: SCall;
    try {
      call = new Scanner(body).call();
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      if (!(name in CALLS)) continue;
      throw new InputError(`strace line ${lineNo}: cannot read this ${name} call (${e.message})`, {
        line: lineNo,
      });
    }
    current = { call, line: lineNo, dumpOffset: 0 };
    if (pid !== undefined) current.pid = pid;
    if (timestamp !== undefined) current.timestamp = timestamp;
  }
  if (current) finish(current);
  return out;
}
