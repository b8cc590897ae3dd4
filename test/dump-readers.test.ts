import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IFLA, IFLA_INFO } from '../src/constants/if_link.js';
import { RTM } from '../src/constants/rtnetlink.js';
import { readPcap } from '../src/debug/io/pcap.js';
import { align } from '../src/netlink/align.js';
import { Connection } from '../src/netlink/connection.js';
import type { EntryView } from '../src/netlink/entry.js';
import { DecodeError } from '../src/netlink/errors.js';
import { readHeader } from '../src/netlink/header.js';
import { decodeBody, type Message } from '../src/netlink/message.js';
import '../src/rtnl/all.js';
import { type LinkAttrs, linkAttrs } from '../src/rtnl/link/attrs.js';
import { readLink, toLink } from '../src/rtnl/link/link.js';
import { type IfInfoMsg, RTM_GETLINK, RTM_NEWLINK } from '../src/rtnl/link/messages.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { runIp, useTestNetns } from './helpers/netns.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');
const BENCH_DATA = path.join(import.meta.dirname, '..', 'bench', 'data');

/** Every RTM_NEWLINK of a capture, as (datagram, offset). */
function linkMessages(bytes: Uint8Array): { buf: Buffer; off: number }[] {
  const out: { buf: Buffer; off: number }[] = [];
  for (const m of readPcap(bytes).messages) {
    if (m.direction !== 'from-kernel') continue;
    const buf = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
    for (let p = 0; p < buf.length; ) {
      const nl = readHeader(buf, p, buf.length);
      if (nl.type === RTM.RTM_NEWLINK) out.push({ buf, off: p });
      p += align(nl.len);
    }
  }
  return out;
}

/** An EntryView over a buffer that is overwritten after the reader returns, as a socket's is. */
function view(buf: Buffer, off: number): { entry: EntryView; scribble(): void } {
  const rx = Buffer.from(buf);
  let copy: Buffer | undefined;
  const entry: EntryView = {
    buf: rx,
    off,
    nl: readHeader(rx, off, rx.length),
    stable: () => {
      copy ??= Buffer.from(rx);
      return copy;
    },
  };
  return { entry, scribble: () => rx.fill(0xa5) };
}

const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));

describe('readLink (lazy links, as Links.list reads them)', () => {
  const captures = [
    fs.readFileSync(path.join(FIXTURES, 'link-dump.pcap')),
    zlib.gunzipSync(fs.readFileSync(path.join(BENCH_DATA, 'links.pcap.gz'))),
  ];

  it('gives the same Link as the eager decoder for every link of two real dumps, after the receive buffer is reused', () => {
    let n = 0;
    for (const bytes of captures) {
      for (const { buf, off } of linkMessages(bytes)) {
        const eager = toLink(
          decodeBody(RTM_NEWLINK, buf, off, readHeader(buf, off, buf.length)) as Message<
            IfInfoMsg,
            LinkAttrs
          >,
        );
        const v = view(buf, off);
        const lazy = readLink(v.entry);
        v.scribble();
        expect(lazy).toBeDefined();
        expect(plain(lazy)).toEqual(plain(eager));
        expect(lazy?.attrs).toEqual(eager.attrs);
        expect(lazy?.stats64).toEqual(eager.stats64);
        expect(lazy?.data).toEqual(eager.data);
        n++;
      }
    }
    expect(n).toBeGreaterThan(2000);
  });

  it('keeps attrs, data, slaveData and stats64 out of a spread, and in JSON', () => {
    const [{ buf, off }] = linkMessages(captures[0]);
    const link = readLink(view(buf, off).entry);
    if (!link) throw new Error('no link');
    expect(Object.keys({ ...link })).not.toContain('attrs');
    const json = JSON.parse(JSON.stringify(link, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
    expect(json.attrs.ifname).toBe(link.name);
    expect(json.stats64.rxPackets).toBe(String(link.stats64?.rxPackets));
  });

  it('throws only DecodeError on any message, eagerly for the header and framing, lazily for the rest', () => {
    const attr = fc
      .tuple(fc.constantFrom(...Object.values(IFLA)), fc.uint8Array({ maxLength: 40 }), fc.boolean())
      .map(([type, data, nested]) => {
        const b = Buffer.alloc(align(4 + data.length));
        b.writeUInt16LE(4 + data.length, 0);
        b.writeUInt16LE(type | (nested ? 0x8000 : 0), 2);
        b.set(data, 4);
        return b;
      });
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 20 }),
        fc.array(attr, { maxLength: 8 }),
        fc.nat(3),
        (hdr, attrs, cut) => {
          const body = Buffer.concat([Buffer.from(hdr), ...attrs]);
          const msg = Buffer.alloc(16 + body.length);
          msg.writeUInt32LE(msg.length, 0);
          msg.writeUInt16LE(RTM.RTM_NEWLINK, 4);
          body.copy(msg, 16);
          const buf = msg.subarray(0, Math.max(16, msg.length - cut));
          buf.writeUInt32LE(buf.length, 0);
          try {
            const link = readLink(view(buf, 0).entry);
            void link?.attrs;
          } catch (e) {
            if (!(e instanceof DecodeError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('AttrSet.picker', () => {
  const shape = { ifname: true, mtu: true, linkinfo: { kind: true } } as const;
  const pick = linkAttrs.picker(shape);

  it('decodes only what it names, the same as the full decoder', () => {
    for (const { buf, off } of linkMessages(fs.readFileSync(path.join(FIXTURES, 'link-dump.pcap')))) {
      const m = decodeBody(RTM_NEWLINK, buf, off, readHeader(buf, off, buf.length));
      const a = m.attrs as LinkAttrs;
      const start = off + 32;
      const got = pick(buf, start, m.nl.len - 32, {});
      const want: Partial<LinkAttrs> = {};
      if (a.ifname !== undefined) want.ifname = a.ifname;
      if (a.mtu !== undefined) want.mtu = a.mtu;
      if (a.linkinfo !== undefined)
        want.linkinfo = a.linkinfo.kind !== undefined ? { kind: a.linkinfo.kind } : {};
      expect(got).toEqual(want);
    }
  });

  it('is one compiled decoder per shape, and refuses unknown keys and selectors', () => {
    expect(linkAttrs.picker(shape)).toBe(pick);
    expect(() => linkAttrs.picker({ nope: true })).toThrow(/cannot pick nope/);
    expect(() => linkAttrs.picker({ linkinfo: { data: true } })).toThrow(/cannot pick data/);
    expect(IFLA_INFO.IFLA_INFO_DATA).toBeGreaterThan(0);
  });
});

describe('Connection.dumpMap against the kernel', () => {
  const ns = useTestNetns('dumpmap');

  it('converts entries as they arrive, leaves out those the reader drops, and stable() survives later datagrams', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => `link add nlwd${i} type veth peer name nlwe${i}`);
    const file = path.join(os.tmpdir(), `nlw-dumpmap-${process.pid}.batch`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    try {
      await runIp(ns.name, ['-batch', file]);
    } finally {
      fs.rmSync(file, { force: true });
    }
    const c = Connection.open(rtnetlink, { netns: ns.name });
    try {
      const kept: { name: string; buf: Buffer; off: number; len: number }[] = [];
      const datagrams = new Set<Buffer>();
      const names = await c.dumpMap(RTM_GETLINK, {}, {}, (e) => {
        const m = decodeBody(RTM_NEWLINK, e.buf, e.off, e.nl) as Message<IfInfoMsg, LinkAttrs>;
        const name = m.attrs.ifname ?? '';
        if (name === 'lo') return undefined;
        const stable = e.stable();
        expect(e.stable()).toBe(stable);
        datagrams.add(stable);
        kept.push({ name, buf: stable, off: e.off, len: e.nl.len });
        return name;
      });
      expect(names).toHaveLength(120);
      expect(names).not.toContain('lo');
      // 120 links do not fit one datagram: the copies must outlive the reused receive buffer.
      expect(datagrams.size).toBeGreaterThan(1);
      for (const k of kept) {
        const m = decodeBody(RTM_NEWLINK, k.buf, k.off, readHeader(k.buf, k.off, k.off + k.len));
        expect((m.attrs as LinkAttrs).ifname).toBe(k.name);
      }
    } finally {
      await c.close();
    }
  });
});
