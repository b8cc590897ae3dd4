/**
 * Measures the ways nlwire could move bytes between the event loop and a netlink socket, so the
 * choice in src/netlink/socket.ts rests on numbers (see docs/io-model.md). Run: npx tsx bench/io-options.ts
 */
import fs from 'node:fs';
import { AF, MSG, SO, SOCK, SOL } from '../src/constants/socket.js';
import {
  sysClose,
  sysRecvfrom,
  sysRecvfromAsync,
  sysSendto,
  sysSendtoAsync,
  sysSetsockopt,
  sysSocket,
} from '../src/netlink/libc.js';

const N = 3000;
// Non-blocking, so fs.readSync on an empty queue returns EAGAIN instead of waiting.
const fd = sysSocket(AF.AF_NETLINK, SOCK.SOCK_RAW | SOCK.SOCK_CLOEXEC | SOCK.SOCK_NONBLOCK, 0).value;
const rcvbuf = Buffer.alloc(4);
rcvbuf.writeInt32LE(8 << 20);
sysSetsockopt(fd, SOL.SOL_SOCKET, SO.SO_RCVBUFFORCE, rcvbuf);
const kernel = Buffer.alloc(12);
kernel.writeUInt16LE(AF.AF_NETLINK, 0);
const rx = Buffer.allocUnsafe(1 << 20);
const from = Buffer.alloc(12);
const flen = Buffer.alloc(4);

// RTM_GETLINK for ifindex 1 (lo) with NLM_F_REQUEST|NLM_F_ACK: one reply and one ack.
const req = Buffer.alloc(32);
req.writeUInt32LE(32, 0);
req.writeUInt16LE(18, 4);
req.writeUInt16LE(0x5, 6);
req.writeInt32LE(1, 20);

function countMessages(n: number): number {
  let p = 0;
  let c = 0;
  while (p + 16 <= n) {
    c++;
    p += (rx.readUInt32LE(p) + 3) & ~3;
  }
  return c;
}

function syncDrain(want: number): void {
  let got = 0;
  while (got < want) {
    flen.writeUInt32LE(12);
    const r = sysRecvfrom(fd, rx, MSG.MSG_TRUNC, from, flen);
    if (r.value < 0) throw new Error(`recvfrom errno ${r.errno}`);
    got += countMessages(r.value);
  }
}

async function time(name: string, fn: (i: number) => unknown): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < N; i++) await fn(i);
  const us = ((performance.now() - t) * 1000) / N;
  console.log(`${name.padEnd(58)} ${us.toFixed(1).padStart(7)} us`);
  return us;
}

console.log(`${N} rounds each: RTM_GETLINK lo + ack (2 messages) unless said otherwise`);
await time('ffi-rs call overhead: recvfrom MSG_DONTWAIT on empty queue', () => {
  flen.writeUInt32LE(12);
  sysRecvfrom(fd, rx, MSG.MSG_DONTWAIT, from, flen);
});
await time('fs.readSync on the fd, empty queue (EAGAIN thrown)', () => {
  try {
    fs.readSync(fd, rx);
  } catch {
    /* EAGAIN */
  }
});
await time('all sync: sendto + recvfrom on the event loop', () => {
  sysSendto(fd, req, 32, 0, kernel);
  syncDrain(2);
});
await time('chosen: sendto on the pool, then sync non-blocking drain', async () => {
  await sysSendtoAsync(fd, req, 32, 0, kernel);
  syncDrain(2);
});
await time('all async: sendto and recvfrom both on the pool', async () => {
  await sysSendtoAsync(fd, req, 32, 0, kernel);
  let got = 0;
  while (got < 2) {
    flen.writeUInt32LE(12);
    const r = await sysRecvfromAsync(fd, rx, MSG.MSG_TRUNC, from, flen);
    got += countMessages(r.value);
  }
});
// 100 requests in one datagram: the cost of the pool hop is shared.
const batch = Buffer.concat(Array.from({ length: 100 }, () => req));
const perReq = await time('chosen, 100 requests per datagram (per datagram)', async () => {
  await sysSendtoAsync(fd, batch, batch.length, 0, kernel);
  syncDrain(200);
});
console.log(`${'  = per request'.padEnd(58)} ${(perReq / 100).toFixed(1).padStart(7)} us`);
sysClose(fd);
