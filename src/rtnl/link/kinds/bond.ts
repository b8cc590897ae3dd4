/**
 * Bonding (kind `bond`): link aggregation over enslaved ports. IFLA_INFO_DATA is IFLA_BOND_* (mode, link
 * monitoring, ARP/NS targets, 802.3ad parameters); each port reports IFLA_BOND_SLAVE_* in
 * IFLA_INFO_SLAVE_DATA.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { IFLA_BOND, IFLA_BOND_AD_INFO, IFLA_BOND_SLAVE } from '../../../constants/if_link.js';
import { ipv4, ipv6, lladdr, parseMac } from '../../../netlink/address.js';
import { bits, named, s32, u8, u16, u32, type ValueOf } from '../../../netlink/codec.js';
import { ValidationError } from '../../../netlink/errors.js';
import { attrSet, indexedArray } from '../../../netlink/schema.js';
import { validateInt, validateU32 } from '../../validate.js';
import { registerKind } from '../registry.js';
import { checkBool, checkOptionKeys } from './iptun.js';

// Value names. The uapi ones (linux/if_bonding.h) are checked against the header by the tests; the others
// exist only in the kernel's private headers (include/net/bonding.h, bond_3ad.h), which no uapi header
// or vmlinux BTF (bonding is a module) carries.

/** BOND_MODE_*: values of IFLA_BOND_MODE (linux/if_bonding.h). */
export const BOND_MODE = {
  BOND_MODE_ROUNDROBIN: 0,
  BOND_MODE_ACTIVEBACKUP: 1,
  BOND_MODE_XOR: 2,
  BOND_MODE_BROADCAST: 3,
  BOND_MODE_8023AD: 4,
  BOND_MODE_TLB: 5,
  BOND_MODE_ALB: 6,
} as const;

/** BOND_XMIT_POLICY_*: values of IFLA_BOND_XMIT_HASH_POLICY (linux/if_bonding.h). */
export const BOND_XMIT_POLICY = {
  BOND_XMIT_POLICY_LAYER2: 0,
  BOND_XMIT_POLICY_LAYER34: 1,
  BOND_XMIT_POLICY_LAYER23: 2,
  BOND_XMIT_POLICY_ENCAP23: 3,
  BOND_XMIT_POLICY_ENCAP34: 4,
  BOND_XMIT_POLICY_VLAN_SRCMAC: 5,
} as const;

/** BOND_STATE_*: values of IFLA_BOND_SLAVE_STATE (linux/if_bonding.h). */
export const BOND_STATE = { BOND_STATE_ACTIVE: 0, BOND_STATE_BACKUP: 1 } as const;

/** BOND_LINK_*: values of IFLA_BOND_SLAVE_MII_STATUS (linux/if_bonding.h). */
export const BOND_LINK = {
  BOND_LINK_UP: 0,
  BOND_LINK_FAIL: 1,
  BOND_LINK_DOWN: 2,
  BOND_LINK_BACK: 3,
} as const;

/** BOND_ARP_VALIDATE_* / BOND_ARP_FILTER*: values of IFLA_BOND_ARP_VALIDATE (include/net/bonding.h). */
export const BOND_ARP_VALIDATE = {
  BOND_ARP_VALIDATE_NONE: 0,
  BOND_ARP_VALIDATE_ACTIVE: 1,
  BOND_ARP_VALIDATE_BACKUP: 2,
  BOND_ARP_VALIDATE_ALL: 3,
  BOND_ARP_FILTER: 4,
  BOND_ARP_FILTER_ACTIVE: 5,
  BOND_ARP_FILTER_BACKUP: 6,
} as const;

/** BOND_ARP_TARGETS_*: values of IFLA_BOND_ARP_ALL_TARGETS (include/net/bonding.h). */
export const BOND_ARP_TARGETS = { BOND_ARP_TARGETS_ANY: 0, BOND_ARP_TARGETS_ALL: 1 } as const;

/** BOND_PRI_RESELECT_*: values of IFLA_BOND_PRIMARY_RESELECT (include/net/bonding.h). */
export const BOND_PRI_RESELECT = {
  BOND_PRI_RESELECT_ALWAYS: 0,
  BOND_PRI_RESELECT_BETTER: 1,
  BOND_PRI_RESELECT_FAILURE: 2,
} as const;

/** BOND_FOM_*: values of IFLA_BOND_FAIL_OVER_MAC (include/net/bonding.h). */
export const BOND_FOM = { BOND_FOM_NONE: 0, BOND_FOM_ACTIVE: 1, BOND_FOM_FOLLOW: 2 } as const;

/** AD_LACP_*: values of IFLA_BOND_AD_LACP_RATE (include/net/bond_3ad.h). */
export const AD_LACP = { AD_LACP_SLOW: 0, AD_LACP_FAST: 1 } as const;

/** BOND_AD_*: values of IFLA_BOND_AD_SELECT (include/net/bond_3ad.h; BOND_AD_PRIO since 6.18). */
export const BOND_AD_SELECT = {
  BOND_AD_STABLE: 0,
  BOND_AD_BANDWIDTH: 1,
  BOND_AD_COUNT: 2,
  BOND_AD_PRIO: 3,
} as const;

/** AD_STATE_*: LACP port state bits of IFLA_BOND_SLAVE_AD_*_OPER_PORT_STATE (include/net/bond_3ad.h). */
export const AD_STATE = {
  AD_STATE_LACP_ACTIVITY: 0x1,
  AD_STATE_LACP_TIMEOUT: 0x2,
  AD_STATE_AGGREGATION: 0x4,
  AD_STATE_SYNCHRONIZATION: 0x8,
  AD_STATE_COLLECTING: 0x10,
  AD_STATE_DISTRIBUTING: 0x20,
  AD_STATE_DEFAULTED: 0x40,
  AD_STATE_EXPIRED: 0x80,
} as const;

/** AD_CHURN*: values of IFLA_BOND_SLAVE_AD_CHURN_*_STATE (include/net/bond_3ad.h). */
export const AD_CHURN = { AD_CHURN_MONITOR: 0, AD_CHURN: 1, AD_NO_CHURN: 2 } as const;

/** IFLA_BOND_AD_INFO_*: the active aggregator of an 802.3ad bond (read only). */
export const bondAdInfoAttrs = attrSet('IFLA_BOND_AD_INFO', IFLA_BOND_AD_INFO, {
  aggregator: ['IFLA_BOND_AD_INFO_AGGREGATOR', u16],
  numPorts: ['IFLA_BOND_AD_INFO_NUM_PORTS', u16],
  actorKey: ['IFLA_BOND_AD_INFO_ACTOR_KEY', u16],
  partnerKey: ['IFLA_BOND_AD_INFO_PARTNER_KEY', u16],
  partnerMac: ['IFLA_BOND_AD_INFO_PARTNER_MAC', lladdr],
});

/** IFLA_BOND_*: IFLA_INFO_DATA of kind bond. */
export const bondAttrs = attrSet('IFLA_BOND', IFLA_BOND, {
  mode: ['IFLA_BOND_MODE', named(u8, BOND_MODE)],
  activeSlave: ['IFLA_BOND_ACTIVE_SLAVE', u32],
  miimon: ['IFLA_BOND_MIIMON', u32],
  updelay: ['IFLA_BOND_UPDELAY', u32],
  downdelay: ['IFLA_BOND_DOWNDELAY', u32],
  useCarrier: ['IFLA_BOND_USE_CARRIER', u8],
  arpInterval: ['IFLA_BOND_ARP_INTERVAL', u32],
  arpIpTarget: ['IFLA_BOND_ARP_IP_TARGET', indexedArray(ipv4)],
  arpValidate: ['IFLA_BOND_ARP_VALIDATE', named(u32, BOND_ARP_VALIDATE)],
  arpAllTargets: ['IFLA_BOND_ARP_ALL_TARGETS', named(u32, BOND_ARP_TARGETS)],
  primary: ['IFLA_BOND_PRIMARY', u32],
  primaryReselect: ['IFLA_BOND_PRIMARY_RESELECT', named(u8, BOND_PRI_RESELECT)],
  failOverMac: ['IFLA_BOND_FAIL_OVER_MAC', named(u8, BOND_FOM)],
  xmitHashPolicy: ['IFLA_BOND_XMIT_HASH_POLICY', named(u8, BOND_XMIT_POLICY)],
  resendIgmp: ['IFLA_BOND_RESEND_IGMP', u32],
  numPeerNotif: ['IFLA_BOND_NUM_PEER_NOTIF', u8],
  allSlavesActive: ['IFLA_BOND_ALL_SLAVES_ACTIVE', u8],
  minLinks: ['IFLA_BOND_MIN_LINKS', u32],
  lpInterval: ['IFLA_BOND_LP_INTERVAL', u32],
  packetsPerSlave: ['IFLA_BOND_PACKETS_PER_SLAVE', u32],
  adLacpRate: ['IFLA_BOND_AD_LACP_RATE', named(u8, AD_LACP)],
  adSelect: ['IFLA_BOND_AD_SELECT', named(u8, BOND_AD_SELECT)],
  adInfo: ['IFLA_BOND_AD_INFO', bondAdInfoAttrs],
  adActorSysPrio: ['IFLA_BOND_AD_ACTOR_SYS_PRIO', u16],
  adUserPortKey: ['IFLA_BOND_AD_USER_PORT_KEY', u16],
  adActorSystem: ['IFLA_BOND_AD_ACTOR_SYSTEM', lladdr],
  tlbDynamicLb: ['IFLA_BOND_TLB_DYNAMIC_LB', u8],
  peerNotifDelay: ['IFLA_BOND_PEER_NOTIF_DELAY', u32],
  adLacpActive: ['IFLA_BOND_AD_LACP_ACTIVE', u8],
  missedMax: ['IFLA_BOND_MISSED_MAX', u8],
  nsIp6Target: ['IFLA_BOND_NS_IP6_TARGET', indexedArray(ipv6)],
  coupledControl: ['IFLA_BOND_COUPLED_CONTROL', u8],
});

/** IFLA_BOND_SLAVE_*: IFLA_INFO_SLAVE_DATA of a bond port. */
export const bondSlaveAttrs = attrSet('IFLA_BOND_SLAVE', IFLA_BOND_SLAVE, {
  state: ['IFLA_BOND_SLAVE_STATE', named(u8, BOND_STATE)],
  miiStatus: ['IFLA_BOND_SLAVE_MII_STATUS', named(u8, BOND_LINK)],
  linkFailureCount: ['IFLA_BOND_SLAVE_LINK_FAILURE_COUNT', u32],
  permHwaddr: ['IFLA_BOND_SLAVE_PERM_HWADDR', lladdr],
  queueId: ['IFLA_BOND_SLAVE_QUEUE_ID', u16],
  adAggregatorId: ['IFLA_BOND_SLAVE_AD_AGGREGATOR_ID', u16],
  adActorOperPortState: ['IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE', bits(u8, AD_STATE)],
  adPartnerOperPortState: ['IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE', bits(u16, AD_STATE)],
  prio: ['IFLA_BOND_SLAVE_PRIO', s32],
  actorPortPrio: ['IFLA_BOND_SLAVE_ACTOR_PORT_PRIO', u16],
  adChurnActorState: ['IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE', named(u8, AD_CHURN)],
  adChurnPartnerState: ['IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE', named(u8, AD_CHURN)],
});

/** Decoded IFLA_INFO_DATA of a bond. */
export type BondData = ValueOf<typeof bondAttrs>;
/** Decoded IFLA_INFO_SLAVE_DATA of a bond port. */
export type BondSlaveData = ValueOf<typeof bondSlaveAttrs>;

// Typed access through linkData() / linkSlaveData().
declare module '../link.js' {
  interface KindDataMap {
    /** bond. */
    bond: BondData;
  }
  interface SlaveDataMap {
    /** a port of a bond. */
    bond: BondSlaveData;
  }
}

/** The bond kind. */
export const bondKind = registerKind({
  kind: 'bond',
  data: bondAttrs,
  slaveData: bondSlaveAttrs,
  summary: 'Bonding: link aggregation and failover over enslaved ports',
});

/** Bonding modes, as `ip` and sysfs name them. */
export type BondMode =
  | 'balance-rr'
  | 'active-backup'
  | 'balance-xor'
  | 'broadcast'
  | '802.3ad'
  | 'balance-tlb'
  | 'balance-alb';

/** Options of a new bond (`ip link add NAME type bond ...`). Times are in milliseconds. */
export interface BondOptions {
  /** The bonding mode (kernel default balance-rr). */
  mode?: BondMode;
  /** Ifindex of the active port (active-backup, balance-tlb, balance-alb). */
  activeSlave?: number;
  /** Ifindex of the preferred port (active-backup, balance-tlb, balance-alb). */
  primary?: number;
  /** When the primary becomes active again. */
  primaryReselect?: 'always' | 'better' | 'failure';
  /** MII link monitoring interval, 0 (off)..2147483647. */
  miimon?: number;
  /** Delay before a port is taken as up, 0..2147483647. */
  updelay?: number;
  /** Delay before a port is taken as down, 0..2147483647. */
  downdelay?: number;
  /** Delay between peer notifications, 0..2147483647. */
  peerNotifyDelay?: number;
  /** Use the carrier state for MII monitoring (kernel default true). */
  useCarrier?: boolean;
  /** ARP monitoring interval, 0 (off)..2147483647. */
  arpInterval?: number;
  /** ARP monitoring targets (IPv4, at most 16). */
  arpIpTargets?: string[];
  /** Neighbour solicitation targets (IPv6, at most 16). */
  nsIp6Targets?: string[];
  /** Which ARP replies count. */
  arpValidate?: 'none' | 'active' | 'backup' | 'all' | 'filter' | 'filter_active' | 'filter_backup';
  /** Whether any or all ARP targets must answer. */
  arpAllTargets?: 'any' | 'all';
  /** Missed ARP/NS monitor intervals before a port is down, 1..255. */
  missedMax?: number;
  /** MAC address policy of active-backup. */
  failOverMac?: 'none' | 'active' | 'follow';
  /** The transmit hash of balance-xor, 802.3ad and balance-tlb. */
  xmitHashPolicy?: 'layer2' | 'layer3+4' | 'layer2+3' | 'encap2+3' | 'encap3+4' | 'vlan+srcmac';
  /** IGMP reports sent after a failover, 0..255. */
  resendIgmp?: number;
  /** Peer notifications (gratuitous ARP / unsolicited NA) after a failover, 0..255. */
  numPeerNotif?: number;
  /** Deliver frames received on inactive ports. */
  allSlavesActive?: boolean;
  /** Ports that must be up for the bond to have carrier, 0..2147483647. */
  minLinks?: number;
  /** Seconds between learning packets (balance-tlb/alb), 1..2147483647. */
  lpInterval?: number;
  /** Packets sent on a port before the next (balance-rr), 0 (random)..65535. */
  packetsPerSlave?: number;
  /** LACPDU rate asked of the partner (802.3ad). */
  lacpRate?: 'slow' | 'fast';
  /** Send LACPDUs (true) or only answer them (false) (802.3ad). */
  lacpActive?: boolean;
  /** Aggregator selection (802.3ad). */
  adSelect?: 'stable' | 'bandwidth' | 'count' | 'actor_port_prio';
  /** System priority (802.3ad), 1..65535. */
  adActorSysPrio?: number;
  /** User part of the port key (802.3ad), 0..1023. */
  adUserPortKey?: number;
  /** System MAC address (802.3ad). */
  adActorSystem?: string;
  /** Dynamic flow shuffling (balance-tlb). */
  tlbDynamicLb?: boolean;
  /** Couple the collecting and distributing states (802.3ad). */
  coupledControl?: boolean;
}

const INT_MAX = 0x7fffffff;
/** BOND_MAX_ARP_TARGETS / BOND_MAX_NS_TARGETS (include/net/bonding.h). */
const MAX_TARGETS = 16;

const MODES: Record<BondMode, number> = {
  'balance-rr': BOND_MODE.BOND_MODE_ROUNDROBIN,
  'active-backup': BOND_MODE.BOND_MODE_ACTIVEBACKUP,
  'balance-xor': BOND_MODE.BOND_MODE_XOR,
  broadcast: BOND_MODE.BOND_MODE_BROADCAST,
  '802.3ad': BOND_MODE.BOND_MODE_8023AD,
  'balance-tlb': BOND_MODE.BOND_MODE_TLB,
  'balance-alb': BOND_MODE.BOND_MODE_ALB,
};
const ARP_VALIDATE: Record<string, number> = {
  none: BOND_ARP_VALIDATE.BOND_ARP_VALIDATE_NONE,
  active: BOND_ARP_VALIDATE.BOND_ARP_VALIDATE_ACTIVE,
  backup: BOND_ARP_VALIDATE.BOND_ARP_VALIDATE_BACKUP,
  all: BOND_ARP_VALIDATE.BOND_ARP_VALIDATE_ALL,
  filter: BOND_ARP_VALIDATE.BOND_ARP_FILTER,
  filter_active: BOND_ARP_VALIDATE.BOND_ARP_FILTER_ACTIVE,
  filter_backup: BOND_ARP_VALIDATE.BOND_ARP_FILTER_BACKUP,
};
const ARP_ALL_TARGETS: Record<string, number> = { any: 0, all: 1 };
const PRI_RESELECT: Record<string, number> = { always: 0, better: 1, failure: 2 };
const FAIL_OVER_MAC: Record<string, number> = { none: 0, active: 1, follow: 2 };
const XMIT_HASH: Record<string, number> = {
  layer2: BOND_XMIT_POLICY.BOND_XMIT_POLICY_LAYER2,
  'layer3+4': BOND_XMIT_POLICY.BOND_XMIT_POLICY_LAYER34,
  'layer2+3': BOND_XMIT_POLICY.BOND_XMIT_POLICY_LAYER23,
  'encap2+3': BOND_XMIT_POLICY.BOND_XMIT_POLICY_ENCAP23,
  'encap3+4': BOND_XMIT_POLICY.BOND_XMIT_POLICY_ENCAP34,
  'vlan+srcmac': BOND_XMIT_POLICY.BOND_XMIT_POLICY_VLAN_SRCMAC,
};
const LACP_RATE: Record<string, number> = { slow: AD_LACP.AD_LACP_SLOW, fast: AD_LACP.AD_LACP_FAST };
const AD_SELECT: Record<string, number> = {
  stable: BOND_AD_SELECT.BOND_AD_STABLE,
  bandwidth: BOND_AD_SELECT.BOND_AD_BANDWIDTH,
  count: BOND_AD_SELECT.BOND_AD_COUNT,
  actor_port_prio: BOND_AD_SELECT.BOND_AD_PRIO,
};

function pick(field: string, v: unknown, table: Record<string, number>): number {
  if (typeof v === 'string' && Object.hasOwn(table, v)) return table[v];
  throw new ValidationError(
    field,
    v,
    `expected one of ${Object.keys(table)
      .map((k) => `'${k}'`)
      .join(', ')}`,
  );
}

function targets(field: string, v: unknown, version: 4 | 6): string[] {
  if (!Array.isArray(v)) throw new ValidationError(field, v, `expected an array of IPv${version} addresses`);
  if (v.length > MAX_TARGETS) throw new ValidationError(field, v, `at most ${MAX_TARGETS} targets`);
  return v.map((a: unknown, i) => {
    if (typeof a === 'string' && (version === 4 ? isIPv4(a) : isIPv6(a) && !a.includes('%'))) return a;
    throw new ValidationError(`${field}[${i}]`, a, `not an IPv${version} address`);
  });
}

const KEYS = [
  'mode',
  'activeSlave',
  'primary',
  'primaryReselect',
  'miimon',
  'updelay',
  'downdelay',
  'peerNotifyDelay',
  'useCarrier',
  'arpInterval',
  'arpIpTargets',
  'nsIp6Targets',
  'arpValidate',
  'arpAllTargets',
  'missedMax',
  'failOverMac',
  'xmitHashPolicy',
  'resendIgmp',
  'numPeerNotif',
  'allSlavesActive',
  'minLinks',
  'lpInterval',
  'packetsPerSlave',
  'lacpRate',
  'lacpActive',
  'adSelect',
  'adActorSysPrio',
  'adUserPortKey',
  'adActorSystem',
  'tlbDynamicLb',
  'coupledControl',
];

/** Checks bond options and builds IFLA_INFO_DATA. Throws ValidationError naming the field. */
export function buildBondData(opts: BondOptions = {}): BondData {
  checkOptionKeys('bond', opts, KEYS);
  const d: BondData = {};
  const o = opts;
  const ms = (k: keyof BondOptions) => validateInt(`bond.${k}`, o[k], 0, INT_MAX);
  const b8 = (k: keyof BondOptions) => (checkBool(`bond.${k}`, o[k]) ? 1 : 0);
  if (o.mode !== undefined) d.mode = pick('bond.mode', o.mode, MODES);
  if (o.activeSlave !== undefined) d.activeSlave = validateU32('bond.activeSlave', o.activeSlave);
  if (o.primary !== undefined) d.primary = validateU32('bond.primary', o.primary);
  if (o.primaryReselect !== undefined)
    d.primaryReselect = pick('bond.primaryReselect', o.primaryReselect, PRI_RESELECT);
  if (o.miimon !== undefined) d.miimon = ms('miimon');
  if (o.updelay !== undefined) d.updelay = ms('updelay');
  if (o.downdelay !== undefined) d.downdelay = ms('downdelay');
  if (o.peerNotifyDelay !== undefined) d.peerNotifDelay = ms('peerNotifyDelay');
  if (o.useCarrier !== undefined) d.useCarrier = b8('useCarrier');
  if (o.arpInterval !== undefined) d.arpInterval = ms('arpInterval');
  if (o.arpIpTargets !== undefined) d.arpIpTarget = targets('bond.arpIpTargets', o.arpIpTargets, 4);
  if (o.nsIp6Targets !== undefined) d.nsIp6Target = targets('bond.nsIp6Targets', o.nsIp6Targets, 6);
  if (o.arpValidate !== undefined) d.arpValidate = pick('bond.arpValidate', o.arpValidate, ARP_VALIDATE);
  if (o.arpAllTargets !== undefined)
    d.arpAllTargets = pick('bond.arpAllTargets', o.arpAllTargets, ARP_ALL_TARGETS);
  if (o.missedMax !== undefined) d.missedMax = validateInt('bond.missedMax', o.missedMax, 1, 255);
  if (o.failOverMac !== undefined) d.failOverMac = pick('bond.failOverMac', o.failOverMac, FAIL_OVER_MAC);
  if (o.xmitHashPolicy !== undefined)
    d.xmitHashPolicy = pick('bond.xmitHashPolicy', o.xmitHashPolicy, XMIT_HASH);
  if (o.resendIgmp !== undefined) d.resendIgmp = validateInt('bond.resendIgmp', o.resendIgmp, 0, 255);
  if (o.numPeerNotif !== undefined) d.numPeerNotif = validateInt('bond.numPeerNotif', o.numPeerNotif, 0, 255);
  if (o.allSlavesActive !== undefined) d.allSlavesActive = b8('allSlavesActive');
  if (o.minLinks !== undefined) d.minLinks = ms('minLinks');
  if (o.lpInterval !== undefined) d.lpInterval = validateInt('bond.lpInterval', o.lpInterval, 1, INT_MAX);
  if (o.packetsPerSlave !== undefined)
    d.packetsPerSlave = validateInt('bond.packetsPerSlave', o.packetsPerSlave, 0, 0xffff);
  if (o.lacpRate !== undefined) d.adLacpRate = pick('bond.lacpRate', o.lacpRate, LACP_RATE);
  if (o.lacpActive !== undefined) d.adLacpActive = b8('lacpActive');
  if (o.adSelect !== undefined) d.adSelect = pick('bond.adSelect', o.adSelect, AD_SELECT);
  if (o.adActorSysPrio !== undefined)
    d.adActorSysPrio = validateInt('bond.adActorSysPrio', o.adActorSysPrio, 1, 0xffff);
  if (o.adUserPortKey !== undefined)
    d.adUserPortKey = validateInt('bond.adUserPortKey', o.adUserPortKey, 0, 1023);
  if (o.adActorSystem !== undefined) {
    const mac = parseMac(o.adActorSystem, 'bond.adActorSystem');
    if (mac.length !== 6 || mac[0] & 1 || mac.every((x) => x === 0))
      throw new ValidationError(
        'bond.adActorSystem',
        o.adActorSystem,
        'expected a non-zero unicast MAC address',
      );
    d.adActorSystem = o.adActorSystem;
  }
  if (o.tlbDynamicLb !== undefined) d.tlbDynamicLb = b8('tlbDynamicLb');
  if (o.coupledControl !== undefined) d.coupledControl = b8('coupledControl');
  return d;
}
