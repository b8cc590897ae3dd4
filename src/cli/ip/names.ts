/**
 * The names `ip` prints and accepts for numbers: routing tables, device groups and route protocols
 * (built in, plus /etc/iproute2/{rt_tables,group,rt_protos} and their `.d` directories, read on first
 * use as ip reads them), scopes, and link-layer types (`link/ether`).
 */
import fs from 'node:fs';
import { ARPHRD } from '../../constants/if_arp.js';
import { RT_SCOPE, RT_TABLE, RTPROT } from '../../constants/rtnetlink.js';

const CONFDIR = '/etc/iproute2';

/** Reads `NUMBER NAME` lines (ip's rtnl_tab_initialize); missing files are fine. */
function readTable(base: string, into: Map<number, string>): void {
  const files = [`${CONFDIR}/${base}`];
  try {
    for (const f of fs.readdirSync(`${CONFDIR}/${base}.d`).sort())
      if (f.endsWith('.conf')) files.push(`${CONFDIR}/${base}.d/${f}`);
  } catch {
    // no .d directory
  }
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      const m = /^(0x[0-9a-f]+|\d+)\s+(\S+)/i.exec(line);
      if (!m) continue;
      const n = Number(m[1]);
      if (Number.isSafeInteger(n)) into.set(n, m[2]);
    }
  }
}

class NameTable {
  private loaded = false;
  private readonly byNumber: Map<number, string>;

  constructor(
    private readonly file: string,
    builtin: ReadonlyArray<readonly [number, string]>,
  ) {
    this.byNumber = new Map(builtin);
  }

  private load(): Map<number, string> {
    if (!this.loaded) {
      this.loaded = true;
      readTable(this.file, this.byNumber);
    }
    return this.byNumber;
  }

  /** The name of n, or n in decimal. */
  name(n: number): string {
    return this.load().get(n) ?? String(n);
  }

  /** The number of a name (or a number as text), or undefined. */
  number(s: string): number | undefined {
    for (const [k, v] of this.load()) if (v === s) return k;
    if (/^(0x[0-9a-f]+|\d+)$/i.test(s)) {
      const n = Number(s);
      if (Number.isSafeInteger(n)) return n;
    }
    return undefined;
  }
}

/** Routing tables (rtnl_rttable_n2a): main, local, default, and /etc/iproute2/rt_tables. */
export const TABLES = new NameTable('rt_tables', [
  [RT_TABLE.RT_TABLE_DEFAULT, 'default'],
  [RT_TABLE.RT_TABLE_MAIN, 'main'],
  [RT_TABLE.RT_TABLE_LOCAL, 'local'],
]);

/** Device groups (rtnl_group_n2a): 0 is `default`. */
export const GROUPS = new NameTable('group', [[0, 'default']]);

/** Route protocols (rtnl_rtprot_n2a): ip's built-in names and /etc/iproute2/rt_protos. */
export const PROTOCOLS = new NameTable('rt_protos', [
  [RTPROT.RTPROT_UNSPEC, 'unspec'],
  [RTPROT.RTPROT_REDIRECT, 'redirect'],
  [RTPROT.RTPROT_KERNEL, 'kernel'],
  [RTPROT.RTPROT_BOOT, 'boot'],
  [RTPROT.RTPROT_STATIC, 'static'],
  [RTPROT.RTPROT_GATED, 'gated'],
  [RTPROT.RTPROT_RA, 'ra'],
  [RTPROT.RTPROT_MRT, 'mrt'],
  [RTPROT.RTPROT_ZEBRA, 'zebra'],
  [RTPROT.RTPROT_BIRD, 'bird'],
  [RTPROT.RTPROT_BABEL, 'babel'],
  [RTPROT.RTPROT_DNROUTED, 'dnrouted'],
  [RTPROT.RTPROT_XORP, 'xorp'],
  [RTPROT.RTPROT_NTK, 'ntk'],
  [RTPROT.RTPROT_DHCP, 'dhcp'],
  [RTPROT.RTPROT_KEEPALIVED, 'keepalived'],
  [RTPROT.RTPROT_BGP, 'bgp'],
  [RTPROT.RTPROT_ISIS, 'isis'],
  [RTPROT.RTPROT_OSPF, 'ospf'],
  [RTPROT.RTPROT_RIP, 'rip'],
  [RTPROT.RTPROT_EIGRP, 'eigrp'],
]);

/** Scopes (rtnl_rtscope_n2a). */
export const SCOPES = new NameTable('rt_scopes', [
  [RT_SCOPE.RT_SCOPE_UNIVERSE, 'global'],
  [RT_SCOPE.RT_SCOPE_NOWHERE, 'nowhere'],
  [RT_SCOPE.RT_SCOPE_HOST, 'host'],
  [RT_SCOPE.RT_SCOPE_LINK, 'link'],
  [RT_SCOPE.RT_SCOPE_SITE, 'site'],
]);

// ll_types.c: ARPHRD_* by the names ip prints after `link/`.
const LINK_TYPE_NAMES: Readonly<Partial<Record<keyof typeof ARPHRD, string>>> = {
  ARPHRD_NETROM: 'netrom',
  ARPHRD_ETHER: 'ether',
  ARPHRD_EETHER: 'eether',
  ARPHRD_AX25: 'ax25',
  ARPHRD_PRONET: 'pronet',
  ARPHRD_CHAOS: 'chaos',
  ARPHRD_IEEE802: 'ieee802',
  ARPHRD_ARCNET: 'arcnet',
  ARPHRD_APPLETLK: 'atalk',
  ARPHRD_DLCI: 'dlci',
  ARPHRD_ATM: 'atm',
  ARPHRD_METRICOM: 'metricom',
  ARPHRD_IEEE1394: 'ieee1394',
  ARPHRD_INFINIBAND: 'infiniband',
  ARPHRD_SLIP: 'slip',
  ARPHRD_CSLIP: 'cslip',
  ARPHRD_SLIP6: 'slip6',
  ARPHRD_CSLIP6: 'cslip6',
  ARPHRD_RSRVD: 'rsrvd',
  ARPHRD_ADAPT: 'adapt',
  ARPHRD_ROSE: 'rose',
  ARPHRD_X25: 'x25',
  ARPHRD_HWX25: 'hwx25',
  ARPHRD_CAN: 'can',
  ARPHRD_MCTP: 'mctp',
  ARPHRD_PPP: 'ppp',
  ARPHRD_HDLC: 'hdlc',
  ARPHRD_LAPB: 'lapb',
  ARPHRD_DDCMP: 'ddcmp',
  ARPHRD_RAWHDLC: 'rawhdlc',
  ARPHRD_RAWIP: 'rawip',
  ARPHRD_TUNNEL: 'ipip',
  ARPHRD_TUNNEL6: 'tunnel6',
  ARPHRD_FRAD: 'frad',
  ARPHRD_SKIP: 'skip',
  ARPHRD_LOOPBACK: 'loopback',
  ARPHRD_LOCALTLK: 'ltalk',
  ARPHRD_FDDI: 'fddi',
  ARPHRD_BIF: 'bif',
  ARPHRD_SIT: 'sit',
  ARPHRD_IPDDP: 'ip/ddp',
  ARPHRD_IPGRE: 'gre',
  ARPHRD_PIMREG: 'pimreg',
  ARPHRD_HIPPI: 'hippi',
  ARPHRD_ASH: 'ash',
  ARPHRD_ECONET: 'econet',
  ARPHRD_IRDA: 'irda',
  ARPHRD_FCPP: 'fcpp',
  ARPHRD_FCAL: 'fcal',
  ARPHRD_FCPL: 'fcpl',
  ARPHRD_FCFABRIC: 'fcfb0',
  ARPHRD_IEEE802_TR: 'tr',
  ARPHRD_IEEE80211: 'ieee802.11',
  ARPHRD_IEEE80211_PRISM: 'ieee802.11/prism',
  ARPHRD_IEEE80211_RADIOTAP: 'ieee802.11/radiotap',
  ARPHRD_IEEE802154: 'ieee802.15.4',
  ARPHRD_IEEE802154_MONITOR: 'ieee802.15.4/monitor',
  ARPHRD_PHONET: 'phonet',
  ARPHRD_PHONET_PIPE: 'phonet_pipe',
  ARPHRD_CAIF: 'caif',
  ARPHRD_IP6GRE: 'gre6',
  ARPHRD_NETLINK: 'netlink',
  ARPHRD_6LOWPAN: '6lowpan',
  ARPHRD_VSOCKMON: 'vsockmon',
  ARPHRD_NONE: 'none',
  ARPHRD_VOID: 'void',
};

const LINK_TYPES = new Map<number, string>();
for (const [k, v] of Object.entries(LINK_TYPE_NAMES)) {
  const n = ARPHRD[k as keyof typeof ARPHRD];
  if (!LINK_TYPES.has(n)) LINK_TYPES.set(n, v);
}

/** ip's name of a link-layer type (`ether`, `loopback`, `none`), or `[N]`. */
export function linkTypeName(type: number): string {
  const n = LINK_TYPES.get(type);
  if (n) return n;
  if (type > ARPHRD.ARPHRD_FCFABRIC && type <= ARPHRD.ARPHRD_FCFABRIC + 12)
    return `fcfb${type - ARPHRD.ARPHRD_FCFABRIC}`;
  return `[${type}]`;
}

/**
 * A link-layer address as ip prints it (ll_addr_n2a): IPv4 and IPv6 tunnel endpoints as addresses,
 * anything else as colon-separated hex.
 */
export function linkAddress(mac: string, type: number): string {
  const bytes = mac.split(':').map((h) => Number.parseInt(h, 16));
  if (
    bytes.length === 4 &&
    (type === ARPHRD.ARPHRD_TUNNEL || type === ARPHRD.ARPHRD_SIT || type === ARPHRD.ARPHRD_IPGRE)
  )
    return bytes.join('.');
  if (bytes.length === 16 && (type === ARPHRD.ARPHRD_TUNNEL6 || type === ARPHRD.ARPHRD_IP6GRE)) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
    return compressIPv6(groups);
  }
  return mac;
}

function compressIPv6(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Users and groups by id, for tun/tap owners (getpwuid/getgrgid from /etc/passwd and /etc/group). */
export function accountName(file: '/etc/passwd' | '/etc/group', id: number): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length > 2 && Number(f[2]) === id) return f[0];
  }
  return undefined;
}
