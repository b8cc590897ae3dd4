/**
 * A netlink socket: open (optionally inside a network namespace), options, send and receive.
 *
 * I/O model (measured, see docs/io-model.md): the kernel handles a NETLINK_ROUTE request inside
 * sendmsg(2), so replies are already queued when the send returns, and a dump's next chunk is made
 * inside the recvmsg(2) that takes the previous one. nlwire therefore sends on a libuv pool thread
 * (the kernel's work, and any wait for the rtnl lock, stay off the event loop) and takes replies with
 * non-blocking receives on the event loop; only when nothing is queued yet does it wait on a pool
 * thread, with SO_RCVTIMEO bounding how long that thread is held.
 */
import { ERRNO, ERRNO_NAMES } from '../constants/errno.js';
import { NETLINK_SOCKOPT } from '../constants/netlink.js';
import { AF, MSG, SO, SOCK, SOL } from '../constants/socket.js';
import { runInNetns } from '../netns/enter.js';
import type { NetnsRef } from '../netns/ref.js';
import { ClosedError, SystemError, TruncatedError } from './errors.js';
import {
  type SysResult,
  sysBind,
  sysClose,
  sysGetsockname,
  sysRecvfrom,
  sysRecvfromAsync,
  sysSendto,
  sysSendtoAsync,
  sysSetsockopt,
  sysSocket,
} from './libc.js';

/** SOL_NETLINK (linux/socket.h). */
export const SOL_NETLINK = 270;

/** Options for {@link NetlinkSocket.open}. */
export interface SocketOptions {
  /** Netlink protocol (NETLINK_ROUTE is 0). */
  protocol: number;
  /** Multicast groups to join (group numbers, e.g. RTNLGRP_LINK). */
  groups?: readonly number[];
  /** Open the socket inside this network namespace (the thread switches back at once). */
  netns?: NetnsRef;
  /** Receive buffer size in bytes (SO_RCVBUFFORCE when permitted, else SO_RCVBUF). Default 4 MiB. */
  rcvbuf?: number;
  /** Send buffer size in bytes (SO_SNDBUFFORCE when permitted). Default 4 MiB. */
  sndbuf?: number;
  /** Ask for extended acks (NETLINK_EXT_ACK). Default true. */
  extAck?: boolean;
  /** Strict checking of dump requests (NETLINK_GET_STRICT_CHK). Default true. */
  strictCheck?: boolean;
  /** Cap acks to the request's header (NETLINK_CAP_ACK). Default false: the request is echoed. */
  capAck?: boolean;
  /** Receive events of every namespace with an nsid (NETLINK_LISTEN_ALL_NSID). Default false. */
  listenAllNsid?: boolean;
  /** How long a waiting pool thread blocks before checking again, in ms (SO_RCVTIMEO). Default 100. */
  waitSliceMs?: number;
  /** Size of the reusable receive buffer in bytes. Default 1 MiB. */
  recvBufferSize?: number;
}

/** A received datagram: a view of the socket's receive buffer, valid until the next receive. */
export interface Datagram {
  /** The bytes; a view into the reusable buffer. */
  data: Buffer;
  /** nl_pid of the sender (0 for the kernel). */
  senderPort: number;
  /** nl_groups the datagram was sent to (0 for unicast). */
  groups: number;
}

/** Counters kept by a socket. */
export interface SocketStats {
  /** Datagrams received. */
  received: number;
  /** Datagrams dropped because they did not come from the kernel. */
  droppedForeign: number;
  /** Datagrams sent. */
  sent: number;
}

function errnoName(n: number): string {
  return ERRNO_NAMES[n] ?? `errno ${n}`;
}

function check(r: SysResult, call: string, hint?: string): number {
  if (r.value < 0) throw new SystemError(call, r.errno, errnoName(r.errno), hint);
  return r.value;
}

const KERNEL = (() => {
  const a = Buffer.alloc(12);
  a.writeUInt16LE(AF.AF_NETLINK, 0);
  return a;
})();

/** An open AF_NETLINK socket. */
export class NetlinkSocket {
  /** The file descriptor (-1 once closed). */
  fd: number;
  /** The port id the kernel assigned (nl_pid). */
  readonly portId: number;
  /** The netlink protocol. */
  readonly protocol: number;
  /** Counters. */
  readonly stats: SocketStats = { received: 0, droppedForeign: 0, sent: 0 };
  private readonly rx: Buffer;
  private readonly from = Buffer.alloc(12);
  private readonly fromLen = Buffer.alloc(4);
  private waiting: Promise<unknown> | undefined;
  /** Calls running on pool threads; the fd is closed only after they return. */
  private readonly inflight = new Set<Promise<unknown>>();

  private constructor(fd: number, portId: number, protocol: number, recvBufferSize: number) {
    this.fd = fd;
    this.portId = portId;
    this.protocol = protocol;
    this.rx = Buffer.allocUnsafe(recvBufferSize);
  }

  /** Opens, configures and binds a netlink socket. Throws SystemError (EPERM, EPROTONOSUPPORT...). */
  static open(opts: SocketOptions): NetlinkSocket {
    const create = (): number =>
      check(sysSocket(AF.AF_NETLINK, SOCK.SOCK_RAW | SOCK.SOCK_CLOEXEC, opts.protocol), 'socket(AF_NETLINK)');
    const fd = opts.netns === undefined ? create() : runInNetns(opts.netns, create);
    try {
      const int = (v: number) => {
        const b = Buffer.alloc(4);
        b.writeInt32LE(v);
        return b;
      };
      const rcv = opts.rcvbuf ?? 4 << 20;
      if (sysSetsockopt(fd, SOL.SOL_SOCKET, SO.SO_RCVBUFFORCE, int(rcv)).value < 0)
        check(sysSetsockopt(fd, SOL.SOL_SOCKET, SO.SO_RCVBUF, int(rcv)), 'setsockopt(SO_RCVBUF)');
      const snd = opts.sndbuf ?? 4 << 20;
      if (sysSetsockopt(fd, SOL.SOL_SOCKET, SO.SO_SNDBUFFORCE, int(snd)).value < 0)
        check(sysSetsockopt(fd, SOL.SOL_SOCKET, SO.SO_SNDBUF, int(snd)), 'setsockopt(SO_SNDBUF)');
      const tv = Buffer.alloc(16);
      const slice = opts.waitSliceMs ?? 100;
      tv.writeBigInt64LE(BigInt(Math.floor(slice / 1000)), 0);
      tv.writeBigInt64LE(BigInt((slice % 1000) * 1000), 8);
      check(sysSetsockopt(fd, SOL.SOL_SOCKET, SO.SO_RCVTIMEO, tv), 'setsockopt(SO_RCVTIMEO)');
      // Options the running kernel may lack are best effort.
      if (opts.extAck ?? true) sysSetsockopt(fd, SOL_NETLINK, NETLINK_SOCKOPT.NETLINK_EXT_ACK, int(1));
      if (opts.strictCheck ?? true)
        sysSetsockopt(fd, SOL_NETLINK, NETLINK_SOCKOPT.NETLINK_GET_STRICT_CHK, int(1));
      if (opts.capAck) sysSetsockopt(fd, SOL_NETLINK, NETLINK_SOCKOPT.NETLINK_CAP_ACK, int(1));
      if (opts.listenAllNsid)
        check(
          sysSetsockopt(fd, SOL_NETLINK, NETLINK_SOCKOPT.NETLINK_LISTEN_ALL_NSID, int(1)),
          'setsockopt(NETLINK_LISTEN_ALL_NSID)',
        );
      const addr = Buffer.alloc(12);
      addr.writeUInt16LE(AF.AF_NETLINK, 0);
      check(sysBind(fd, addr), 'bind(AF_NETLINK)');
      for (const g of opts.groups ?? [])
        check(
          sysSetsockopt(fd, SOL_NETLINK, NETLINK_SOCKOPT.NETLINK_ADD_MEMBERSHIP, int(g)),
          `setsockopt(NETLINK_ADD_MEMBERSHIP ${g})`,
        );
      const len = Buffer.alloc(4);
      len.writeUInt32LE(12);
      check(sysGetsockname(fd, addr, len), 'getsockname');
      return new NetlinkSocket(fd, addr.readUInt32LE(4), opts.protocol, opts.recvBufferSize ?? 1 << 20);
    } catch (e) {
      sysClose(fd);
      throw e;
    }
  }

  /** Joins a multicast group (NETLINK_ADD_MEMBERSHIP). */
  addMembership(group: number): void {
    this.setInt(NETLINK_SOCKOPT.NETLINK_ADD_MEMBERSHIP, group, 'NETLINK_ADD_MEMBERSHIP');
  }

  /** Leaves a multicast group (NETLINK_DROP_MEMBERSHIP). */
  dropMembership(group: number): void {
    this.setInt(NETLINK_SOCKOPT.NETLINK_DROP_MEMBERSHIP, group, 'NETLINK_DROP_MEMBERSHIP');
  }

  /** Sets an int SOL_NETLINK option. */
  setInt(option: number, value: number, name = `option ${option}`, level = SOL_NETLINK): void {
    this.assertOpen();
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    check(sysSetsockopt(this.fd, level, option, b), `setsockopt(${name})`);
  }

  /** Sends buf[0, len) to the kernel on the calling thread. */
  sendSync(buf: Buffer, len = buf.length): void {
    this.assertOpen();
    for (;;) {
      const r = sysSendto(this.fd, buf, len, 0, KERNEL);
      if (r.value < 0 && r.errno === ERRNO.EINTR) continue;
      check(r, 'sendto');
      this.stats.sent++;
      return;
    }
  }

  /** Sends buf[0, len) to the kernel from a libuv pool thread. */
  async send(buf: Buffer, len = buf.length): Promise<void> {
    this.assertOpen();
    for (;;) {
      const r = await this.track(sysSendtoAsync(this.fd, buf, len, 0, KERNEL));
      if (r.value < 0 && r.errno === ERRNO.EINTR) continue;
      check(r, 'sendto');
      this.stats.sent++;
      return;
    }
  }

  /**
   * Takes one queued datagram without waiting; undefined when none is queued. Datagrams from
   * anyone but the kernel are dropped and counted. Throws TruncatedError, SystemError (ENOBUFS...).
   */
  tryRecv(): Datagram | undefined {
    for (;;) {
      this.assertOpen();
      this.fromLen.writeUInt32LE(12);
      const r = sysRecvfrom(this.fd, this.rx, MSG.MSG_DONTWAIT | MSG.MSG_TRUNC, this.from, this.fromLen);
      if (r.value < 0) {
        if (r.errno === ERRNO.EAGAIN) return undefined;
        if (r.errno === ERRNO.EINTR) continue;
        check(r, 'recvfrom');
      }
      const d = this.accept(r.value);
      if (d) return d;
    }
  }

  /** Waits (on a pool thread, in slices of SO_RCVTIMEO) until a datagram is queued, then takes it. */
  async recv(): Promise<Datagram> {
    for (;;) {
      const now = this.tryRecv();
      if (now) return now;
      await this.waitReadable();
    }
  }

  /** Resolves once a datagram may be queued (after one bounded blocking peek on a pool thread). */
  waitReadable(): Promise<void> {
    this.assertOpen();
    if (!this.waiting) {
      const peek = Buffer.alloc(1);
      const from = Buffer.alloc(12);
      const len = Buffer.alloc(4);
      len.writeUInt32LE(12);
      this.waiting = this.track(sysRecvfromAsync(this.fd, peek, MSG.MSG_PEEK, from, len)).finally(() => {
        this.waiting = undefined;
      });
    }
    return this.waiting.then(() => undefined);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  private accept(n: number): Datagram | undefined {
    this.stats.received++;
    if (n > this.rx.length) throw new TruncatedError(n, this.rx.length);
    const sender = this.from.readUInt32LE(4);
    if (sender !== 0) {
      this.stats.droppedForeign++;
      return undefined;
    }
    return { data: this.rx.subarray(0, n), senderPort: sender, groups: this.from.readUInt32LE(8) };
  }

  private closing = false;

  private assertOpen(): void {
    if (this.fd < 0 || this.closing) throw new ClosedError('netlink socket is closed');
  }

  /** True once closed. */
  get closed(): boolean {
    return this.fd < 0 || this.closing;
  }

  /** Closes the socket, after every call running on a pool thread for it has returned. */
  async close(): Promise<void> {
    if (this.fd < 0) return;
    this.closing = true;
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
    this.closeSync();
  }

  /** Closes the socket now. Not while a pool thread uses it (the fd number could be reused under it): prefer {@link close}. */
  closeSync(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    sysClose(fd);
  }
}
