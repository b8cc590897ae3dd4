/**
 * Generates the constant tables in src/constants/*.ts from the system's uapi headers (and, for the socket,
 * errno and mount families, the glibc headers that define them), then adds the enum members that only the
 * running kernel knows, from its BTF.
 *
 *   npx tsx scripts/gen-constants.ts                 write src/constants/*.ts
 *   npx tsx scripts/gen-constants.ts --out DIR       write the tables to DIR instead
 *   npx tsx scripts/gen-constants.ts --refresh-btf   re-dump the kernel's BTF into scripts/data/btf-enums.h first
 *   npx tsx scripts/gen-constants.ts --list          print every group and its source, write nothing
 *
 * BTF comes from scripts/data/btf-enums.h: the enum blocks of `bpftool btf dump file /sys/kernel/btf/vmlinux
 * format c` that the tables use, with the kernel release they came from. Without that file, or with
 * --refresh-btf, the script runs bpftool itself (Debian: `apt-get install bpftool`).
 *
 * The output is deterministic: the same headers and the same BTF file give the same bytes. The script fails
 * loudly on an empty group, an enum it cannot name, an expression it cannot evaluate, or one name with two
 * different values.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the headers live. */
export const INCLUDE = '/usr/include';
/** The committed BTF enum blocks. */
export const BTF_CACHE = join(ROOT, 'scripts/data/btf-enums.h');
const VMLINUX_BTF = '/sys/kernel/btf/vmlinux';

// ---------------------------------------------------------------------------------------------------------
// What to generate.
// ---------------------------------------------------------------------------------------------------------

/** A family of `#define NAME value` macros that becomes one group. */
export interface MacroFamily {
  /** The group name. */
  readonly group: string;
  /** What the values are (the TSDoc line). */
  readonly doc: string;
  /** Macro names that belong: a pattern, or the exact list. The first family that matches takes a macro. */
  readonly match: RegExp | readonly string[];
  /** Names that match but do not belong (masks, sizes, sentinels). */
  readonly exclude?: readonly string[];
  /** The values are wrapped in __cpu_to_be16(): the tables hold the logical (host order) number. */
  readonly be16?: boolean;
}

/** One generated file. */
export interface FileSpec {
  /** Base name of the output file, without .ts. */
  readonly name: string;
  /** Headers to read, relative to INCLUDE, in order. */
  readonly sources: readonly string[];
  /** Which enums become groups: all of them, or only those whose first member is listed. */
  readonly enums: 'all' | readonly string[];
  /** Enums (by first member) that are not groups. */
  readonly skipEnums?: readonly string[];
  /** Macro families, tried in order. */
  readonly macros?: readonly MacroFamily[];
  /** Enums that exist only in the kernel's BTF and belong in this file: their first member matches this. */
  readonly btfClaim?: RegExp;
  /** Headers a C program includes to see every constant of this file (used by the tests). */
  readonly cIncludes: readonly string[];
}

/**
 * Group names for enums whose first member is not `X_UNSPEC` (keyed by that first member). Every other enum
 * is named after its first member without `_UNSPEC`.
 */
export const ENUM_GROUP_NAMES: Readonly<Record<string, string>> = {
  // netlink.h
  NLMSGERR_ATTR_UNUSED: 'NLMSGERR_ATTR',
  NL_ATTR_TYPE_INVALID: 'NL_ATTR_TYPE',
  // rtnetlink.h
  RTM_BASE: 'RTM',
  RT_SCOPE_UNIVERSE: 'RT_SCOPE',
  RTNLGRP_NONE: 'RTNLGRP',
  // if_link.h
  IN6_ADDR_GEN_MODE_EUI64: 'IN6_ADDR_GEN_MODE',
  MACVLAN_MODE_PRIVATE: 'MACVLAN_MODE',
  MACVLAN_MACADDR_ADD: 'MACVLAN_MACADDR',
  MACSEC_VALIDATE_DISABLED: 'MACSEC_VALIDATE',
  MACSEC_OFFLOAD_OFF: 'MACSEC_OFFLOAD',
  IPVLAN_MODE_L2: 'IPVLAN_MODE',
  VXLAN_DF_UNSET: 'IFLA_VXLAN_DF',
  GENEVE_DF_UNSET: 'IFLA_GENEVE_DF',
  GTP_ROLE_GGSN: 'GTP_ROLE',
  IFLA_VF_LINK_STATE_AUTO: 'IFLA_VF_LINK_STATE',
  PORT_REQUEST_PREASSOCIATE: 'PORT_REQUEST',
  PORT_VDP_RESPONSE_SUCCESS: 'PORT_RESPONSE',
  IPOIB_MODE_DATAGRAM: 'IPOIB_MODE',
  HSR_PROTOCOL_HSR: 'HSR_PROTOCOL',
  XDP_ATTACHED_NONE: 'XDP_ATTACHED',
  IFLA_EVENT_NONE: 'IFLA_EVENT',
  IFLA_VF_STATS_RX_PACKETS: 'IFLA_VF_STATS',
  // Enums of kernels built with netkit and ovpn (BTF only).
  NETKIT_NEXT: 'NETKIT_ACTION',
  NETKIT_L2: 'NETKIT_MODE',
  NETKIT_SCRUB_NONE: 'NETKIT_SCRUB',
  OVPN_MODE_P2P: 'OVPN_MODE',
  // Not BRIDGE_MODE: that is the IFLA_BRIDGE_MODE family of if_bridge.h.
  BRIDGE_MODE_UNSPEC: 'BRPORT_MODE',
  // if_tunnel.h
  TUNNEL_ENCAP_NONE: 'TUNNEL_ENCAP',
  IP_TUNNEL_CSUM_BIT: 'IP_TUNNEL_FLAG_BIT',
  // neighbour.h
  FDB_NOTIFY_BIT: 'FDB_NOTIFY',
  // fib_rules.h
  FR_ACT_UNSPEC: 'FR_ACT',
  // if_bridge.h
  MDB_RTR_TYPE_DISABLED: 'MDB_RTR_TYPE',
  BRIDGE_VLANDB_DUMP_UNSPEC: 'BRIDGE_VLANDB_DUMP',
  BR_BOOLOPT_NO_LL_LEARN: 'BR_BOOLOPT',
  IFLA_BRIDGE_FLAGS: 'IFLA_BRIDGE',
  BR_MCAST_DIR_RX: 'BR_MCAST_DIR',
  // net_namespace.h
  NETNSA_NONE: 'NETNSA',
  // if.h
  IFF_UP: 'IFF',
  IF_OPER_UNKNOWN: 'IF_OPER',
  IF_LINK_MODE_DEFAULT: 'IF_LINK_MODE',
  // in.h
  IPPROTO_IP: 'IPPROTO',
  // ip.h, ipv6.h
  IPV4_DEVCONF_FORWARDING: 'IPV4_DEVCONF',
  DEVCONF_FORWARDING: 'DEVCONF',
  // snmp.h
  IPSTATS_MIB_NUM: 'IPSTATS_MIB',
  ICMP_MIB_NUM: 'ICMP_MIB',
  ICMP6_MIB_NUM: 'ICMP6_MIB',
  TCP_MIB_NUM: 'TCP_MIB',
  UDP_MIB_NUM: 'UDP_MIB',
  LINUX_MIB_NUM: 'LINUX_MIB',
  LINUX_MIB_XFRMNUM: 'LINUX_MIB_XFRM',
  LINUX_MIB_TLSNUM: 'LINUX_MIB_TLS',
  // glibc bits/socket.h, bits/socket_type.h, sys/mount.h
  MSG_OOB: 'MSG',
  SOCK_STREAM: 'SOCK',
  MNT_FORCE: 'MNT',
};

/** The generated files, in order. */
export const FILES: readonly FileSpec[] = [
  {
    name: 'netlink',
    sources: ['linux/netlink.h'],
    enums: 'all',
    // netlink_sock states and the removed mmap ring: kernel internals.
    skipEnums: ['NETLINK_UNCONNECTED', 'NL_MMAP_STATUS_UNUSED'],
    macros: [
      {
        group: 'NETLINK_SOCKOPT',
        doc: 'NETLINK_*: socket options at level SOL_NETLINK',
        match: [
          'NETLINK_ADD_MEMBERSHIP',
          'NETLINK_DROP_MEMBERSHIP',
          'NETLINK_PKTINFO',
          'NETLINK_BROADCAST_ERROR',
          'NETLINK_NO_ENOBUFS',
          'NETLINK_RX_RING',
          'NETLINK_TX_RING',
          'NETLINK_LISTEN_ALL_NSID',
          'NETLINK_LIST_MEMBERSHIPS',
          'NETLINK_CAP_ACK',
          'NETLINK_EXT_ACK',
          'NETLINK_GET_STRICT_CHK',
        ],
      },
      {
        group: 'NETLINK',
        doc: 'NETLINK_*: netlink protocol (family) numbers for socket(2)',
        match: /^NETLINK_/,
      },
      { group: 'NLM_F', doc: 'NLM_F_*: nlmsghdr flags', match: /^NLM_F_/ },
      {
        group: 'NLMSG',
        doc: 'NLMSG_*: control message types',
        match: ['NLMSG_NOOP', 'NLMSG_ERROR', 'NLMSG_DONE', 'NLMSG_OVERRUN', 'NLMSG_MIN_TYPE'],
      },
      { group: 'NLA_F', doc: 'NLA_F_*: flag bits of nla_type', match: /^NLA_F_/ },
    ],
    btfClaim: /^(NLMSGERR_|NL_ATTR_TYPE_|NL_POLICY_TYPE_ATTR_)/,
    cIncludes: ['linux/netlink.h'],
  },
  {
    name: 'rtnetlink',
    sources: ['linux/rtnetlink.h'],
    enums: 'all',
    macros: [
      {
        group: 'RTNL_FAMILY',
        doc: 'RTNL_FAMILY_*: rtnetlink families beyond the address families',
        match: /^RTNL_FAMILY_/,
      },
      { group: 'RTPROT', doc: 'RTPROT_*: route origins (rtm_protocol)', match: /^RTPROT_/ },
      { group: 'RTM_F', doc: 'RTM_F_*: route flags (rtm_flags)', match: /^RTM_F_/ },
      { group: 'RTNH_F', doc: 'RTNH_F_*: nexthop flags (rtnh_flags)', match: /^RTNH_F_/ },
      {
        group: 'RTAX_FEATURE',
        doc: 'RTAX_FEATURE_*: bits of the RTAX_FEATURES metric',
        match: /^RTAX_FEATURE_/,
        exclude: ['RTAX_FEATURE_MASK'],
      },
      {
        group: 'RTMGRP',
        doc: 'RTMGRP_*: legacy multicast group bits for sockaddr_nl.nl_groups',
        match: /^RTMGRP_/,
      },
      {
        group: 'RTEXT_FILTER',
        doc: 'RTEXT_FILTER_*: bits of IFLA_EXT_MASK (what a link dump includes)',
        match: /^RTEXT_FILTER_/,
      },
    ],
    btfClaim: /^(RTM_|RTN_|RTA_|RTAX_|RTNLGRP_|RT_SCOPE_|RT_TABLE_|PREFIX_|NDUSEROPT_)/,
    cIncludes: ['linux/rtnetlink.h'],
  },
  {
    name: 'if_link',
    sources: ['linux/if_link.h'],
    enums: 'all',
    macros: [
      { group: 'MACVLAN_FLAG', doc: 'MACVLAN_FLAG_*: bits of IFLA_MACVLAN_FLAGS', match: /^MACVLAN_FLAG_/ },
      { group: 'IPVLAN_F', doc: 'IPVLAN_F_*: bits of IFLA_IPVLAN_FLAGS', match: /^IPVLAN_F_/ },
      {
        group: 'TUNNEL_MSG_FLAG',
        doc: 'TUNNEL_MSG_FLAG_*: flags of struct tunnel_msg (RTM_*TUNNEL)',
        match: /^TUNNEL_MSG_FLAG_/,
      },
      { group: 'XDP_FLAGS', doc: 'XDP_FLAGS_*: bits of IFLA_XDP_FLAGS', match: /^XDP_FLAGS_/ },
      { group: 'RMNET_FLAGS', doc: 'RMNET_FLAGS_*: bits of struct ifla_rmnet_flags', match: /^RMNET_FLAGS_/ },
    ],
    btfClaim: /^(IFLA_(?!BRIDGE_|IPTUN_|GRE_|VTI_)|NETKIT_|OVPN_MODE_)/,
    cIncludes: ['linux/if_link.h'],
  },
  {
    name: 'if_addr',
    sources: ['linux/if_addr.h'],
    enums: 'all',
    macros: [
      { group: 'IFA_F', doc: 'IFA_F_*: address flags (ifa_flags, IFA_FLAGS)', match: /^IFA_F_/ },
      { group: 'IFAPROT', doc: 'IFAPROT_*: address origins (IFA_PROTO)', match: /^IFAPROT_/ },
    ],
    btfClaim: /^IFA_/,
    cIncludes: ['linux/if_addr.h'],
  },
  {
    name: 'neighbour',
    sources: ['linux/neighbour.h'],
    enums: 'all',
    macros: [
      {
        group: 'NTF_EXT',
        doc: 'NTF_EXT_*: extended neighbour flags (NDA_FLAGS_EXT)',
        match: /^NTF_EXT_/,
        exclude: ['NTF_EXT_LEARNED'],
      },
      { group: 'NTF', doc: 'NTF_*: neighbour flags (ndm_flags)', match: /^NTF_/ },
      { group: 'NUD', doc: 'NUD_*: neighbour states (ndm_state)', match: /^NUD_/ },
    ],
    btfClaim: /^(NDA_|NDTA_|NDTPA_|NFEA_)/,
    cIncludes: ['linux/neighbour.h'],
  },
  {
    name: 'fib_rules',
    sources: ['linux/fib_rules.h'],
    enums: 'all',
    macros: [{ group: 'FIB_RULE', doc: 'FIB_RULE_*: rule flags (fib_rule_hdr.flags)', match: /^FIB_RULE_/ }],
    btfClaim: /^(FRA_|FR_ACT_)/,
    cIncludes: ['linux/fib_rules.h'],
  },
  {
    name: 'if_bridge',
    sources: ['linux/if_bridge.h'],
    enums: 'all',
    macros: [
      { group: 'BR_STATE', doc: 'BR_STATE_*: STP port states (IFLA_BRPORT_STATE)', match: /^BR_STATE_/ },
      { group: 'BRIDGE_FLAGS', doc: 'BRIDGE_FLAGS_*: bits of IFLA_BRIDGE_FLAGS', match: /^BRIDGE_FLAGS_/ },
      { group: 'BRIDGE_MODE', doc: 'BRIDGE_MODE_*: values of IFLA_BRIDGE_MODE', match: /^BRIDGE_MODE_/ },
      {
        group: 'BRIDGE_VLAN_INFO',
        doc: 'BRIDGE_VLAN_INFO_*: flags of struct bridge_vlan_info',
        match: /^BRIDGE_VLAN_INFO_/,
      },
      {
        group: 'BRIDGE_VLANDB_DUMPF',
        doc: 'BRIDGE_VLANDB_DUMPF_*: bits of BRIDGE_VLANDB_DUMP_FLAGS',
        match: /^BRIDGE_VLANDB_DUMPF_/,
      },
      { group: 'MDB_FLAGS', doc: 'MDB_FLAGS_*: flags of struct br_mdb_entry', match: /^MDB_FLAGS_/ },
      {
        group: 'MDB',
        doc: 'MDB_*: states of struct br_mdb_entry',
        match: ['MDB_TEMPORARY', 'MDB_PERMANENT'],
      },
    ],
    btfClaim: /^(IFLA_BRIDGE_|BRIDGE_|MDBA_|MDBE_|BR_BOOLOPT_|MDB_RTR_TYPE_)/,
    cIncludes: ['linux/if_bridge.h'],
  },
  {
    name: 'veth',
    sources: ['linux/veth.h'],
    enums: 'all',
    btfClaim: /^VETH_/,
    cIncludes: ['linux/veth.h'],
  },
  {
    name: 'if_tunnel',
    sources: ['linux/if_tunnel.h'],
    enums: 'all',
    macros: [
      {
        group: 'GRE',
        doc: 'GRE_*: GRE header flag bits (IFLA_GRE_IFLAGS/OFLAGS, __be16 on the wire; host-order numbers here)',
        match: /^GRE_/,
        exclude: ['GRE_PROTO_PPP', 'GRE_PPTP_KEY_MASK'],
        be16: true,
      },
      {
        group: 'TUNNEL_ENCAP_FLAG',
        doc: 'TUNNEL_ENCAP_FLAG_*: bits of IFLA_*_ENCAP_FLAGS',
        match: /^TUNNEL_ENCAP_FLAG_/,
      },
      {
        group: 'TUNNEL',
        doc: 'TUNNEL_*: ip_tunnel flag bits (__be16 in the kernel; host-order numbers here)',
        match: /^TUNNEL_/,
        be16: true,
      },
      { group: 'SIT', doc: 'SIT_*: bits of IFLA_IPTUN_FLAGS for sit', match: ['SIT_ISATAP'] },
    ],
    btfClaim: /^(IFLA_IPTUN_|IFLA_GRE_|IFLA_VTI_|TUNNEL_ENCAP_|IP_TUNNEL_)/,
    cIncludes: ['linux/if_tunnel.h'],
  },
  {
    name: 'net_namespace',
    sources: ['linux/net_namespace.h'],
    enums: 'all',
    macros: [
      {
        group: 'NETNSA_NSID',
        doc: 'NETNSA_NSID_*: special values of NETNSA_NSID',
        match: /^NETNSA_NSID_/,
      },
    ],
    btfClaim: /^NETNSA_/,
    cIncludes: ['linux/net_namespace.h'],
  },
  {
    name: 'if_arp',
    sources: ['linux/if_arp.h'],
    enums: 'all',
    macros: [
      { group: 'ARPHRD', doc: 'ARPHRD_*: link-layer (hardware) types (ifi_type)', match: /^ARPHRD_/ },
      { group: 'ARPOP', doc: 'ARPOP_*: ARP opcodes', match: /^ARPOP_/ },
      { group: 'ATF', doc: 'ATF_*: ARP cache entry flags', match: /^ATF_/ },
    ],
    cIncludes: ['linux/if_arp.h'],
  },
  {
    name: 'if',
    sources: ['linux/if.h'],
    enums: 'all',
    macros: [
      {
        group: 'IF_NAME_SIZES',
        doc: 'IFNAMSIZ, ALTIFNAMSIZ, IFALIASZ: interface name and alias buffer sizes, including the NUL',
        match: ['IFNAMSIZ', 'ALTIFNAMSIZ', 'IFALIASZ'],
      },
    ],
    btfClaim: /^(IF_OPER_|IF_LINK_MODE_)/,
    cIncludes: ['sys/socket.h', 'linux/if.h'],
  },
  {
    name: 'in',
    sources: ['linux/in.h'],
    enums: ['IPPROTO_IP'],
    cIncludes: ['linux/in.h'],
  },
  {
    name: 'ip_devconf',
    sources: ['linux/ip.h', 'linux/ipv6.h'],
    enums: ['IPV4_DEVCONF_FORWARDING', 'DEVCONF_FORWARDING'],
    cIncludes: ['linux/ip.h', 'linux/ipv6.h'],
  },
  {
    name: 'snmp',
    sources: ['linux/snmp.h'],
    enums: 'all',
    cIncludes: ['linux/snmp.h'],
  },
  {
    name: 'errno',
    sources: ['asm-generic/errno-base.h', 'asm-generic/errno.h'],
    enums: [],
    macros: [{ group: 'ERRNO', doc: 'E*: errno values', match: /^E[A-Z0-9]+$/ }],
    cIncludes: ['linux/errno.h'],
  },
  {
    name: 'socket',
    sources: [
      'x86_64-linux-gnu/bits/socket.h',
      'x86_64-linux-gnu/bits/socket_type.h',
      'asm-generic/socket.h',
    ],
    enums: ['MSG_OOB', 'SOCK_STREAM'],
    macros: [
      { group: 'AF', doc: 'AF_*: address families', match: /^AF_/, exclude: ['AF_MAX'] },
      { group: 'SOL', doc: 'SOL_*: socket option levels', match: /^SOL_/ },
      {
        group: 'SO',
        doc: 'SO_*: socket options at level SOL_SOCKET (x86_64 values)',
        match: /^SO_/,
      },
    ],
    cIncludes: ['sys/socket.h'],
  },
  {
    name: 'sched',
    sources: ['linux/sched.h'],
    enums: [],
    macros: [
      {
        group: 'CLONE',
        doc: 'CLONE_*: clone(2) and unshare(2) flags',
        match: /^CLONE_/,
        exclude: ['CLONE_ARGS_SIZE_VER0', 'CLONE_ARGS_SIZE_VER1', 'CLONE_ARGS_SIZE_VER2'],
      },
    ],
    cIncludes: ['linux/sched.h'],
  },
  {
    name: 'mount',
    sources: ['linux/mount.h', 'x86_64-linux-gnu/sys/mount.h'],
    enums: ['MNT_FORCE'],
    macros: [
      {
        group: 'MS',
        doc: 'MS_*: mount(2) flags',
        match: /^MS_/,
        exclude: ['MS_RMT_MASK', 'MS_MGC_VAL', 'MS_MGC_MSK'],
      },
    ],
    cIncludes: ['sys/mount.h'],
  },
];

/** One-line descriptions of enum groups (what the values are); the header is added to them. */
const ENUM_DOCS: Readonly<Record<string, string>> = {
  // netlink.h
  NLMSGERR_ATTR: 'extended ACK attributes (after struct nlmsgerr)',
  NL_ATTR_TYPE: 'attribute types in policy dumps',
  NL_POLICY_TYPE_ATTR: 'attributes of one policy in a policy dump',
  // rtnetlink.h
  RTM: 'rtnetlink message types (nlmsg_type)',
  RTN: 'route types (rtm_type)',
  RT_SCOPE: 'route scopes (rtm_scope, ifa_scope)',
  RT_TABLE: 'reserved routing table ids (rtm_table, RTA_TABLE)',
  RTA: 'route attributes',
  RTAX: 'route metrics (nested in RTA_METRICS)',
  PREFIX: 'prefix notification attributes (RTM_NEWPREFIX)',
  TCA: 'traffic control attributes',
  NDUSEROPT: 'ND user option attributes (RTM_NEWNDUSEROPT)',
  RTNLGRP: 'rtnetlink multicast groups (NETLINK_ADD_MEMBERSHIP)',
  TCA_ROOT: 'tc action dump attributes',
  // if_link.h
  IFLA: 'link attributes',
  IFLA_PROTO_DOWN_REASON: 'attributes nested in IFLA_PROTO_DOWN_REASON',
  IFLA_INET: 'IPv4 attributes nested in IFLA_AF_SPEC',
  IFLA_INET6: 'IPv6 attributes nested in IFLA_AF_SPEC',
  IN6_ADDR_GEN_MODE: 'values of IFLA_INET6_ADDR_GEN_MODE',
  IFLA_BR: 'bridge attributes (IFLA_INFO_DATA of kind bridge)',
  IFLA_BRPORT: 'bridge port attributes (IFLA_PROTINFO, IFLA_INFO_SLAVE_DATA)',
  IFLA_INFO: 'attributes nested in IFLA_LINKINFO',
  IFLA_VLAN: 'vlan attributes (IFLA_INFO_DATA of kind vlan)',
  IFLA_VLAN_QOS: 'attributes nested in IFLA_VLAN_EGRESS_QOS/INGRESS_QOS',
  IFLA_MACVLAN: 'macvlan and macvtap attributes (IFLA_INFO_DATA)',
  MACVLAN_MODE: 'values of IFLA_MACVLAN_MODE',
  MACVLAN_MACADDR: 'values of IFLA_MACVLAN_MACADDR_MODE',
  IFLA_VRF: 'vrf attributes (IFLA_INFO_DATA of kind vrf)',
  IFLA_VRF_PORT: 'vrf port attributes (IFLA_INFO_SLAVE_DATA)',
  IFLA_MACSEC: 'macsec attributes (IFLA_INFO_DATA of kind macsec)',
  IFLA_XFRM: 'xfrm interface attributes (IFLA_INFO_DATA of kind xfrm)',
  MACSEC_VALIDATE: 'values of IFLA_MACSEC_VALIDATION',
  MACSEC_OFFLOAD: 'values of IFLA_MACSEC_OFFLOAD',
  IFLA_IPVLAN: 'ipvlan attributes (IFLA_INFO_DATA)',
  IPVLAN_MODE: 'values of IFLA_IPVLAN_MODE',
  TUNNEL_MSG_FLAG: 'tunnel_msg flags',
  VNIFILTER_ENTRY_STATS: 'vxlan VNI filter entry statistics',
  VXLAN_VNIFILTER_ENTRY: 'vxlan VNI filter entry attributes',
  VXLAN_VNIFILTER: 'vxlan VNI filter attributes (RTM_*TUNNEL)',
  IFLA_VXLAN: 'vxlan attributes (IFLA_INFO_DATA of kind vxlan)',
  IFLA_VXLAN_DF: 'values of IFLA_VXLAN_DF',
  IFLA_GENEVE: 'geneve attributes (IFLA_INFO_DATA of kind geneve)',
  IFLA_GENEVE_DF: 'values of IFLA_GENEVE_DF',
  IFLA_BAREUDP: 'bareudp attributes (IFLA_INFO_DATA of kind bareudp)',
  IFLA_PPP: 'ppp attributes (IFLA_INFO_DATA of kind ppp)',
  GTP_ROLE: 'values of IFLA_GTP_ROLE',
  IFLA_GTP: 'gtp attributes (IFLA_INFO_DATA of kind gtp)',
  IFLA_BOND: 'bond attributes (IFLA_INFO_DATA of kind bond)',
  IFLA_BOND_AD_INFO: 'attributes nested in IFLA_BOND_AD_INFO',
  IFLA_BOND_SLAVE: 'bond port attributes (IFLA_INFO_SLAVE_DATA)',
  IFLA_VF_INFO: 'attributes nested in IFLA_VFINFO_LIST',
  IFLA_VF: 'attributes nested in IFLA_VF_INFO',
  IFLA_VF_VLAN_INFO: 'attributes nested in IFLA_VF_VLAN_LIST',
  IFLA_VF_LINK_STATE: 'values of struct ifla_vf_link_state',
  IFLA_VF_STATS: 'attributes nested in IFLA_VF_STATS',
  IFLA_VF_PORT: 'attributes nested in IFLA_VF_PORTS',
  IFLA_PORT: 'attributes nested in IFLA_VF_PORT and IFLA_PORT_SELF',
  PORT_REQUEST: 'values of IFLA_PORT_REQUEST',
  PORT_RESPONSE: 'values of IFLA_PORT_RESPONSE',
  IFLA_IPOIB: 'ipoib attributes (IFLA_INFO_DATA of kind ipoib)',
  IPOIB_MODE: 'values of IFLA_IPOIB_MODE',
  HSR_PROTOCOL: 'values of IFLA_HSR_PROTOCOL',
  IFLA_HSR: 'hsr attributes (IFLA_INFO_DATA of kind hsr)',
  IFLA_STATS: 'attributes of RTM_NEWSTATS messages',
  IFLA_STATS_GETSET: 'attributes of RTM_GETSTATS/RTM_SETSTATS filters',
  LINK_XSTATS_TYPE: 'attributes nested in IFLA_STATS_LINK_XSTATS',
  IFLA_OFFLOAD_XSTATS: 'attributes nested in IFLA_STATS_LINK_OFFLOAD_XSTATS',
  IFLA_OFFLOAD_XSTATS_HW_S_INFO: 'attributes nested in IFLA_OFFLOAD_XSTATS_HW_S_INFO',
  XDP_ATTACHED: 'values of IFLA_XDP_ATTACHED',
  IFLA_XDP: 'attributes nested in IFLA_XDP',
  IFLA_EVENT: 'values of IFLA_EVENT',
  IFLA_TUN: 'tun/tap attributes (IFLA_INFO_DATA of kind tun)',
  IFLA_RMNET: 'rmnet attributes (IFLA_INFO_DATA of kind rmnet)',
  IFLA_MCTP: 'MCTP attributes nested in IFLA_AF_SPEC',
  IFLA_DSA: 'dsa attributes (IFLA_INFO_DATA of kind dsa)',
  BRPORT_MODE: 'bridge port modes (BRIDGE_MODE_HAIRPIN)',
  // BTF only, on kernels built with netkit or ovpn.
  IFLA_NETKIT: 'netkit attributes (IFLA_INFO_DATA of kind netkit)',
  NETKIT_ACTION: 'values of IFLA_NETKIT_POLICY and IFLA_NETKIT_PEER_POLICY',
  NETKIT_MODE: 'values of IFLA_NETKIT_MODE',
  NETKIT_SCRUB: 'values of IFLA_NETKIT_SCRUB',
  OVPN_MODE: 'values of IFLA_OVPN_MODE',
  IFLA_OVPN: 'ovpn attributes (IFLA_INFO_DATA of kind ovpn)',
  // if_addr.h
  IFA: 'address attributes',
  // neighbour.h
  NDA: 'neighbour attributes',
  NDTPA: 'neighbour table parameter attributes (nested in NDTA_PARMS)',
  NDTA: 'neighbour table attributes (RTM_*NEIGHTBL)',
  FDB_NOTIFY: 'bits of NFEA_ACTIVITY_NOTIFY',
  NFEA: 'FDB extension attributes (nested in NDA_FDB_EXT_ATTRS)',
  // fib_rules.h
  FRA: 'rule attributes',
  FR_ACT: 'rule actions (fib_rule_hdr.action)',
  // if_bridge.h
  IFLA_BRIDGE: 'bridge attributes nested in IFLA_AF_SPEC (AF_BRIDGE)',
  IFLA_BRIDGE_VLAN_TUNNEL: 'attributes nested in IFLA_BRIDGE_VLAN_TUNNEL_INFO',
  IFLA_BRIDGE_MRP: 'attributes nested in IFLA_BRIDGE_MRP',
  IFLA_BRIDGE_MRP_INSTANCE: 'attributes nested in IFLA_BRIDGE_MRP_INSTANCE',
  IFLA_BRIDGE_MRP_PORT_STATE: 'attributes nested in IFLA_BRIDGE_MRP_PORT_STATE',
  IFLA_BRIDGE_MRP_PORT_ROLE: 'attributes nested in IFLA_BRIDGE_MRP_PORT_ROLE',
  IFLA_BRIDGE_MRP_RING_STATE: 'attributes nested in IFLA_BRIDGE_MRP_RING_STATE',
  IFLA_BRIDGE_MRP_RING_ROLE: 'attributes nested in IFLA_BRIDGE_MRP_RING_ROLE',
  IFLA_BRIDGE_MRP_START_TEST: 'attributes nested in IFLA_BRIDGE_MRP_START_TEST',
  IFLA_BRIDGE_MRP_INFO: 'attributes nested in IFLA_BRIDGE_MRP_INFO',
  IFLA_BRIDGE_MRP_IN_STATE: 'attributes nested in IFLA_BRIDGE_MRP_IN_STATE',
  IFLA_BRIDGE_MRP_IN_ROLE: 'attributes nested in IFLA_BRIDGE_MRP_IN_ROLE',
  IFLA_BRIDGE_MRP_START_IN_TEST: 'attributes nested in IFLA_BRIDGE_MRP_START_IN_TEST',
  IFLA_BRIDGE_CFM: 'attributes nested in IFLA_BRIDGE_CFM',
  IFLA_BRIDGE_CFM_MEP_CREATE: 'attributes nested in IFLA_BRIDGE_CFM_MEP_CREATE',
  IFLA_BRIDGE_CFM_MEP_DELETE: 'attributes nested in IFLA_BRIDGE_CFM_MEP_DELETE',
  IFLA_BRIDGE_CFM_MEP_CONFIG: 'attributes nested in IFLA_BRIDGE_CFM_MEP_CONFIG',
  IFLA_BRIDGE_CFM_CC_CONFIG: 'attributes nested in IFLA_BRIDGE_CFM_CC_CONFIG',
  IFLA_BRIDGE_CFM_CC_PEER_MEP: 'attributes nested in IFLA_BRIDGE_CFM_CC_PEER_MEP_*',
  IFLA_BRIDGE_CFM_CC_RDI: 'attributes nested in IFLA_BRIDGE_CFM_CC_RDI',
  IFLA_BRIDGE_CFM_CC_CCM_TX: 'attributes nested in IFLA_BRIDGE_CFM_CC_CCM_TX',
  IFLA_BRIDGE_CFM_MEP_STATUS: 'attributes nested in IFLA_BRIDGE_CFM_MEP_STATUS_INFO',
  IFLA_BRIDGE_CFM_CC_PEER_STATUS: 'attributes nested in IFLA_BRIDGE_CFM_CC_PEER_STATUS_INFO',
  IFLA_BRIDGE_MST: 'attributes nested in IFLA_BRIDGE_MST',
  IFLA_BRIDGE_MST_ENTRY: 'attributes nested in IFLA_BRIDGE_MST_ENTRY',
  BRIDGE_VLANDB_DUMP: 'attributes of RTM_GETVLAN dump requests',
  BRIDGE_VLANDB: 'attributes of RTM_NEWVLAN messages',
  BRIDGE_VLANDB_ENTRY: 'attributes nested in BRIDGE_VLANDB_ENTRY',
  BRIDGE_VLANDB_TINFO: 'attributes nested in BRIDGE_VLANDB_ENTRY_TUNNEL_INFO',
  BRIDGE_VLANDB_STATS: 'attributes nested in BRIDGE_VLANDB_ENTRY_STATS',
  BRIDGE_VLANDB_GOPTS: 'attributes nested in BRIDGE_VLANDB_GLOBAL_OPTIONS',
  MDBA: 'MDB attributes (RTM_*MDB)',
  MDBA_MDB: 'attributes nested in MDBA_MDB',
  MDBA_MDB_ENTRY: 'attributes nested in MDBA_MDB_ENTRY',
  MDBA_MDB_EATTR: 'attributes nested in MDBA_MDB_ENTRY_INFO',
  MDBA_MDB_SRCLIST: 'attributes nested in MDBA_MDB_EATTR_SRC_LIST',
  MDBA_MDB_SRCATTR: 'attributes nested in MDBA_MDB_SRCLIST_ENTRY',
  MDB_RTR_TYPE: 'multicast router port types',
  MDBA_ROUTER: 'attributes nested in MDBA_ROUTER',
  MDBA_ROUTER_PATTR: 'attributes nested in MDBA_ROUTER_PORT',
  MDBA_SET_ENTRY: 'attributes of RTM_NEWMDB/RTM_DELMDB requests',
  MDBA_GET_ENTRY: 'attributes of RTM_GETMDB requests for one entry',
  MDBE_ATTR: 'attributes nested in MDBA_SET_ENTRY_ATTRS',
  MDBE_SRC_LIST: 'attributes nested in MDBE_ATTR_SRC_LIST',
  MDBE_SRCATTR: 'attributes nested in MDBE_SRC_LIST_ENTRY',
  BRIDGE_XSTATS: 'bridge extended statistics attributes',
  BR_BOOLOPT: 'bridge boolean options (IFLA_BR_MULTI_BOOLOPT bits)',
  BRIDGE_QUERIER: 'attributes nested in IFLA_BR_MCAST_QUERIER_STATE',
  BR_MCAST_DIR: 'multicast directions (rx, tx) of bridge statistics',
  // veth.h
  VETH_INFO: 'veth attributes (IFLA_INFO_DATA of kind veth)',
  // if_tunnel.h
  IFLA_IPTUN: 'ipip, sit and ip6tnl attributes (IFLA_INFO_DATA)',
  TUNNEL_ENCAP: 'values of IFLA_*_ENCAP_TYPE',
  IFLA_GRE: 'gre, gretap, ip6gre, erspan attributes (IFLA_INFO_DATA)',
  IFLA_VTI: 'vti and vti6 attributes (IFLA_INFO_DATA)',
  IP_TUNNEL_FLAG_BIT: 'IP_TUNNEL_*_BIT: bit numbers of the kernel ip_tunnel flags',
  // net_namespace.h
  NETNSA: 'network namespace id attributes (RTM_*NSID)',
  // if.h
  IFF: 'interface flags (ifi_flags)',
  IF_OPER: 'RFC 2863 operational states (IFLA_OPERSTATE)',
  IF_LINK_MODE: 'link modes (IFLA_LINKMODE)',
  // in.h
  IPPROTO: 'IP protocol numbers',
  // ip.h, ipv6.h
  IPV4_DEVCONF: 'IPv4 per-device settings: index + 1 in IFLA_INET_CONF',
  DEVCONF: 'IPv6 per-device settings: index in IFLA_INET6_CONF',
  // snmp.h
  IPSTATS_MIB: 'IP statistics: the field order of IFLA_INET6_STATS',
  ICMP_MIB: 'ICMP statistics',
  ICMP6_MIB: 'ICMPv6 statistics: the field order of IFLA_INET6_ICMP6STATS',
  TCP_MIB: 'TCP statistics',
  UDP_MIB: 'UDP statistics',
  LINUX_MIB: 'Linux TCP/IP statistics (/proc/net/netstat)',
  LINUX_MIB_XFRM: 'xfrm statistics',
  LINUX_MIB_TLS: 'TLS statistics',
  // glibc
  MSG: 'send/recv flags',
  SOCK: 'socket types, and the SOCK_CLOEXEC/SOCK_NONBLOCK flags that may be or-ed into them',
  MNT: 'umount2(2) flags',
};

/**
 * Enums whose members the running kernel numbers differently from the headers. Their tables take the BTF
 * values (the kernel is what fills the messages); a member so changed says `// BTF <release> (uapi N)`.
 * A difference anywhere else is an error.
 */
export const BTF_RENUMBERED: Readonly<Record<string, string>> = {
  IPSTATS_MIB: 'later kernels moved the hot counters first',
  LINUX_MIB: 'later kernels inserted counters in the middle',
};

// ---------------------------------------------------------------------------------------------------------
// C constant expressions.
// ---------------------------------------------------------------------------------------------------------

type Tok = { k: 'num'; v: bigint } | { k: 'id'; v: string } | { k: 'op'; v: string };

const OPS = [
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '(',
  ')',
  '~',
  '!',
  '-',
  '+',
  '*',
  '/',
  '%',
  '<',
  '>',
  '&',
  '^',
  '|',
  '?',
  ':',
  ',',
];

/** Thrown when an expression uses something the evaluator cannot know (sizeof, a struct, an unknown name). */
class Unresolvable extends Error {}

function tokenize(expr: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < expr.length) {
    const rest = expr.slice(i);
    const ws = /^\s+/.exec(rest);
    if (ws) {
      i += ws[0].length;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|[0-9]+)([uUlL]*)(?![\w.])/.exec(rest);
    if (num) {
      const digits = num[1];
      let v: bigint;
      if (/^0[xX]/.test(digits)) v = BigInt(digits);
      else if (digits.length > 1 && digits.startsWith('0')) v = BigInt(`0o${digits.slice(1)}`);
      else v = BigInt(digits);
      toks.push({ k: 'num', v });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_]\w*/.exec(rest);
    if (id) {
      toks.push({ k: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => rest.startsWith(o));
    if (!op) throw new Unresolvable(`cannot tokenize ${JSON.stringify(expr)}`);
    toks.push({ k: 'op', v: op });
    i += op.length;
  }
  return toks;
}

const TYPE_WORDS = new Set([
  'int',
  'unsigned',
  'signed',
  'long',
  'short',
  'char',
  '__u8',
  '__u16',
  '__u32',
  '__u64',
  '__s8',
  '__s16',
  '__s32',
  '__s64',
]);

const BINARY: Readonly<Record<string, number>> = {
  '||': 4,
  '&&': 5,
  '|': 6,
  '^': 7,
  '&': 8,
  '==': 9,
  '!=': 9,
  '<': 10,
  '>': 10,
  '<=': 10,
  '>=': 10,
  '<<': 11,
  '>>': 11,
  '+': 12,
  '-': 12,
  '*': 13,
  '/': 13,
  '%': 13,
};

/** How an expression's names are resolved. */
interface Scope {
  /** Value of an identifier; throws Unresolvable when unknown. */
  lookup(name: string): bigint;
  /** Whether `defined(NAME)` holds (only in #if). */
  defined?(name: string): boolean;
}

/** Notes collected while evaluating (which byte-order helpers were used). */
interface EvalNotes {
  be16: boolean;
}

/** Evaluates a C integer constant expression with BigInt arithmetic. */
function evaluate(expr: string, scope: Scope, notes: EvalNotes = { be16: false }): bigint {
  const toks = tokenize(expr);
  let p = 0;
  const peek = (): Tok | undefined => toks[p];
  const isOp = (t: Tok | undefined, v: string): boolean => t !== undefined && t.k === 'op' && t.v === v;
  const expect = (v: string): void => {
    if (!isOp(peek(), v)) throw new Unresolvable(`expected ${v} in ${JSON.stringify(expr)}`);
    p++;
  };
  const bool = (b: boolean): bigint => (b ? 1n : 0n);

  const primary = (): bigint => {
    const t = toks[p++];
    if (t === undefined) throw new Unresolvable(`unexpected end of ${JSON.stringify(expr)}`);
    if (t.k === 'num') return t.v;
    if (t.k === 'op') {
      if (t.v === '(') {
        // A cast: (unsigned int)x.
        let q = p;
        while (toks[q]?.k === 'id' && TYPE_WORDS.has(toks[q].v as string)) q++;
        if (q > p && isOp(toks[q], ')')) {
          p = q + 1;
          return unary();
        }
        const v = ternary();
        expect(')');
        return v;
      }
      throw new Unresolvable(`unexpected ${t.v} in ${JSON.stringify(expr)}`);
    }
    const name = t.v;
    if (name === 'defined' && scope.defined) {
      const paren = isOp(peek(), '(');
      if (paren) p++;
      const n = toks[p++];
      if (n?.k !== 'id') throw new Unresolvable(`bad defined() in ${JSON.stringify(expr)}`);
      if (paren) expect(')');
      return bool(scope.defined(n.v));
    }
    if (isOp(peek(), '(')) {
      p++;
      const args: bigint[] = [ternary()];
      while (isOp(peek(), ',')) {
        p++;
        args.push(ternary());
      }
      expect(')');
      switch (name) {
        case '_BITUL':
        case '_BITULL':
          return 1n << args[0];
        case '_AC':
        case '_UL':
        case '_ULL':
          return args[0];
        case '__cpu_to_be16':
        case 'htons':
          notes.be16 = true;
          return args[0] & 0xffffn;
        default:
          throw new Unresolvable(`unknown function ${name}() in ${JSON.stringify(expr)}`);
      }
    }
    if (name === 'sizeof' || TYPE_WORDS.has(name))
      throw new Unresolvable(`sizeof in ${JSON.stringify(expr)}`);
    return scope.lookup(name);
  };

  const unary = (): bigint => {
    const t = peek();
    if (t?.k === 'op') {
      if (t.v === '-') {
        p++;
        return -unary();
      }
      if (t.v === '+') {
        p++;
        return unary();
      }
      if (t.v === '~') {
        p++;
        return ~unary();
      }
      if (t.v === '!') {
        p++;
        return bool(unary() === 0n);
      }
    }
    return primary();
  };

  const binary = (minPrec: number): bigint => {
    let left = unary();
    for (;;) {
      const t = peek();
      if (t?.k !== 'op') break;
      const prec = BINARY[t.v];
      if (prec === undefined || prec < minPrec) break;
      p++;
      const right = binary(prec + 1);
      switch (t.v) {
        case '||':
          left = bool(left !== 0n || right !== 0n);
          break;
        case '&&':
          left = bool(left !== 0n && right !== 0n);
          break;
        case '|':
          left |= right;
          break;
        case '^':
          left ^= right;
          break;
        case '&':
          left &= right;
          break;
        case '==':
          left = bool(left === right);
          break;
        case '!=':
          left = bool(left !== right);
          break;
        case '<':
          left = bool(left < right);
          break;
        case '>':
          left = bool(left > right);
          break;
        case '<=':
          left = bool(left <= right);
          break;
        case '>=':
          left = bool(left >= right);
          break;
        case '<<':
          left <<= right;
          break;
        case '>>':
          left >>= right;
          break;
        case '+':
          left += right;
          break;
        case '-':
          left -= right;
          break;
        case '*':
          left *= right;
          break;
        case '/':
          if (right === 0n) throw new Unresolvable(`division by zero in ${JSON.stringify(expr)}`);
          left /= right;
          break;
        case '%':
          if (right === 0n) throw new Unresolvable(`division by zero in ${JSON.stringify(expr)}`);
          left %= right;
          break;
      }
    }
    return left;
  };

  const ternary = (): bigint => {
    const c = binary(4);
    if (!isOp(peek(), '?')) return c;
    p++;
    const a = ternary();
    expect(':');
    const b = ternary();
    return c !== 0n ? a : b;
  };

  const v = ternary();
  if (p !== toks.length) throw new Unresolvable(`trailing tokens in ${JSON.stringify(expr)}`);
  return v;
}

/** Evaluates a C constant expression whose names are given (for tests). */
export function evalConst(expr: string, names: Readonly<Record<string, bigint>> = {}): bigint {
  return evaluate(expr, {
    lookup: (n) => {
      const v = names[n];
      if (v === undefined) throw new Unresolvable(`unknown name ${n}`);
      return v;
    },
  });
}

// ---------------------------------------------------------------------------------------------------------
// Headers: a small preprocessor (conditionals and #define only) and the enum parser.
// ---------------------------------------------------------------------------------------------------------

/** A `#define NAME text` seen in an active region of a header. */
interface MacroDef {
  readonly name: string;
  readonly text: string;
  readonly source: string;
}

/** A parsed C enum. */
interface CEnum {
  readonly tag: string | undefined;
  readonly source: string;
  /** Every member, sentinels included, in order. */
  readonly members: readonly { name: string; value: bigint; explicit: string | undefined }[];
  /** The enum's text, for the BTF cache. */
  readonly text: string;
}

/** Symbols known so far: enum members and object-like macros of every header read. */
class SymbolTable implements Scope {
  readonly enumValues = new Map<string, bigint>();
  readonly macros = new Map<string, MacroDef>();
  private readonly evaluating = new Set<string>();
  private readonly cache = new Map<string, { value: bigint; be16: boolean }>();

  lookup(name: string): bigint {
    return this.resolve(name).value;
  }

  /** Records a `#define`; a later definition replaces an earlier one, as in C. */
  define(def: MacroDef): void {
    this.macros.set(def.name, def);
    this.cache.clear();
  }

  /** Evaluates one definition's own text (not whatever later redefined its name). */
  evaluateDef(def: MacroDef): { value: bigint; be16: boolean } {
    const notes: EvalNotes = { be16: false };
    const value = evaluate(def.text, this, notes);
    return { value, be16: notes.be16 || this.resolveBe16(def.text) };
  }

  /** Whether an alias (`#define A B`) names a macro that used __cpu_to_be16. */
  private resolveBe16(text: string): boolean {
    const alias = /^\(?\s*([A-Za-z_]\w*)\s*\)?$/.exec(text.trim());
    return alias !== null && this.macros.has(alias[1]) && this.resolve(alias[1]).be16;
  }

  /** Value of a macro or enum member, and whether __cpu_to_be16 produced it. */
  resolve(name: string): { value: bigint; be16: boolean } {
    const e = this.enumValues.get(name);
    if (e !== undefined) return { value: e, be16: false };
    const cached = this.cache.get(name);
    if (cached) return cached;
    const m = this.macros.get(name);
    if (!m) throw new Unresolvable(`unknown name ${name}`);
    if (this.evaluating.has(name)) throw new Unresolvable(`recursive macro ${name}`);
    this.evaluating.add(name);
    try {
      const notes: EvalNotes = { be16: false };
      const value = evaluate(m.text, this, notes);
      const r = { value, be16: notes.be16 };
      this.cache.set(name, r);
      return r;
    } finally {
      this.evaluating.delete(name);
    }
  }
}

/** Macros the headers test in #if and where they stand on x86_64 Linux with glibc. */
const PREDEFINED: ReadonlyMap<string, bigint> = new Map([
  ['__x86_64__', 1n],
  ['__LITTLE_ENDIAN_BITFIELD', 1n],
  ['__BITS_PER_LONG', 64n],
  ['__USE_GNU', 1n],
  ['__USE_MISC', 1n],
  ['__glibc_c99_flexarr_available', 1n],
]);

function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\\\r?\n/g, ' ');
}

/** Runs the conditionals of one header; returns its active code lines (no directives) and its macros. */
function preprocess(source: string, text: string, table: SymbolTable): { code: string; macros: MacroDef[] } {
  const defined = (name: string): boolean =>
    PREDEFINED.has(name) ||
    name.startsWith('__UAPI_DEF_') ||
    table.macros.has(name) ||
    table.enumValues.has(name);
  const ifScope: Scope = {
    lookup: (name) => {
      const pre = PREDEFINED.get(name);
      if (pre !== undefined) return pre;
      if (name.startsWith('__UAPI_DEF_')) return 1n;
      try {
        return table.lookup(name);
      } catch {
        return 0n; // An undefined name in #if is 0.
      }
    },
    defined,
  };
  const stack: { active: boolean; taken: boolean }[] = [];
  const active = (): boolean => stack.every((f) => f.active);
  const code: string[] = [];
  const macros: MacroDef[] = [];
  for (const line of stripComments(text).split('\n')) {
    const d = /^\s*#\s*(\w+)\s*(.*?)\s*$/.exec(line);
    if (!d) {
      if (active()) code.push(line);
      continue;
    }
    const [, directive, rest] = d;
    switch (directive) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        let cond = false;
        if (active()) {
          if (directive === 'if') cond = evaluate(rest, ifScope) !== 0n;
          else cond = defined(rest.split(/\s/)[0]) === (directive === 'ifdef');
        }
        stack.push({ active: cond, taken: cond });
        break;
      }
      case 'elif': {
        const f = stack[stack.length - 1];
        if (!f) throw new Error(`${source}: #elif without #if`);
        const outer = stack.slice(0, -1).every((g) => g.active);
        f.active = outer && !f.taken && evaluate(rest, ifScope) !== 0n;
        f.taken ||= f.active;
        break;
      }
      case 'else': {
        const f = stack[stack.length - 1];
        if (!f) throw new Error(`${source}: #else without #if`);
        f.active = !f.taken;
        f.taken = true;
        break;
      }
      case 'endif':
        if (!stack.pop()) throw new Error(`${source}: #endif without #if`);
        break;
      case 'define': {
        if (!active()) break;
        const m = /^([A-Za-z_]\w*)(\()?\s*(.*)$/.exec(rest);
        if (!m || m[2]) break; // function-like macros are not constants
        const [, name, , body] = m;
        if (body === name || table.enumValues.has(name)) break; // `#define X X` marks an enum member
        const def = { name, text: body, source };
        macros.push(def);
        table.define(def);
        break;
      }
      default:
        break; // #include, #undef, #error, #pragma: nothing to do
    }
  }
  if (stack.length) throw new Error(`${source}: unterminated #if`);
  return { code: code.join('\n'), macros };
}

/** Splits a comma-separated list at the top level of parentheses. */
function splitTop(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of body) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Parses every `enum [tag] { ... }` of the code, defining its members in the table as it goes. */
function parseEnums(source: string, code: string, table: SymbolTable | undefined): CEnum[] {
  const enums: CEnum[] = [];
  const scratch = new SymbolTable();
  for (const m of code.matchAll(/\benum\s*([A-Za-z_]\w*)?\s*(?::\s*\w+\s*)?\{([^{}]*)\}/g)) {
    const scope = table ?? scratch;
    const members: { name: string; value: bigint; explicit: string | undefined }[] = [];
    let next = 0n;
    for (const item of splitTop(m[2])) {
      const im = /^([A-Za-z_]\w*)\s*(?:=\s*([\s\S]+))?$/.exec(item);
      if (!im) throw new Error(`${source}: cannot parse enum member ${JSON.stringify(item)}`);
      const [, name, explicit] = im;
      let value: bigint;
      try {
        value = explicit === undefined ? next : evaluate(explicit, scope);
      } catch (err) {
        throw new Error(`${source}: enum member ${name}: ${(err as Error).message}`);
      }
      members.push({ name, value, explicit: explicit?.trim() });
      if (table && !table.enumValues.has(name)) table.enumValues.set(name, value);
      if (!table) scratch.enumValues.set(name, value);
      next = value + 1n;
    }
    enums.push({ tag: m[1], source, members, text: m[0] });
  }
  return enums;
}

/**
 * Whether member i of a header enum only marks the end of the enum: `__X_MAX`, `X_MAX = __X_MAX - 1`, or an
 * implicit `X_MAX` that closes the enum. An `X_MAX` in the middle is a real member (IFLA_BR_MCAST_HASH_MAX).
 */
function isSentinel(e: CEnum, i: number): boolean {
  const m = e.members[i];
  if (m.name.startsWith('__')) return true;
  if (!/_MAX$/.test(m.name)) return false;
  if (m.explicit !== undefined) return /\b__\w+/.test(m.explicit);
  return i === e.members.length - 1;
}

/**
 * The same for BTF, which has only numbers: `__X`, or an `X_MAX` that closes the enum or is one below a
 * `__X` member.
 */
function isBtfSentinel(e: CEnum, i: number): boolean {
  const m = e.members[i];
  if (m.name.startsWith('__')) return true;
  if (!/_MAX$/.test(m.name)) return false;
  return (
    i === e.members.length - 1 || e.members.some((x) => x.name.startsWith('__') && x.value === m.value + 1n)
  );
}

// ---------------------------------------------------------------------------------------------------------
// BTF.
// ---------------------------------------------------------------------------------------------------------

/** The BTF enums and the kernel release they describe. */
interface Btf {
  readonly release: string;
  readonly enums: readonly CEnum[];
}

function dumpBtf(): Btf {
  let text: string;
  try {
    text = execFileSync('bpftool', ['btf', 'dump', 'file', VMLINUX_BTF, 'format', 'c'], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
  } catch (err) {
    throw new Error(
      `bpftool btf dump of ${VMLINUX_BTF} failed (${(err as Error).message}); install it with ` +
        '`apt-get install bpftool`, or keep scripts/data/btf-enums.h',
    );
  }
  return { release: release(), enums: parseEnums(VMLINUX_BTF, text, undefined) };
}

function readBtfCache(): Btf {
  const text = readFileSync(BTF_CACHE, 'utf8');
  const rel = /kernel release: (\S+)/.exec(text);
  if (!rel) throw new Error(`${BTF_CACHE}: no "kernel release:" line`);
  return { release: rel[1], enums: parseEnums(BTF_CACHE, stripComments(text), undefined) };
}

function btfCacheText(btf: Btf, used: readonly CEnum[]): string {
  const head = [
    '/*',
    ' * Enum blocks from `bpftool btf dump file /sys/kernel/btf/vmlinux format c`, only those that',
    ' * scripts/gen-constants.ts uses. Regenerate with `npx tsx scripts/gen-constants.ts --refresh-btf`.',
    ` * kernel release: ${btf.release}`,
    ' */',
    '',
  ];
  return `${head.join('\n')}${used.map((e) => `${e.text};\n`).join('\n')}`;
}

// ---------------------------------------------------------------------------------------------------------
// The model: files of groups of members.
// ---------------------------------------------------------------------------------------------------------

/** One constant. */
export interface Member {
  readonly name: string;
  readonly value: bigint;
  /** It came from BTF, not from the headers. */
  readonly btf: boolean;
  /** The headers' value, when BTF renumbered the member (see BTF_RENUMBERED). */
  readonly uapi?: bigint;
}

/** One exported table. */
export interface Group {
  readonly name: string;
  readonly doc: string;
  readonly members: Member[];
  /** The header it comes from (relative to INCLUDE), or BTF. */
  readonly source: string;
  readonly kind: 'enum' | 'macro';
  /** An enum that was found in BTF (checked against it). */
  btfChecked: boolean;
  /** The whole group exists only in BTF. */
  readonly btfOnly: boolean;
  /** Values were given to __cpu_to_be16() in C. */
  readonly be16: boolean;
}

/** One output file. */
export interface FileModel {
  readonly spec: FileSpec;
  readonly groups: Group[];
}

/** The whole model. */
export interface Model {
  readonly files: FileModel[];
  readonly btf: Btf;
  /** The BTF enums the model used, in dump order. */
  readonly btfUsed: CEnum[];
  readonly uapi: string;
  readonly glibc: string;
}

function headerVersion(path: string, major: string, minor: string): string {
  const text = readFileSync(join(INCLUDE, path), 'utf8');
  const get = (n: string): string => {
    const m = new RegExp(`#\\s*define\\s+${n}\\s+(\\d+)`).exec(text);
    if (!m) throw new Error(`${path}: no ${n}`);
    return m[1];
  };
  return `${get(major)}.${get(minor)}`;
}

function enumGroupName(first: string, where: string): string {
  const over = ENUM_GROUP_NAMES[first];
  if (over) return over;
  if (first.endsWith('_UNSPEC')) return first.slice(0, -'_UNSPEC'.length);
  throw new Error(`${where}: enum starting with ${first} has no _UNSPEC member; name it in ENUM_GROUP_NAMES`);
}

function shortSource(source: string): string {
  return source.replace(/^x86_64-linux-gnu\//, '');
}

/** Reads the headers and BTF and builds every table. */
export function buildModel(opts: { refreshBtf?: boolean } = {}): Model {
  const table = new SymbolTable();
  const uapi = headerVersion('linux/version.h', 'LINUX_VERSION_MAJOR', 'LINUX_VERSION_PATCHLEVEL');
  const glibc = headerVersion('features.h', '__GLIBC__', '__GLIBC_MINOR__');
  const btf = opts.refreshBtf || !existsSync(BTF_CACHE) ? dumpBtf() : readBtfCache();
  const btfUsed = new Set<CEnum>();
  const files: FileModel[] = [];

  for (const spec of FILES) {
    const groups: Group[] = [];
    const candidates: MacroDef[] = [];
    for (const source of spec.sources) {
      const { code, macros } = preprocess(source, readFileSync(join(INCLUDE, source), 'utf8'), table);
      candidates.push(...macros);
      for (const e of parseEnums(source, code, table)) {
        const first = e.members[0]?.name;
        if (first === undefined) continue;
        if (spec.skipEnums?.includes(first)) continue;
        if (spec.enums !== 'all' && !spec.enums.includes(first)) continue;
        const name = enumGroupName(first, source);
        const doc = ENUM_DOCS[name];
        if (doc === undefined) throw new Error(`${source}: group ${name} has no description in ENUM_DOCS`);
        groups.push({
          name,
          doc,
          members: e.members
            .filter((_, i) => !isSentinel(e, i))
            .map((m) => ({ name: m.name, value: m.value, btf: false })),
          source,
          kind: 'enum',
          btfChecked: false,
          btfOnly: false,
          be16: false,
        });
      }
    }
    for (const fam of spec.macros ?? []) {
      const taken = new Set(groups.flatMap((g) => (g.kind === 'macro' ? g.members.map((m) => m.name) : [])));
      const members: Member[] = [];
      let be16 = false;
      const sources = new Set<string>();
      for (const def of candidates) {
        if (taken.has(def.name) || fam.exclude?.includes(def.name)) continue;
        const hit = Array.isArray(fam.match)
          ? fam.match.includes(def.name)
          : (fam.match as RegExp).test(def.name);
        if (!hit) continue;
        let r: { value: bigint; be16: boolean };
        try {
          r = table.evaluateDef(def);
        } catch (err) {
          throw new Error(`${def.source}: macro ${def.name}: ${(err as Error).message}`);
        }
        const dup = members.find((m) => m.name === def.name);
        if (dup) {
          if (dup.value !== r.value)
            throw new Error(`${def.source}: ${def.name} is defined twice, differently`);
          continue;
        }
        be16 ||= r.be16;
        sources.add(def.source);
        members.push({ name: def.name, value: r.value, btf: false });
        taken.add(def.name);
      }
      if (be16 !== Boolean(fam.be16)) throw new Error(`group ${fam.group}: be16 should be ${be16}`);
      groups.push({
        name: fam.group,
        doc: fam.doc,
        members,
        source: [...sources].join(', '),
        kind: 'macro',
        btfChecked: false,
        btfOnly: false,
        be16,
      });
    }
    files.push({ spec, groups });
  }

  // BTF: add the members the headers do not have yet, and the enums they do not have at all.
  const matched = new Set<CEnum>();
  for (const file of files) {
    for (const g of file.groups) {
      if (g.kind !== 'enum') continue;
      const first = g.members[0]?.name;
      const names = new Set(g.members.map((m) => m.name));
      const hits = btf.enums.filter((e) => e.members.some((m) => m.name === first));
      if (hits.length === 0) continue;
      const overlap = (e: CEnum): number => e.members.filter((m) => names.has(m.name)).length;
      hits.sort((a, b) => overlap(b) - overlap(a));
      if (hits.length > 1 && overlap(hits[0]) === overlap(hits[1]) && hits[0].text !== hits[1].text)
        throw new Error(`BTF has two different enums with ${first}; cannot tell which is ${g.name}`);
      const be = hits[0];
      matched.add(be);
      btfUsed.add(be);
      g.btfChecked = true;
      for (const [j, m] of be.members.entries()) {
        const i = g.members.findIndex((x) => x.name === m.name);
        if (i >= 0) {
          const h = g.members[i];
          if (h.value === m.value) continue;
          if (!(g.name in BTF_RENUMBERED))
            throw new Error(`${g.name}.${m.name} is ${h.value} in ${g.source} but ${m.value} in BTF`);
          g.members[i] = { name: m.name, value: m.value, btf: true, uapi: h.value };
          continue;
        }
        if (isBtfSentinel(be, j)) continue;
        g.members.push({ name: m.name, value: m.value, btf: true });
      }
    }
  }
  const known = new Set(files.flatMap((f) => f.groups.map((g) => g.name)));
  for (const e of btf.enums) {
    if (matched.has(e)) continue;
    const first = e.members[0]?.name;
    if (first === undefined) continue;
    const file = files.find((f) => f.spec.btfClaim?.test(first));
    if (!file) continue;
    const name = enumGroupName(first, `BTF ${btf.release}`);
    if (known.has(name)) continue; // a kernel-internal twin of a header enum
    known.add(name);
    btfUsed.add(e);
    const doc = ENUM_DOCS[name] ?? `enum ${e.tag ?? `starting with ${first}`}`;
    file.groups.push({
      name,
      doc,
      members: e.members
        .filter((_, i) => !isBtfSentinel(e, i))
        .map((m) => ({ name: m.name, value: m.value, btf: true })),
      source: 'BTF',
      kind: 'enum',
      btfChecked: true,
      btfOnly: true,
      be16: false,
    });
  }

  check(files);
  const order = new Map(btf.enums.map((e, i) => [e, i]));
  return {
    files,
    btf,
    btfUsed: [...btfUsed].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
    uapi,
    glibc,
  };
}

/** Empty groups, bad or duplicate names, one name with two values: all fatal. */
export function check(files: readonly FileModel[]): void {
  const groupNames = new Map<string, string>();
  const values = new Map<string, { value: bigint; group: string }>();
  for (const f of files) {
    for (const g of f.groups) {
      if (!/^[A-Za-z_$][\w$]*$/.test(g.name)) throw new Error(`group name ${g.name} is not an identifier`);
      const other = groupNames.get(g.name);
      if (other) throw new Error(`group ${g.name} is in both ${other}.ts and ${f.spec.name}.ts`);
      groupNames.set(g.name, f.spec.name);
      if (g.members.length === 0) throw new Error(`group ${g.name} (${f.spec.name}.ts) is empty`);
      const seen = new Set<string>();
      for (const m of g.members) {
        if (seen.has(m.name)) throw new Error(`${g.name}.${m.name} appears twice`);
        seen.add(m.name);
        if (m.value > BigInt(Number.MAX_SAFE_INTEGER) || m.value < BigInt(Number.MIN_SAFE_INTEGER))
          throw new Error(`${g.name}.${m.name} = ${m.value} is not a safe JavaScript integer`);
        const prev = values.get(m.name);
        if (prev && prev.value !== m.value)
          throw new Error(`${m.name} is ${prev.value} in ${prev.group} but ${m.value} in ${g.name}`);
        values.set(m.name, { value: m.value, group: g.name });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Output.
// ---------------------------------------------------------------------------------------------------------

function describeSources(spec: FileSpec, m: Model): string {
  const parts: { label: string; paths: string[] }[] = [];
  for (const s of spec.sources) {
    const label =
      s.startsWith('x86_64-linux-gnu/') || s === 'features.h' ? `glibc ${m.glibc}` : `uapi ${m.uapi}`;
    const last = parts[parts.length - 1];
    if (last && last.label === label) last.paths.push(join(INCLUDE, s));
    else parts.push({ label, paths: [join(INCLUDE, s)] });
  }
  return parts.map((p) => `${p.paths.join(', ')} (${p.label})`).join(', ');
}

function groupDoc(g: Group, release: string): string {
  const header = g.source
    .split(', ')
    .map((s) => (s === 'BTF' ? s : shortSource(s)))
    .join(', ');
  const what =
    g.kind === 'enum' ? (g.btfOnly ? `enum only in BTF of ${release}` : `enum in ${header}`) : header;
  const renumbered = BTF_RENUMBERED[g.name];
  const doc = g.doc.replace(/\.$/, '') + (renumbered ? `; values of BTF ${release}: ${renumbered}` : '');
  const prefixed = /^[A-Z0-9_*, ]+:/.test(doc) ? doc : `${g.name}_*: ${doc}`;
  return `/** ${prefixed} (${what}). */`;
}

function renderFile(fm: FileModel, m: Model): string {
  const usesBtf = fm.groups.some((g) => g.btfChecked);
  const from = describeSources(fm.spec, m);
  const lines = [
    `// Generated by scripts/gen-constants.ts from ${from}${usesBtf ? ` and BTF of ${m.btf.release}` : ''}. Do not edit.`,
  ];
  for (const g of fm.groups) {
    lines.push('');
    lines.push(groupDoc(g, m.btf.release));
    lines.push(`export const ${g.name} = {`);
    for (const mem of g.members) {
      const note = mem.uapi !== undefined ? ` (uapi ${m.uapi}: ${mem.uapi})` : '';
      lines.push(`  ${mem.name}: ${mem.value},${mem.btf ? ` // BTF ${m.btf.release}${note}` : ''}`);
    }
    lines.push('} as const;');
    if (fm.spec.name === 'errno') {
      lines.push('');
      lines.push('/** errno number to name: the first name the header gives each number (11 is EAGAIN). */');
      lines.push('export const ERRNO_NAMES: Readonly<Record<number, string>> = {');
      const seen = new Set<bigint>();
      for (const mem of [...g.members].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))) {
        if (seen.has(mem.value)) continue;
        seen.add(mem.value);
        const firstName = g.members.find((x) => x.value === mem.value)!.name;
        lines.push(`  ${mem.value}: '${firstName}',`);
      }
      lines.push('};');
    }
  }
  return `${lines.join('\n')}\n`;
}

function renderIndex(m: Model): string {
  const lines = [
    '// Generated by scripts/gen-constants.ts. Do not edit.',
    '// Every constant table, from the uapi headers and the kernel BTF: one module per C header.',
  ];
  const names = m.files.map((f) => f.spec.name).sort();
  for (const n of names) lines.push(`export * from './${n}.js';`);
  return `${lines.join('\n')}\n`;
}

/** The generated files, by base name (with .ts). */
export function render(m: Model): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of m.files) out.set(`${f.spec.name}.ts`, renderFile(f, m));
  out.set('index.ts', renderIndex(m));
  return out;
}

/** Command line entry point. */
export function main(argv: readonly string[]): void {
  let out = join(ROOT, 'src/constants');
  let refreshBtf = false;
  let list = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') {
      const dir = argv[++i];
      if (!dir) throw new Error('--out needs a directory');
      out = resolve(dir);
    } else if (a === '--refresh-btf') refreshBtf = true;
    else if (a === '--list') list = true;
    else throw new Error(`unknown argument ${a}`);
  }
  const cacheMissing = !existsSync(BTF_CACHE);
  const model = buildModel({ refreshBtf });
  if (list) {
    for (const f of model.files) {
      for (const g of f.groups) {
        const btfCount = g.members.filter((x) => x.btf).length;
        process.stdout.write(
          `${f.spec.name}.ts ${g.name} ${g.members.length}${btfCount ? ` (+${btfCount} BTF)` : ''} ${g.source}\n`,
        );
      }
    }
    return;
  }
  if (refreshBtf || cacheMissing) {
    mkdirSync(dirname(BTF_CACHE), { recursive: true });
    writeFileSync(BTF_CACHE, btfCacheText(model.btf, model.btfUsed));
  }
  mkdirSync(out, { recursive: true });
  for (const [name, text] of render(model)) writeFileSync(join(out, name), text);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`gen-constants: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
