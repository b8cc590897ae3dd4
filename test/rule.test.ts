import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connection } from '../src/netlink/connection.js';
import { ValidationError } from '../src/netlink/errors.js';
import { NetlinkError } from '../src/netlink/netlink-error.js';
import { rtnetlink } from '../src/rtnl/protocol.js';
import { type Rule, type RuleSpec, Rules } from '../src/rtnl/rule/api.js';
import { ipJson, kernelSkipReason, runIp, useTestNetns } from './helpers/netns.js';

type IpRule = Record<string, unknown>;

// The names ip prints, for the values these tests use.
const TABLE_NAMES: Record<number, string> = { 253: 'default', 254: 'main', 255: 'local' };
const PROTO_NAMES: Record<number, string> = { 2: 'kernel', 4: 'static', 99: 'openr', 186: 'bgp' };
const IPPROTO_NAMES: Record<number, string> = { 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp' };

/** An nlwire rule in the shape `ip -j rule show` (iproute2 6.1) prints it. */
function asIp(r: Rule): IpRule {
  const o: IpRule = { priority: r.priority };
  const host = r.family === 'inet6' ? 128 : 32;
  if (r.not) o.not = null;
  if (r.from) {
    const [a, l] = r.from.split('/');
    o.src = a;
    if (Number(l) !== host) o.srclen = Number(l);
  } else o.src = 'all';
  if (r.to) {
    const [a, l] = r.to.split('/');
    o.dst = a;
    if (Number(l) !== host) o.dstlen = Number(l);
  }
  if (r.tos) o.tos = `0x${r.tos.toString(16).padStart(2, '0')}`;
  if (r.fwmark !== undefined || r.fwmask !== undefined) {
    o.fwmark = `0x${(r.fwmark ?? 0).toString(16)}`;
    if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) o.fwmask = `0x${r.fwmask.toString(16)}`;
  }
  if (r.iif !== undefined) o.iif = r.iif;
  if (r.oif !== undefined) o.oif = r.oif;
  if (r.l3mdev) o.l3mdev = null;
  if (r.uidrange) {
    o.uid_start = r.uidrange.start;
    o.uid_end = r.uidrange.end;
  }
  if (r.ipproto !== undefined) o.ipproto = IPPROTO_NAMES[r.ipproto] ?? String(r.ipproto);
  for (const [k, v] of [
    ['sport', r.sport],
    ['dport', r.dport],
  ] as const) {
    if (!v) continue;
    if (v.start === v.end) o[k] = v.start;
    else {
      o[`${k}_start`] = v.start;
      o[`${k}_end`] = v.end;
    }
  }
  if (r.tunId !== undefined) o.tun_id = Number(r.tunId);
  if (r.table !== undefined) o.table = TABLE_NAMES[r.table] ?? String(r.table);
  if (r.suppressPrefixlength !== undefined) o.suppress_prefixlen = r.suppressPrefixlength;
  if (r.suppressIfgroup !== undefined) o.suppress_ifgroup = String(r.suppressIfgroup);
  if (r.flow !== undefined) {
    if (r.flow >>> 16) o.flow_from = String(r.flow >>> 16);
    o.flow_to = String(r.flow & 0xffff);
  }
  if (r.action === 'goto') {
    o.goto = r.goto ?? 0;
    if (r.unresolved) o.unresolved = null;
  } else if (r.action === 'nop') o.nop = null;
  else if (r.action !== 'table') o.action = r.action;
  if (r.protocol !== undefined && r.protocol !== 0 && r.protocol !== 2)
    o.protocol = PROTO_NAMES[r.protocol] ?? String(r.protocol);
  return o;
}

/** ip's keys come in its own order; compare as sorted entries. */
const canon = (rules: IpRule[]) => rules.map((r) => Object.fromEntries(Object.entries(r).sort()));

const V4: RuleSpec[] = [
  { priority: 100, from: '10.1.0.0/16', to: '10.2.0.0/16', iif: 'v0', oif: 'v1', table: 1000 },
  { priority: 101, not: true, fwmark: 0x10, fwmask: 0xff, tos: 0x10, table: 5 },
  {
    priority: 102,
    uidrange: { start: 1000, end: 2000 },
    ipproto: 'tcp',
    sport: { start: 1000, end: 2000 },
    dport: 80,
    goto: 200,
  },
  { priority: 103, action: 'nop' },
  { priority: 104, action: 'blackhole' },
  { priority: 105, action: 'unreachable' },
  { priority: 106, action: 'prohibit' },
  { priority: 107, table: 'main', suppressPrefixlength: 0 },
  { priority: 108, table: 'main', suppressIfgroup: 5 },
  { priority: 109, l3mdev: true },
  { priority: 110, table: 7, protocol: 99, flow: (3 << 16) | 4 },
  {
    priority: 111,
    from: '192.0.2.1',
    to: '198.51.100.0/24',
    ipproto: 17,
    dport: { start: 53, end: 54 },
    table: 70000,
  },
  { priority: 112, fwmark: 7, tunId: 99n, table: 'default' },
  { priority: 200, table: 9 },
];

const IP_V4 = [
  'rule add from 10.1.0.0/16 to 10.2.0.0/16 iif v0 oif v1 table 1000 pref 100',
  'rule add not fwmark 0x10/0xff tos 0x10 table 5 pref 101',
  'rule add uidrange 1000-2000 ipproto tcp sport 1000-2000 dport 80 goto 200 pref 102',
  'rule add pref 103 nop',
  'rule add pref 104 blackhole',
  'rule add pref 105 unreachable',
  'rule add pref 106 prohibit',
  'rule add pref 107 table main suppress_prefixlength 0',
  'rule add pref 108 table main suppress_ifgroup 5',
  'rule add pref 109 l3mdev',
  'rule add pref 110 table 7 protocol 99 realms 3/4',
  'rule add pref 111 from 192.0.2.1 to 198.51.100.0/24 ipproto udp dport 53-54 table 70000',
  'rule add pref 112 fwmark 7 tun_id 99 table default',
  'rule add pref 200 table 9',
];

describe.skipIf(kernelSkipReason('ip'))('Rules against the kernel and ip rule', () => {
  const ns = useTestNetns('rule');
  let conn: Connection;
  let rules: Rules;

  beforeEach(async () => {
    await runIp(ns.name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    conn = Connection.open(rtnetlink, { netns: ns.name });
    rules = new Rules(conn);
  });
  afterEach(async () => {
    await conn.close();
  });

  it('IPv4 rules nlwire adds, with every selector and action, read back with ip rule', async () => {
    for (const r of V4) await rules.add(r);
    const ip = await ipJson<IpRule[]>(ns.name, ['-4', 'rule', 'show']);
    // What ip shows for nlwire's rules is what it shows for the same rules made by ip.
    await withOther(async (other) => {
      for (const cmd of IP_V4) await runIp(other, cmd.split(' '));
      expect(canon(ip)).toEqual(canon(await ipJson<IpRule[]>(other, ['-4', 'rule', 'show'])));
    });
    expect(ip.find((r) => r.priority === 100)).toEqual({
      priority: 100,
      src: '10.1.0.0',
      srclen: 16,
      dst: '10.2.0.0',
      dstlen: 16,
      iif: 'v0',
      oif: 'v1',
      table: '1000',
    });
    expect(ip.find((r) => r.priority === 111)).toMatchObject({
      src: '192.0.2.1',
      table: '70000',
      ipproto: 'udp',
    });
    // And nlwire's reading of them is ip's, field for field.
    expect(canon((await rules.list({ family: 'inet' })).map(asIp))).toEqual(canon(ip));
  });

  it('reads IPv4 rules ip adds', async () => {
    for (const cmd of IP_V4) await runIp(ns.name, cmd.split(' '));
    const ours = await rules.list({ family: 'inet' });
    expect(canon(ours.map(asIp))).toEqual(canon(await ipJson<IpRule[]>(ns.name, ['-4', 'rule', 'show'])));
    const at = (p: number) => ours.find((r) => r.priority === p);
    expect(at(100)).toMatchObject({
      family: 'inet',
      from: '10.1.0.0/16',
      to: '10.2.0.0/16',
      iif: 'v0',
      oif: 'v1',
    });
    expect(at(100)).toMatchObject({ action: 'table', table: 1000 });
    expect(at(101)).toMatchObject({ not: true, fwmark: 0x10, fwmask: 0xff, tos: 0x10, table: 5 });
    expect(at(102)).toMatchObject({
      uidrange: { start: 1000, end: 2000 },
      ipproto: 6,
      sport: { start: 1000, end: 2000 },
      dport: { start: 80, end: 80 },
      action: 'goto',
      goto: 200,
      unresolved: false,
    });
    expect(at(103)?.action).toBe('nop');
    expect(at(104)?.action).toBe('blackhole');
    expect(at(107)).toMatchObject({ table: 254, suppressPrefixlength: 0 });
    expect(at(108)).toMatchObject({ table: 254, suppressIfgroup: 5 });
    expect(at(108)?.suppressPrefixlength).toBeUndefined();
    expect(at(109)).toMatchObject({ l3mdev: true, action: 'table' });
    expect(at(109)?.table).toBeUndefined();
    expect(at(110)).toMatchObject({ table: 7, protocol: 99, flow: (3 << 16) | 4 });
    expect(at(111)).toMatchObject({ from: '192.0.2.1/32', to: '198.51.100.0/24', table: 70000 });
    expect(at(112)).toMatchObject({ fwmark: 7, tunId: 99n, table: 253 });
    expect(at(0)).toMatchObject({ table: 255, protocol: 2 });
  });

  it('IPv6 rules both ways', async () => {
    const v6: RuleSpec[] = [
      { priority: 50, from: '2001:db8::/32', table: 300 },
      { priority: 51, to: '2001:db8:1::1', iif: 'v0', ipproto: 'udp', dport: 547, action: 'prohibit' },
      { priority: 52, family: 'inet6', fwmark: 3, goto: 60 },
      { priority: 53, family: 'inet6', tos: 0x10, table: 'main', suppressPrefixlength: 64 },
    ];
    for (const r of v6) await rules.add(r);
    await runIp(ns.name, [
      '-6',
      'rule',
      'add',
      'from',
      '2001:db8:2::/48',
      'to',
      '2001:db8:3::/64',
      'table',
      '400',
      'pref',
      '60',
    ]);
    await runIp(ns.name, [
      '-6',
      'rule',
      'add',
      'not',
      'oif',
      'v1',
      'uidrange',
      '5-6',
      'blackhole',
      'pref',
      '61',
    ]);
    const ip = await ipJson<IpRule[]>(ns.name, ['-6', 'rule', 'show']);
    const ours = await rules.list({ family: 'inet6' });
    expect(canon(ours.map(asIp))).toEqual(canon(ip));
    expect(ip.find((r) => r.priority === 51)).toEqual({
      priority: 51,
      src: 'all',
      dst: '2001:db8:1::1',
      iif: 'v0',
      ipproto: 'udp',
      dport: 547,
      action: 'prohibit',
    });
    expect(ours.find((r) => r.priority === 61)).toMatchObject({
      family: 'inet6',
      not: true,
      oif: 'v1',
      uidrange: { start: 5, end: 6 },
      action: 'blackhole',
    });
    expect(ours.find((r) => r.priority === 60)).toMatchObject({
      from: '2001:db8:2::/48',
      to: '2001:db8:3::/64',
      table: 400,
    });
    // Without a family, both tables (and the multicast routing families) come back.
    const all = await rules.list();
    expect(all.filter((r) => r.family === 'inet6').length).toBe(ours.length);
    expect(all.some((r) => r.family === 'inet')).toBe(true);
  });

  it('attributes newer than iproute2 6.1 go through the kernel and back', async () => {
    await rules.add({ priority: 10, dscp: 46, table: 5 });
    await rules.add({ priority: 11, family: 'inet6', flowlabel: 0x12345, flowlabelMask: 0xfffff, table: 5 });
    await rules.add({ priority: 12, ipproto: 'tcp', sport: 0x1200, sportMask: 0xff00, table: 5 });
    const got = [...(await rules.list({ family: 'inet' })), ...(await rules.list({ family: 'inet6' }))];
    expect(got.find((r) => r.priority === 10)).toMatchObject({ dscp: 46, dscpMask: 0x3f, tos: 0 });
    expect(got.find((r) => r.priority === 11)).toMatchObject({ flowlabel: 0x12345, flowlabelMask: 0xfffff });
    expect(got.find((r) => r.priority === 12)).toMatchObject({
      sport: { start: 0x1200, end: 0x1200 },
      sportMask: 0xff00,
    });
    // The kernel checks them: a mask that leaves bits of the port outside is refused.
    const bad = await rules
      .add({ priority: 13, dport: 53, dportMask: 0xff00, table: 5 })
      .catch((e: unknown) => e);
    expect((bad as NetlinkError).code).toBe('EINVAL');
    expect((bad as NetlinkError).attrPath).toEqual(['FRA_DPORT_MASK']);
  });

  it('deletes by any subset of fields; EEXIST and ENOENT name the rule', async () => {
    for (const r of V4) await rules.add(r);
    const dup = await rules.add(V4[0]).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(NetlinkError);
    expect((dup as NetlinkError).code).toBe('EEXIST');
    expect((dup as NetlinkError).message).toMatch(
      /^rule add pref 100 from 10\.1\.0\.0\/16 to 10\.2\.0\.0\/16/,
    );

    await rules.delete(V4[1]);
    await rules.delete({ priority: 102 });
    await rules.delete({ from: '192.0.2.1/32' });
    await rules.delete({ table: 70000 }).catch(() => undefined); // already gone with pref 111
    await runIp(ns.name, ['rule', 'del', 'pref', '104']);
    const left = (await ipJson<IpRule[]>(ns.name, ['-4', 'rule', 'show'])).map((r) => r.priority);
    expect(left).not.toContain(101);
    expect(left).not.toContain(102);
    expect(left).not.toContain(104);
    expect(left).not.toContain(111);
    expect(left).toContain(100);
    const gone = await rules.delete({ priority: 4242 }).catch((e: unknown) => e);
    expect((gone as NetlinkError).code).toBe('ENOENT');
    expect((gone as NetlinkError).message).toMatch(/^rule del pref 4242: RTM_DELRULE: ENOENT/);
  });

  it('rejects bad input with ValidationError before sending', async () => {
    const cases: [RuleSpec, RegExp][] = [
      [{ from: '10.0.0.0/33' }, /from/],
      [{ family: 'inet', from: '2001:db8::/32' }, /from/],
      [{ from: '10.0.0.0/8', to: '2001:db8::/32' }, /to/],
      [{ iif: 'a very long interface name' }, /iif/],
      [{ action: 'blackhole', table: 5 }, /table/],
      [{ action: 'goto' }, /goto/],
      [{ table: 'nosuch' as never }, /table/],
      [{ ipproto: 'nosuch' as never }, /ipproto/],
      [{ sport: { start: 10, end: 5 } }, /sport/],
      [{ dscp: 64 }, /dscp/],
      [{ l3mdev: true, table: 5 }, /table/],
      [{ uidrange: { start: 5, end: 1 } }, /uidrange/],
    ];
    for (const [spec, field] of cases) {
      const err = await rules.add({ priority: 900, ...spec }).catch((e: unknown) => e);
      expect(err, JSON.stringify(spec)).toBeInstanceOf(ValidationError);
      expect(String(err)).toMatch(field);
    }
    expect((await rules.list()).some((r) => r.priority === 900)).toBe(false);
  });

  /** Runs fn with a second namespace, for comparing against rules ip made there. */
  async function withOther(fn: (name: string) => Promise<void>): Promise<void> {
    const other = await ns.create('rule2');
    await runIp(other, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    await fn(other);
  }
});
