/**
 * The only native code in nlwire: a few libc calls through ffi-rs.
 *
 * socket, bind, setsockopt, getsockname, sendto/recvfrom (the flat forms of sendmsg/recvmsg),
 * close, setns, unshare, mount and umount2. Buffers are passed by pointer (ffi-rs U8Array is
 * zero-copy), so the kernel writes straight into the caller's Buffer. Every call returns the raw
 * result and errno; callers turn errno into errors.
 */
import { createRequire } from 'node:module';
import type { DataType as FfiDataType } from 'ffi-rs';

type Ffi = typeof import('ffi-rs');

/**
 * Loads ffi-rs with the network left out of Node's diagnostic report. ffi-rs asks for that report
 * while it loads (to tell glibc from musl), and the report lists every interface and address: two
 * rtnetlink dumps, 25-30 ms in a namespace of 2,000 links and 5,000 addresses. The caller's setting
 * is put back at once. A plain require here, not an import, so no loader can evaluate ffi-rs first.
 */
function loadFfi(): Ffi {
  const report = process.report as unknown as { excludeNetwork?: boolean } | undefined;
  const previous = report?.excludeNetwork;
  if (report !== undefined && previous !== undefined) report.excludeNetwork = true;
  try {
    return createRequire(import.meta.url)('ffi-rs') as Ffi;
  } finally {
    if (report !== undefined && previous !== undefined) report.excludeNetwork = previous;
  }
}

const { DataType, define, load, open } = loadFfi();

const LIB = 'libc';
open({ library: LIB, path: 'libc.so.6' });

const I32 = DataType.I32;
const BUF = DataType.U8Array;
const STR = DataType.String;
const I64 = DataType.I64;

const SENDTO = [I32, BUF, I64, I32, BUF, I32];
const RECVFROM = [I32, BUF, I64, I32, BUF, BUF];

const fns = define({
  socket: { library: LIB, retType: I32, paramsType: [I32, I32, I32], errno: true },
  bind: { library: LIB, retType: I32, paramsType: [I32, BUF, I32], errno: true },
  setsockopt: { library: LIB, retType: I32, paramsType: [I32, I32, I32, BUF, I32], errno: true },
  getsockname: { library: LIB, retType: I32, paramsType: [I32, BUF, BUF], errno: true },
  sendto: { library: LIB, retType: I64, paramsType: SENDTO, errno: true },
  recvfrom: { library: LIB, retType: I64, paramsType: RECVFROM, errno: true },
  close: { library: LIB, retType: I32, paramsType: [I32], errno: true },
  setns: { library: LIB, retType: I32, paramsType: [I32, I32], errno: true },
  unshare: { library: LIB, retType: I32, paramsType: [I32], errno: true },
  mount: { library: LIB, retType: I32, paramsType: [STR, STR, STR, I64, STR], errno: true },
  umount2: { library: LIB, retType: I32, paramsType: [STR, I32], errno: true },
});

/** Result of a libc call: the return value and errno (0 when the call succeeded). */
export interface SysResult {
  /** The C return value (-1 on failure for these calls). */
  readonly value: number;
  /** errno after the call; meaningful only when value is -1. */
  readonly errno: number;
}

type Raw = { value: number; errnoCode: number };
const wrap = (r: Raw): SysResult => ({ value: Number(r.value), errno: r.value < 0 ? r.errnoCode : 0 });

/** socket(2). */
export const sysSocket = (domain: number, type: number, protocol: number): SysResult =>
  wrap(fns.socket([domain, type, protocol]) as Raw);
/** bind(2) with a raw sockaddr. */
export const sysBind = (fd: number, addr: Buffer): SysResult =>
  wrap(fns.bind([fd, addr, addr.length]) as Raw);
/** setsockopt(2) with a raw option value. */
export const sysSetsockopt = (fd: number, level: number, name: number, value: Buffer): SysResult =>
  wrap(fns.setsockopt([fd, level, name, value, value.length]) as Raw);
/** getsockname(2): fills addr, lenBuf holds the socklen_t in and out. */
export const sysGetsockname = (fd: number, addr: Buffer, lenBuf: Buffer): SysResult =>
  wrap(fns.getsockname([fd, addr, lenBuf]) as Raw);
/** sendto(2) of buf[0, len). */
export const sysSendto = (fd: number, buf: Buffer, len: number, flags: number, addr: Buffer): SysResult =>
  wrap(fns.sendto([fd, buf, len, flags, addr, addr.length]) as Raw);
/** recvfrom(2) into buf; addr and lenBuf receive the sender. */
export const sysRecvfrom = (
  fd: number,
  buf: Buffer,
  flags: number,
  addr: Buffer,
  lenBuf: Buffer,
): SysResult => wrap(fns.recvfrom([fd, buf, buf.length, flags, addr, lenBuf]) as Raw);
/** close(2). */
export const sysClose = (fd: number): SysResult => wrap(fns.close([fd]) as Raw);
/** setns(2). */
export const sysSetns = (fd: number, nstype: number): SysResult => wrap(fns.setns([fd, nstype]) as Raw);
/** unshare(2). */
export const sysUnshare = (flags: number): SysResult => wrap(fns.unshare([flags]) as Raw);
/** mount(2); data is passed as an empty string when not needed. */
export const sysMount = (
  source: string,
  target: string,
  fstype: string,
  flags: number,
  data = '',
): SysResult => wrap(fns.mount([source, target, fstype, flags, data]) as Raw);
/** umount2(2). */
export const sysUmount2 = (target: string, flags: number): SysResult =>
  wrap(fns.umount2([target, flags]) as Raw);

function asyncCall(funcName: string, paramsType: FfiDataType[], paramsValue: unknown[]): Promise<SysResult> {
  const p = load({
    library: LIB,
    funcName,
    retType: I64,
    paramsType,
    paramsValue,
    errno: true,
    runInNewThread: true,
  }) as unknown as Promise<Raw>;
  return p.then(wrap);
}

/** sendto(2) on a libuv pool thread: the kernel's work for the request happens off the event loop. */
export const sysSendtoAsync = (
  fd: number,
  buf: Buffer,
  len: number,
  flags: number,
  addr: Buffer,
): Promise<SysResult> => asyncCall('sendto', SENDTO, [fd, buf, len, flags, addr, addr.length]);

/** recvfrom(2) on a libuv pool thread, for waits that may block briefly. */
export const sysRecvfromAsync = (
  fd: number,
  buf: Buffer,
  flags: number,
  addr: Buffer,
  lenBuf: Buffer,
): Promise<SysResult> => asyncCall('recvfrom', RECVFROM, [fd, buf, buf.length, flags, addr, lenBuf]);
