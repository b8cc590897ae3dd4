/**
 * Captures the RTM_NEWLINK requests iproute2 builds for link kinds, as byte-level fixtures, even when the
 * running kernel lacks the kind: `ip` encodes the whole request before the kernel refuses it.
 *
 * Run as root: `npx tsx scripts/capture-kind-requests.ts [name ...]` (all scenarios when none is named).
 * Each command runs in a throw-away namespace `nlw-kindcap` (created fresh, always removed) under
 *
 *   strace -f -e trace=sendmsg,recvmsg -e write=all -e read=all -xx -s 65536 -o FILE ip -n nlw-kindcap ...
 *
 * `-e write=all` / `-e read=all` make strace hex-dump every buffer of every sendmsg/recvmsg iovec after the
 * call (` | 00000  38 00 00 00 10 00 05 06 ...`), while the call itself is printed decoded; `-X raw` or
 * `-e raw=sendmsg` only print the msghdr as numbers or a pointer, not the bytes. The RTM_NEWLINK request
 * with NLM_F_CREATE and the NLMSG_ERROR answering it (the same nlmsg_seq) go to
 * `fixtures/kinds/<name>.json` with the command, the iproute2 and kernel versions, and `expected`: the
 * IFLA_INFO_DATA the command line asks for, written by hand below from the options and iproute2's
 * defaults, never produced by nlwire's decoder. Running it again overwrites the files.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NS = 'nlw-kindcap';
const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'kinds');

/** The strace options that print raw request bytes (see the module description). */
export const STRACE_ARGS = [
  '-f',
  '-e',
  'trace=sendmsg,recvmsg',
  '-e',
  'write=all',
  '-e',
  'read=all',
  '-xx',
  '-s',
  '65536',
] as const;

/** One capture. */
export interface KindScenario {
  /** Fixture file name (without .json). */
  name: string;
  /** IFLA_INFO_KIND of the request. */
  kind: string;
  /** Arguments of `ip` after `-n nlw-kindcap`. */
  args: string[];
  /** The IFLA_INFO_DATA the command asks for (null: the request has none). */
  expected: Record<string, unknown> | null;
}

// GRE_* header flags (host-order numbers of the __be16 on the wire) and IP6_TNL_F_* bits, for readability.
const GRE_CSUM = 0x8000;
const GRE_KEY = 0x2000;
const GRE_SEQ = 0x1000;
const IP6_TNL_F_IGN_ENCAP_LIMIT = 0x1;
const IP6_TNL_F_USE_ORIG_TCLASS = 0x2;
const IP6_TNL_F_USE_ORIG_FLOWLABEL = 0x4;
const IP6_TNL_F_RCV_DSCP_COPY = 0x10;
const IP6_TNL_F_USE_ORIG_FWMARK = 0x20;
const IP6_TNL_F_ALLOW_LOCAL_REMOTE = 0x40;
const TUNNEL_ENCAP_FLAG_CSUM = 0x1;
const TUNNEL_ENCAP_FLAG_CSUM6 = 0x2;
// iproute2 always sends these for IPv4 tunnels (ipip, sit, gre*) unless `external`: no FOU/GUE encapsulation.
const NO_ENCAP = { encapType: 0, encapFlags: 0, encapSport: 0, encapDport: 0 };
// IPv6 tunnels (ip6tnl, ip6gre*) default to UDP checksums over IPv6 for the (absent) encapsulation.
const NO_ENCAP6 = { encapType: 0, encapFlags: TUNNEL_ENCAP_FLAG_CSUM6, encapSport: 0, encapDport: 0 };

/** The scenarios: non-default options per kind. */
export const SCENARIOS: KindScenario[] = [
  { name: 'dummy', kind: 'dummy', args: ['link', 'add', 'dum0', 'type', 'dummy'], expected: null },
  { name: 'nlmon', kind: 'nlmon', args: ['link', 'add', 'nlmon0', 'type', 'nlmon'], expected: null },
  { name: 'team', kind: 'team', args: ['link', 'add', 'team0', 'type', 'team'], expected: null },
  { name: 'wireguard', kind: 'wireguard', args: ['link', 'add', 'wg0', 'type', 'wireguard'], expected: null },
  {
    name: 'vlan',
    kind: 'vlan',
    args: 'link add link lo name v10 type vlan id 10 protocol 802.1ad reorder_hdr off gvrp on egress-qos-map 1:2 3:5 ingress-qos-map 4:7'.split(
      ' ',
    ),
    expected: {
      protocol: 0x88a8,
      id: 10,
      egressQos: {
        mapping: [
          { from: 1, to: 2 },
          { from: 3, to: 5 },
        ],
      },
      ingressQos: { mapping: [{ from: 4, to: 7 }] },
      // reorder_hdr off, gvrp on: both in the mask, only GVRP (0x2) set.
      flags: { flags: 0x2, mask: 0x1 | 0x2 },
    },
  },
  {
    name: 'vrf',
    kind: 'vrf',
    args: 'link add vrf-blue type vrf table 10'.split(' '),
    expected: { table: 10 },
  },
  {
    name: 'gre',
    kind: 'gre',
    args: 'link add gre1 type gre local 10.0.0.1 remote 10.0.0.2 ttl 64 tos 0x10 ikey 42 okey 43 iseq ocsum fwmark 7 encap fou encap-sport 5555 encap-dport 7777 encap-csum'.split(
      ' ',
    ),
    expected: {
      ikey: 42,
      okey: 43,
      iflags: GRE_KEY | GRE_SEQ,
      oflags: GRE_KEY | GRE_CSUM,
      local: '10.0.0.1',
      remote: '10.0.0.2',
      pmtudisc: 1,
      ttl: 64,
      tos: 0x10,
      fwmark: 7,
      encapType: 1, // TUNNEL_ENCAP_FOU
      encapFlags: TUNNEL_ENCAP_FLAG_CSUM,
      encapSport: 5555,
      encapDport: 7777,
    },
  },
  {
    name: 'gretap',
    kind: 'gretap',
    args: 'link add gt1 type gretap local 10.0.0.1 remote 10.0.0.3 key 1.2.3.4 nopmtudisc ignore-df'.split(
      ' ',
    ),
    expected: {
      ikey: 0x01020304,
      okey: 0x01020304,
      iflags: GRE_KEY,
      oflags: GRE_KEY,
      local: '10.0.0.1',
      remote: '10.0.0.3',
      pmtudisc: 0,
      ttl: 0,
      tos: 0,
      fwmark: 0,
      ...NO_ENCAP,
      ignoreDf: 1,
    },
  },
  {
    name: 'erspan',
    kind: 'erspan',
    args: 'link add ers1 type erspan local 10.0.0.1 remote 10.0.0.2 seq key 100 erspan_ver 2 erspan_dir egress erspan_hwid 17'.split(
      ' ',
    ),
    expected: {
      ikey: 100,
      okey: 100,
      iflags: GRE_KEY | GRE_SEQ,
      oflags: GRE_KEY | GRE_SEQ,
      local: '10.0.0.1',
      remote: '10.0.0.2',
      pmtudisc: 1,
      ttl: 0,
      tos: 0,
      fwmark: 0,
      erspanVer: 2,
      erspanDir: 1,
      erspanHwid: 17,
      ...NO_ENCAP,
    },
  },
  {
    name: 'ip6gre',
    kind: 'ip6gre',
    args: 'link add g6 type ip6gre local 2001:db8::1 remote 2001:db8::2 hoplimit 32 encaplimit 2 tclass 0x20 flowlabel 0x12345 key 7 oseq'.split(
      ' ',
    ),
    expected: {
      ikey: 7,
      okey: 7,
      iflags: GRE_KEY,
      oflags: GRE_KEY | GRE_SEQ,
      local: '2001:db8::1',
      remote: '2001:db8::2',
      ttl: 32,
      encapLimit: 2,
      flowinfo: (0x20 << 20) | 0x12345,
      flags: 0,
      fwmark: 0,
      erspanVer: 1, // iproute2's link_gre6.c sends its erspan_ver default (1) for every IPv6 GRE kind
      ...NO_ENCAP6,
    },
  },
  {
    name: 'ip6gretap',
    kind: 'ip6gretap',
    args: 'link add g6t type ip6gretap local 2001:db8::1 remote 2001:db8::3 encaplimit none tclass inherit flowlabel inherit dscp inherit fwmark inherit'.split(
      ' ',
    ),
    expected: {
      ikey: 0,
      okey: 0,
      iflags: 0,
      oflags: 0,
      local: '2001:db8::1',
      remote: '2001:db8::3',
      ttl: 64, // DEFAULT_TNL_HOP_LIMIT
      encapLimit: 4, // IPV6_DEFAULT_TNL_ENCAP_LIMIT, sent although `none` sets the flag
      flowinfo: 0,
      flags:
        IP6_TNL_F_IGN_ENCAP_LIMIT |
        IP6_TNL_F_USE_ORIG_TCLASS |
        IP6_TNL_F_USE_ORIG_FLOWLABEL |
        IP6_TNL_F_RCV_DSCP_COPY |
        IP6_TNL_F_USE_ORIG_FWMARK,
      fwmark: 0,
      erspanVer: 1, // see ip6gre
      ...NO_ENCAP6,
    },
  },
  {
    name: 'ip6erspan',
    kind: 'ip6erspan',
    args: 'link add e6 type ip6erspan local 2001:db8::1 remote 2001:db8::2 key 9 erspan_ver 1 erspan 123'.split(
      ' ',
    ),
    expected: {
      ikey: 9,
      okey: 9,
      iflags: GRE_KEY,
      oflags: GRE_KEY,
      local: '2001:db8::1',
      remote: '2001:db8::2',
      ttl: 64,
      encapLimit: 4,
      flowinfo: 0,
      flags: 0,
      fwmark: 0,
      erspanVer: 1,
      erspanIndex: 123,
      ...NO_ENCAP6,
    },
  },
  {
    name: 'ipip',
    kind: 'ipip',
    args: 'link add tun1 type ipip local 10.0.0.1 remote 10.0.0.2 ttl 32 tos 0x10 mode any fwmark 9'.split(
      ' ',
    ),
    expected: {
      proto: 0,
      link: 0,
      local: '10.0.0.1',
      remote: '10.0.0.2',
      ttl: 32,
      tos: 0x10,
      pmtudisc: 1,
      fwmark: 9,
      ...NO_ENCAP,
    },
  },
  {
    name: 'sit',
    kind: 'sit',
    args: 'link add sit1 type sit local 10.0.0.1 remote 10.0.0.2 ttl 64 mode ip6ip isatap 6rd-prefix 2001:db8::/32 6rd-relay_prefix 10.0.0.0/8'.split(
      ' ',
    ),
    expected: {
      proto: 41, // IPPROTO_IPV6
      link: 0,
      local: '10.0.0.1',
      remote: '10.0.0.2',
      ttl: 64,
      tos: 0,
      pmtudisc: 1,
      fwmark: 0,
      ...NO_ENCAP,
      flags: 1, // SIT_ISATAP
      sixrdPrefix: '2001:db8::',
      sixrdPrefixlen: 32,
      sixrdRelayPrefix: '10.0.0.0',
      sixrdRelayPrefixlen: 8,
    },
  },
  {
    name: 'ip6tnl',
    kind: 'ip6tnl',
    args: 'link add t6 type ip6tnl local 2001:db8::1 remote 2001:db8::2 mode ip4ip6 hoplimit 32 encaplimit 3 tclass 0x10 flowlabel 0xabcde dscp inherit fwmark inherit allow-localremote'.split(
      ' ',
    ),
    expected: {
      proto: 4, // IPPROTO_IPIP
      local: '2001:db8::1',
      remote: '2001:db8::2',
      ttl: 32,
      encapLimit: 3,
      flowinfo: (0x10 << 20) | 0xabcde,
      flags: IP6_TNL_F_RCV_DSCP_COPY | IP6_TNL_F_USE_ORIG_FWMARK | IP6_TNL_F_ALLOW_LOCAL_REMOTE,
      link: 0,
      fwmark: 0,
      ...NO_ENCAP6,
    },
  },
  {
    name: 'vti',
    kind: 'vti',
    args: 'link add vti1 type vti local 10.0.0.1 remote 10.0.0.2 ikey 10 okey 20 fwmark 5'.split(' '),
    expected: { ikey: 10, okey: 20, local: '10.0.0.1', remote: '10.0.0.2', fwmark: 5 },
  },
  {
    name: 'vti6',
    kind: 'vti6',
    args: 'link add vti6a type vti6 local 2001:db8::1 remote 2001:db8::2 key 30'.split(' '),
    expected: { ikey: 30, okey: 30, local: '2001:db8::1', remote: '2001:db8::2', fwmark: 0 },
  },
  {
    name: 'geneve',
    kind: 'geneve',
    args: 'link add gnv0 type geneve id 5 remote 10.0.0.2 dstport 6081 ttl 20 tos 0x10 flowlabel 0x1234 df set udpcsum'.split(
      ' ',
    ),
    expected: {
      id: 5,
      remote: '10.0.0.2',
      label: 0x1234,
      ttl: 20,
      tos: 0x10,
      df: 1, // GENEVE_DF_SET
      port: 6081,
      udpCsum: 1,
    },
  },
  {
    name: 'geneve-v6',
    kind: 'geneve',
    args: 'link add gnv6 type geneve id 77 remote 2001:db8::9 ttl inherit udp6zerocsumtx noudp6zerocsumrx'.split(
      ' ',
    ),
    expected: {
      id: 77,
      remote6: '2001:db8::9',
      label: 0,
      ttl: 0,
      ttlInherit: 1,
      tos: 0,
      udpZeroCsum6Tx: 1,
      udpZeroCsum6Rx: 0,
    },
  },
  {
    name: 'bond',
    kind: 'bond',
    args: 'link add bond0 type bond mode 802.3ad miimon 100 updelay 200 downdelay 300 lacp_rate fast xmit_hash_policy layer3+4 ad_select bandwidth ad_actor_sys_prio 100 ad_user_port_key 5 ad_actor_system 02:00:00:00:00:01 min_links 2 lacp_active off'.split(
      ' ',
    ),
    expected: {
      mode: 4, // BOND_MODE_8023AD
      miimon: 100,
      updelay: 200,
      downdelay: 300,
      adLacpRate: 1, // fast
      xmitHashPolicy: 1, // layer3+4
      adSelect: 1, // bandwidth
      adActorSysPrio: 100,
      adUserPortKey: 5,
      adActorSystem: '02:00:00:00:00:01',
      minLinks: 2,
      adLacpActive: 0,
    },
  },
  {
    name: 'bond-active-backup',
    kind: 'bond',
    args: 'link add bond1 type bond mode active-backup arp_interval 1000 arp_ip_target 10.0.0.1,10.0.0.2 arp_validate all arp_all_targets all primary lo primary_reselect better fail_over_mac active num_grat_arp 3 resend_igmp 2 use_carrier 0 all_slaves_active 1 peer_notify_delay 400 arp_missed_max 3 ns_ip6_target 2001:db8::1,2001:db8::2'.split(
      ' ',
    ),
    expected: {
      mode: 1, // BOND_MODE_ACTIVEBACKUP
      arpInterval: 1000,
      arpIpTarget: ['10.0.0.1', '10.0.0.2'],
      arpValidate: 3, // all
      arpAllTargets: 1, // all
      primary: 1, // lo, the namespace's first interface
      primaryReselect: 1, // better
      failOverMac: 1, // active
      numPeerNotif: 3,
      resendIgmp: 2,
      useCarrier: 0,
      allSlavesActive: 1,
      peerNotifDelay: 400,
      missedMax: 3,
      nsIp6Target: ['2001:db8::1', '2001:db8::2'],
    },
  },
];

/** One traced call and the buffers strace dumped for it. */
interface TracedCall {
  call: 'sendmsg' | 'recvmsg';
  buffers: Buffer[];
}

/** Reads the hex dumps of sendmsg/recvmsg iovecs out of strace output. */
export function parseDumps(text: string): TracedCall[] {
  const calls: TracedCall[] = [];
  let cur: TracedCall | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^(\[pid +\d+\] |\d+ +)/, '');
    const call = /^(sendmsg|recvmsg)\(/.exec(line);
    if (call) {
      cur = { call: call[1] as TracedCall['call'], buffers: [] };
      calls.push(cur);
      continue;
    }
    if (!cur) continue;
    if (/^ \* \d+ bytes in buffer \d+/.test(line)) {
      cur.buffers.push(Buffer.alloc(0));
      continue;
    }
    // " | 00000  38 00 00 00 10 00 05 06  92 1d 04 6b 00 00 00 00  8..........k.... |": 49 columns of hex.
    const dump = /^ \| ([0-9a-f]{5}) {2}(.{49})/.exec(line);
    if (dump && cur.buffers.length) {
      const hex = dump[2].replace(/ /g, '');
      if (!/^([0-9a-f]{2})+$/.test(hex)) throw new Error(`bad strace dump line: ${raw}`);
      const i = cur.buffers.length - 1;
      if (cur.buffers[i].length !== Number.parseInt(dump[1], 16))
        throw new Error(`strace dump out of order at: ${raw}`);
      cur.buffers[i] = Buffer.concat([cur.buffers[i], Buffer.from(hex, 'hex')]);
    }
  }
  return calls;
}

const RTM_NEWLINK = 16;
const NLMSG_ERROR = 2;
const NLM_F_CREATE = 0x400;

function run(
  cmd: string,
  args: string[],
  allowFail = false,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (!allowFail && r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim()}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function removeNamespace(): void {
  run('ip', ['netns', 'delete', NS], true);
}

function capture(s: KindScenario, iproute2: string, dir: string): void {
  const out = join(dir, `${s.name}.strace`);
  const r = run('strace', [...STRACE_ARGS, '-o', out, 'ip', '-n', NS, ...s.args], true);
  const calls = parseDumps(readFileSync(out, 'utf8'));
  const datagrams = calls.flatMap((c) => c.buffers.map((b) => ({ call: c.call, b })));
  const req = datagrams.find(
    (d) =>
      d.call === 'sendmsg' &&
      d.b.length >= 16 &&
      d.b.readUInt16LE(4) === RTM_NEWLINK &&
      (d.b.readUInt16LE(6) & NLM_F_CREATE) !== 0,
  );
  if (!req) throw new Error(`${s.name}: no RTM_NEWLINK request in the trace (ip said: ${r.stderr.trim()})`);
  if (req.b.readUInt32LE(0) !== req.b.length)
    throw new Error(`${s.name}: the request datagram holds more than one message`);
  const seq = req.b.readUInt32LE(8);
  const reply = datagrams.find(
    (d) =>
      d.call === 'recvmsg' &&
      d.b.length >= 16 &&
      d.b.readUInt16LE(4) === NLMSG_ERROR &&
      d.b.readUInt32LE(8) === seq,
  );
  if (!reply) throw new Error(`${s.name}: no NLMSG_ERROR answering seq ${seq}`);
  const fixture = {
    name: s.name,
    kind: s.kind,
    command: `ip ${s.args.join(' ')}`,
    namespace: NS,
    strace: `strace ${STRACE_ARGS.join(' ')} -o FILE ip -n ${NS} ${s.args.join(' ')}`,
    iproute2,
    kernel: release(),
    captured: new Date().toISOString(),
    ipExitStatus: r.status,
    ipStderr: r.stderr.trim(),
    request: req.b.toString('hex'),
    reply: reply.b.toString('hex'),
    expected: s.expected,
  };
  writeFileSync(join(OUT_DIR, `${s.name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`${s.name}: ${req.b.length}-byte request, ip: ${r.stderr.trim() || `exit ${r.status}`}`);
}

function main(): void {
  if (process.getuid?.() !== 0) throw new Error('run as root: namespaces need CAP_SYS_ADMIN');
  const wanted = process.argv.slice(2);
  const list = wanted.length ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;
  const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
  if (unknown.length) throw new Error(`no such scenario: ${unknown.join(', ')}`);
  const iproute2 = run('ip', ['-V']).stdout.trim();
  mkdirSync(OUT_DIR, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'nlw-kindcap-'));
  const cleanup = () => {
    removeNamespace();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    for (const s of list) {
      removeNamespace();
      run('ip', ['netns', 'add', NS]);
      try {
        capture(s, iproute2, dir);
      } finally {
        removeNamespace();
      }
    }
  } finally {
    cleanup();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
