/**
 * The receiving thread of a {@link Monitor}: a worker (node:worker_threads) that does blocking
 * recvfrom(2) on a netlink socket in a loop and posts what it gets to the main thread.
 *
 * Why a thread of its own: a monitor waits for ever, and a wait on libuv's pool would hold one of its
 * 4 threads (shared with fs and DNS) for the monitor's whole life. The worker runs from a JavaScript
 * source string (`eval: true`), so it works the same from the TypeScript sources and from `dist/`; it
 * loads ffi-rs by the absolute path the main thread resolved. ffi-rs must be loaded in the main thread
 * before any worker loads it (it crashes otherwise): importing this module imports libc.ts, which does.
 *
 * The socket is opened, configured and closed by the main thread; the worker only receives on its fd.
 * SO_RCVTIMEO (set by NetlinkSocket) makes each blocking recvfrom return periodically, so the worker
 * sees the stop flag within one timeout; the fd is closed only after the thread has exited.
 *
 * Flow control: the worker holds at most `queueLimit` datagrams that the main thread has not released
 * yet ({@link Receiver.release}). At the limit it stops receiving, the socket's receive buffer fills,
 * and the kernel reports the events it had to drop as ENOBUFS: memory stays bounded and every loss is
 * reported, even while the main thread's event loop is busy. On ENOBUFS the worker drains the socket
 * at once (up to twice the limit), because the kernel delivers nothing more to the socket, and reports
 * nothing more, until its queue is empty; the `enobufs` item comes once the queue has been emptied,
 * after the datagrams that were queued then.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ERRNO } from '../constants/errno.js';
import { MSG } from '../constants/socket.js';
import './libc.js';

/** Something the receiving thread got, in the order it got it. */
export type ReceivedItem =
  | {
      /** A datagram. */
      readonly kind: 'datagram';
      /** Its bytes (transferred from the worker, owned by the receiver). */
      readonly data: ArrayBuffer;
      /** nl_pid of the sender (0 for the kernel). */
      readonly sender: number;
      /** nl_groups: bit (group - 1) of the multicast group it was sent to; 0 for unicast or groups above 32. */
      readonly groups: number;
    }
  | {
      /**
       * recvfrom failed with ENOBUFS: the socket's receive buffer overflowed and events were lost. Comes
       * after the datagrams queued before the loss, once the socket's queue has been emptied.
       */
      readonly kind: 'enobufs';
    }
  | {
      /** A datagram larger than the receive buffer: its bytes are lost. */
      readonly kind: 'truncated';
      /** The datagram's real length. */
      readonly length: number;
      /** The receive buffer's length. */
      readonly capacity: number;
    }
  | {
      /** recvfrom failed with another errno; the thread has stopped. */
      readonly kind: 'failed';
      /** The errno. */
      readonly errno: number;
    };

/** Options of {@link Receiver.start}. */
export interface ReceiverOptions {
  /** The netlink socket's fd: open, bound, with SO_RCVTIMEO set. Not closed by the receiver. */
  readonly fd: number;
  /** Size of the worker's receive buffer in bytes (larger datagrams are reported as truncated). */
  readonly bufferSize: number;
  /** Most datagrams posted to the main thread and not yet released. */
  readonly queueLimit: number;
  /** Most datagrams posted together in one message to the main thread. Default 64. */
  readonly batchSize?: number;
  /** Called in the main thread with what the worker received, in order. */
  readonly onItems: (items: ReceivedItem[]) => void;
  /** Called in the main thread if the worker itself fails (it has stopped then). */
  readonly onError: (error: Error) => void;
}

// Indexes in the shared control array.
const STOP = 0;
const INFLIGHT = 1;

// The worker's program. Plain JavaScript (CommonJS), run with `eval: true`.
const WORKER_SOURCE = `'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const ffi = require(workerData.ffiPath);
const LIB = 'nlwire-monitor-libc';
ffi.open({ library: LIB, path: 'libc.so.6' });
const T = ffi.DataType;
const { recvfrom } = ffi.define({
  recvfrom: {
    library: LIB,
    retType: T.I64,
    paramsType: [T.I32, T.U8Array, T.I64, T.I32, T.U8Array, T.U8Array],
    errno: true,
  },
});
const { fd, bufferSize, queueLimit, batchSize, c } = workerData;
const ctrl = new Int32Array(workerData.control);
const buf = Buffer.allocUnsafe(bufferSize);
const from = Buffer.alloc(12);
const fromLen = Buffer.alloc(4);
let items = [];
let transfer = [];
const flush = () => {
  if (items.length === 0) return;
  parentPort.postMessage(items, transfer);
  items = [];
  transfer = [];
};
// After ENOBUFS the kernel drops every event for this socket until a receive empties its queue
// (NETLINK_S_CONGESTED), and says nothing more: drain the queue at once, up to twice the queue limit,
// and report the overrun once it is empty, so that no event after the report is lost silently.
let draining = false;
while (Atomics.load(ctrl, c.STOP) === 0) {
  const inflight = Atomics.load(ctrl, c.INFLIGHT);
  if (inflight >= (draining ? 2 * queueLimit : queueLimit)) {
    flush();
    Atomics.wait(ctrl, c.INFLIGHT, inflight, c.WAIT_MS);
    continue;
  }
  // Block for the first datagram of a batch (up to SO_RCVTIMEO), then take what is already queued.
  const wait = items.length === 0 && !draining;
  fromLen.writeUInt32LE(12);
  const r = recvfrom([fd, buf, bufferSize, c.MSG_TRUNC | (wait ? 0 : c.MSG_DONTWAIT), from, fromLen]);
  const n = Number(r.value);
  if (n < 0) {
    const e = r.errnoCode;
    if (e === c.EINTR) continue;
    if (e === c.ENOBUFS) {
      draining = true;
      continue;
    }
    if (e === c.EAGAIN) {
      if (draining) items.push({ kind: 'enobufs' });
      draining = false;
      flush();
      continue;
    }
    items.push({ kind: 'failed', errno: e });
    flush();
    break;
  }
  if (n > bufferSize) {
    items.push({ kind: 'truncated', length: n, capacity: bufferSize });
  } else {
    const data = buf.buffer.slice(buf.byteOffset, buf.byteOffset + n);
    Atomics.add(ctrl, c.INFLIGHT, 1);
    items.push({ kind: 'datagram', data, sender: from.readUInt32LE(4), groups: from.readUInt32LE(8) });
    transfer.push(data);
  }
  if (items.length >= batchSize) flush();
}
if (draining) items.push({ kind: 'enobufs' });
flush();
`;

const FFI_PATH = createRequire(import.meta.url).resolve('ffi-rs');

/** The receiving thread of one socket. */
export class Receiver {
  private readonly worker: Worker;
  private readonly control: Int32Array;
  private readonly exited: Promise<void>;
  private running = true;

  private constructor(opts: ReceiverOptions) {
    const control = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    this.control = new Int32Array(control);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      name: `nlwire monitor fd ${opts.fd}`,
      workerData: {
        ffiPath: FFI_PATH,
        fd: opts.fd,
        bufferSize: opts.bufferSize,
        queueLimit: opts.queueLimit,
        batchSize: opts.batchSize ?? 64,
        control,
        c: {
          STOP,
          INFLIGHT,
          WAIT_MS: 100,
          MSG_TRUNC: MSG.MSG_TRUNC,
          MSG_DONTWAIT: MSG.MSG_DONTWAIT,
          EAGAIN: ERRNO.EAGAIN,
          EINTR: ERRNO.EINTR,
          ENOBUFS: ERRNO.ENOBUFS,
        },
      },
    });
    this.worker.on('message', (items: ReceivedItem[]) => opts.onItems(items));
    this.worker.on('error', (e: Error) => opts.onError(e));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.running = false;
        resolve();
      }),
    );
  }

  /** Starts a receiving thread on an open netlink socket. */
  static start(opts: ReceiverOptions): Receiver {
    return new Receiver(opts);
  }

  /** The worker's thread id (-1 once it has exited). */
  get threadId(): number {
    return this.running ? this.worker.threadId : -1;
  }

  /** Whether the thread is still running. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Gives back `n` datagrams of the queue limit: the main thread is done with them. */
  release(n: number): void {
    if (n <= 0) return;
    Atomics.sub(this.control, INFLIGHT, n);
    Atomics.notify(this.control, INFLIGHT);
  }

  /**
   * Asks the thread to stop and resolves once it has exited (within one SO_RCVTIMEO of the socket, or
   * the 100 ms flow-control wait). Only then may the fd be closed.
   */
  stop(): Promise<void> {
    Atomics.store(this.control, STOP, 1);
    Atomics.notify(this.control, INFLIGHT);
    return this.exited;
  }
}
