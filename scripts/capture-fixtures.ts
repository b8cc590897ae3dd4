/**
 * Captures real kernel netlink traffic of iproute2 commands as test fixtures.
 *
 * Run as root: `npx tsx scripts/capture-fixtures.ts [scenario ...]` (all scenarios when none is named).
 * Each scenario gets a fresh namespace `nlw-fixtures` (and `nlw-fixtures2` where a second one is needed),
 * removed afterwards whatever happens. Its setup commands run there with plain `ip`/`bridge`, then the
 * scenario's command runs under strace with the options from src/debug/io/strace.ts, and the datagrams go
 * to `fixtures/<name>.pcap` (classic pcap, LINKTYPE_NETLINK) and `fixtures/<name>.json` (the same bytes as
 * hex, for readable diffs). Running it again overwrites the files.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toHex } from '../src/debug/io/hex.js';
import { writePcap } from '../src/debug/io/pcap.js';
import { parseStrace, STRACE_OPTIONS } from '../src/debug/io/strace.js';
import type { CapturedMessage } from '../src/debug/io/types.js';

const NS = 'nlw-fixtures';
const NS2 = 'nlw-fixtures2';
const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** One capture: commands to prepare the namespace, then the command whose traffic is kept. */
interface Scenario {
  name: string;
  setup: string[];
  command: string;
  /** The command is expected to fail (the kernel rejects it). */
  fails?: boolean;
  /** Needs the second namespace. */
  twoNamespaces?: boolean;
  /** Throws when the capture lacks what the scenario is for. */
  check?: (messages: CapturedMessage[]) => void;
}

const VETH = ['ip link add v0 type veth peer name v1'];
const VETH_UP = [...VETH, 'ip link set v0 up', 'ip link set v1 up'];
const V4 = [...VETH_UP, 'ip addr add 10.0.0.1/24 dev v0'];
const BRIDGE = [...VETH, 'ip link add br0 type bridge', 'ip link set v1 master br0', 'ip link set br0 up'];
const BRIDGE_UP = [...BRIDGE, 'ip link set v0 up', 'ip link set v1 up'];

const SCENARIOS: Scenario[] = [
  {
    name: 'link-dump',
    setup: [
      ...VETH,
      'ip link set v0 up',
      'ip link add br0 type bridge',
      'ip link set v1 master br0',
      'ip link add vx0 type vxlan id 42 local 10.0.0.1 dstport 4789 nolearning',
      'ip link add mv0 link v0 type macvlan mode bridge',
      'ip tuntap add tap0 mode tap',
      'ip link add ifb0 type ifb',
    ],
    command: 'ip -d link show',
  },
  { name: 'veth-create', setup: [], command: 'ip link add v0 type veth peer name v1' },
  { name: 'bridge-create', setup: [], command: 'ip link add br0 type bridge stp_state 1 forward_delay 400' },
  {
    name: 'vxlan-create',
    setup: [],
    command: 'ip link add vx0 type vxlan id 42 local 10.0.0.1 remote 10.0.0.2 dstport 4789 ttl 10',
  },
  { name: 'macvlan-create', setup: VETH, command: 'ip link add mv0 link v0 type macvlan mode bridge' },
  { name: 'addr-add-v4', setup: VETH, command: 'ip addr add 10.0.0.1/24 broadcast + dev v0 label v0:1' },
  { name: 'addr-add-v6', setup: VETH, command: 'ip addr add 2001:db8::1/64 dev v0 nodad' },
  {
    name: 'addr-dump',
    setup: [...V4, 'ip addr add 10.0.0.5/24 dev v0 label v0:5', 'ip addr add 2001:db8::1/64 dev v0 nodad'],
    command: 'ip -d addr show',
  },
  {
    name: 'route-add',
    setup: V4,
    command: 'ip route add 10.1.0.0/16 via 10.0.0.2 table 100 metric 7 mtu 1400',
  },
  {
    name: 'route-multipath',
    setup: V4,
    command: 'ip route add 10.2.0.0/16 nexthop via 10.0.0.2 weight 1 nexthop via 10.0.0.3 weight 3',
  },
  {
    name: 'route-dump',
    setup: [
      ...V4,
      'ip addr add 2001:db8::1/64 dev v0 nodad',
      'ip route add 10.1.0.0/16 via 10.0.0.2 table 100 metric 7 mtu 1400',
      'ip route add 10.2.0.0/16 nexthop via 10.0.0.2 weight 1 nexthop via 10.0.0.3 weight 3',
    ],
    command: 'ip route show table all',
  },
  {
    name: 'route-get',
    setup: [...V4, 'ip route add 10.1.0.0/16 via 10.0.0.2'],
    command: 'ip route get 10.1.2.3',
  },
  {
    name: 'neigh-add',
    setup: V4,
    command: 'ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v0 nud permanent',
  },
  {
    name: 'neigh-dump',
    setup: [...V4, 'ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v0 nud permanent'],
    command: 'ip neigh show',
  },
  { name: 'fdb-add', setup: BRIDGE_UP, command: 'bridge fdb add 02:00:00:00:00:0a dev v1 master' },
  {
    name: 'fdb-dump',
    setup: [...BRIDGE_UP, 'bridge fdb add 02:00:00:00:00:0a dev v1 master'],
    command: 'bridge fdb show',
  },
  { name: 'rule-add', setup: [], command: 'ip rule add from 10.0.0.0/24 table 100 pref 1000' },
  { name: 'rule-dump', setup: ['ip rule add from 10.0.0.0/24 table 100 pref 1000'], command: 'ip rule show' },
  {
    // vxlan rejects a 2-byte IFLA_ADDRESS with NL_SET_ERR_MSG_ATTR: the ack carries MSG and OFFS.
    name: 'error-ext-ack',
    setup: [],
    command: 'ip link add vx1 address 00:11 type vxlan id 42 dstport 4789',
    fails: true,
    check: checkExtAck,
  },
  { name: 'link-del', setup: VETH, command: 'ip link del v0' },
  {
    name: 'netns-nsid',
    setup: [
      `ip netns set ${NS2} 7`,
      `ip link add v0 type veth peer name v1 netns ${NS2}`,
      'ip link set v0 up',
    ],
    command: 'ip -d link show',
    twoNamespaces: true,
    check: checkLinkNetnsid,
  },
];

function run(argv: string[], allowFailure = false): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.error) throw r.error;
  const status = r.status ?? -1;
  if (status !== 0 && !allowFailure) {
    throw new Error(`${argv.join(' ')} exited with ${status}: ${r.stderr.trim()}`);
  }
  return { status, stdout: r.stdout, stderr: r.stderr };
}

function inNs(command: string, allowFailure = false): ReturnType<typeof run> {
  return run(['ip', 'netns', 'exec', NS, ...command.split(' ')], allowFailure);
}

function removeNamespaces(): void {
  for (const ns of [NS, NS2]) run(['ip', 'netns', 'del', ns], true);
}

/**
 * Splits a datagram into netlink messages: [type, flags, message bytes][]. Throws when they do not tile
 * it, except for zero bytes after the last message (iproute2 sends some dump requests as a whole C struct,
 * nlmsg_len shorter than the datagram; the kernel stops at the zero length).
 */
function split(bytes: Uint8Array, where: string): Array<[number, number, Uint8Array]> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Array<[number, number, Uint8Array]> = [];
  let off = 0;
  while (off < bytes.length) {
    const len = bytes.length - off >= 16 ? dv.getUint32(off, true) : 0;
    if (out.length > 0 && bytes.subarray(off).every((b) => b === 0)) break;
    if (len < 16 || len > bytes.length - off)
      throw new Error(`${where}: netlink messages do not tile the datagram`);
    out.push([dv.getUint16(off + 4, true), dv.getUint16(off + 6, true), bytes.subarray(off, off + len)]);
    off += (len + 3) & ~3;
  }
  return out;
}

/** Attribute types found in a run of netlink attributes. */
function attrTypes(bytes: Uint8Array, start: number): Set<number> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types = new Set<number>();
  let off = start;
  while (bytes.length - off >= 4) {
    const len = dv.getUint16(off, true);
    if (len < 4) break;
    types.add(dv.getUint16(off + 2, true) & 0x3fff);
    off += (len + 3) & ~3;
  }
  return types;
}

function checkExtAck(messages: CapturedMessage[]): void {
  const NLMSG_ERROR = 2;
  const NLM_F_CAPPED = 0x100;
  const NLM_F_ACK_TLVS = 0x200;
  for (const m of messages) {
    if (m.direction !== 'from-kernel') continue;
    for (const [type, flags, msg] of split(m.bytes, 'error-ext-ack')) {
      if (type !== NLMSG_ERROR || !(flags & NLM_F_ACK_TLVS)) continue;
      const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
      const inner = flags & NLM_F_CAPPED ? 16 : dv.getUint32(20, true);
      const tlvs = attrTypes(msg, 16 + 4 + ((inner + 3) & ~3));
      if (tlvs.has(1) && tlvs.has(2)) return; // NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS
    }
  }
  throw new Error('error-ext-ack: no NLMSG_ERROR with NLMSGERR_ATTR_MSG and NLMSGERR_ATTR_OFFS');
}

function checkLinkNetnsid(messages: CapturedMessage[]): void {
  const RTM_NEWLINK = 16;
  const IFLA_LINK_NETNSID = 37;
  for (const m of messages) {
    if (m.direction !== 'from-kernel') continue;
    for (const [type, , msg] of split(m.bytes, 'netns-nsid')) {
      if (type === RTM_NEWLINK && attrTypes(msg, 32).has(IFLA_LINK_NETNSID)) return;
    }
  }
  throw new Error('netns-nsid: no RTM_NEWLINK with IFLA_LINK_NETNSID');
}

function capture(s: Scenario, tmp: string, versions: { kernel: string; iproute2: string }): number {
  removeNamespaces();
  try {
    run(['ip', 'netns', 'add', NS]);
    if (s.twoNamespaces) run(['ip', 'netns', 'add', NS2]);
    inNs('ip link set lo up');
    for (const c of s.setup) inNs(c);
    const trace = join(tmp, `${s.name}.strace`);
    const r = run(
      ['ip', 'netns', 'exec', NS, 'strace', ...STRACE_OPTIONS, '-o', trace, ...s.command.split(' ')],
      true,
    );
    if ((r.status !== 0) !== (s.fails ?? false)) {
      throw new Error(`${s.name}: '${s.command}' exited with ${r.status}: ${r.stderr.trim()}`);
    }
    const messages = parseStrace(readFileSync(trace, 'utf8'));
    if (messages.length === 0) throw new Error(`${s.name}: no netlink traffic captured`);
    for (const [i, m] of messages.entries()) split(m.bytes, `${s.name} message ${i}`);
    s.check?.(messages);
    writeFileSync(join(OUT_DIR, `${s.name}.pcap`), writePcap(messages));
    const json = {
      command: s.command,
      setup: s.setup,
      kernel: versions.kernel,
      iproute2: versions.iproute2,
      captured: new Date().toISOString(),
      messages: messages.map((m) => ({ direction: m.direction, hex: toHex(m.bytes) })),
    };
    writeFileSync(join(OUT_DIR, `${s.name}.json`), `${JSON.stringify(json, null, 2)}\n`);
    return messages.length;
  } finally {
    removeNamespaces();
  }
}

function main(): void {
  if (process.getuid?.() !== 0) {
    console.error('capture-fixtures: run as root (it creates network namespaces)');
    process.exit(1);
  }
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
  if (unknown.length > 0) {
    console.error(`capture-fixtures: unknown scenario(s) ${unknown.join(', ')}`);
    process.exit(1);
  }
  run(['strace', '-V']);
  const versions = { kernel: release(), iproute2: run(['ip', '-V']).stdout.trim() };
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'nlw-fixtures-'));
  const onSignal = (): void => {
    removeNamespaces();
    rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (const s of SCENARIOS) {
      if (wanted.length > 0 && !wanted.includes(s.name)) continue;
      const n = capture(s, tmp, versions);
      console.log(`${s.name.padEnd(16)} ${String(n).padStart(3)} messages  ${s.command}`);
    }
  } finally {
    removeNamespaces();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
