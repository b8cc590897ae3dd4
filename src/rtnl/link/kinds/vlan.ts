/**
 * 802.1Q / 802.1ad VLAN interfaces (kind `vlan`): a tagged sub-interface of its parent (IFLA_LINK).
 * IFLA_INFO_DATA is IFLA_VLAN_*: the id, flags with a mask, the priority maps and the tag protocol.
 */
import { IFLA_VLAN, IFLA_VLAN_QOS } from '../../../constants/if_link.js';
import { be16, named, u16, type ValueOf } from '../../../netlink/codec.js';
import { ValidationError } from '../../../netlink/errors.js';
import { attrSet } from '../../../netlink/schema.js';
import { struct } from '../../../netlink/struct.js';
import { validateInt, validateU32 } from '../../validate.js';
import { registerKind } from '../registry.js';

/**
 * VLAN_FLAG_*: bits of ifla_vlan_flags (enum vlan_flags, linux/if_vlan.h). Declared here until
 * scripts/gen-constants.ts covers if_vlan.h; test/kinds-missing-consts.test.ts checks them against the header.
 */
export const VLAN_FLAG = {
  VLAN_FLAG_REORDER_HDR: 0x1,
  VLAN_FLAG_GVRP: 0x2,
  VLAN_FLAG_LOOSE_BINDING: 0x4,
  VLAN_FLAG_MVRP: 0x8,
  VLAN_FLAG_BRIDGE_BINDING: 0x10,
} as const;

/**
 * The tag protocols of IFLA_VLAN_PROTOCOL (ETH_P_8021Q, ETH_P_8021AD in linux/if_ether.h). Declared here
 * until scripts/gen-constants.ts covers if_ether.h; checked against the header by the tests.
 */
export const VLAN_PROTOCOL = {
  ETH_P_8021Q: 0x8100,
  ETH_P_8021AD: 0x88a8,
} as const;

/** struct ifla_vlan_flags: the flags to set, and which of them the request changes. */
export const vlanFlagsStruct = struct('ifla_vlan_flags', [
  ['flags', 'flags', 'u32'],
  ['mask', 'mask', 'u32'],
]);

/** struct ifla_vlan_qos_mapping: one priority mapping (egress: skb priority -> PCP; ingress: PCP -> skb priority). */
export const vlanQosMappingStruct = struct('ifla_vlan_qos_mapping', [
  ['from', 'from', 'u32'],
  ['to', 'to', 'u32'],
]);

/** IFLA_VLAN_QOS_*: the mappings nested in IFLA_VLAN_EGRESS_QOS / IFLA_VLAN_INGRESS_QOS. */
export const vlanQosAttrs = attrSet('IFLA_VLAN_QOS', IFLA_VLAN_QOS, {
  mapping: ['IFLA_VLAN_QOS_MAPPING', vlanQosMappingStruct, { multi: true }],
});

/** IFLA_VLAN_*: IFLA_INFO_DATA of kind vlan. */
export const vlanAttrs = attrSet('IFLA_VLAN', IFLA_VLAN, {
  id: ['IFLA_VLAN_ID', u16],
  flags: ['IFLA_VLAN_FLAGS', vlanFlagsStruct],
  egressQos: ['IFLA_VLAN_EGRESS_QOS', vlanQosAttrs],
  ingressQos: ['IFLA_VLAN_INGRESS_QOS', vlanQosAttrs],
  protocol: ['IFLA_VLAN_PROTOCOL', named(be16, VLAN_PROTOCOL)],
});

/** Decoded IFLA_INFO_DATA of a vlan. */
export type VlanData = ValueOf<typeof vlanAttrs>;

// Typed access through linkData() / linkSlaveData().
declare module '../link.js' {
  interface KindDataMap {
    /** vlan. */
    vlan: VlanData;
  }
}

/** The vlan kind. */
export const vlanKind = registerKind({
  kind: 'vlan',
  data: vlanAttrs,
  summary: '802.1Q/802.1ad VLAN sub-interface of a parent link',
});

/** One priority mapping of a vlan. */
export interface VlanQosMapping {
  /** Egress: the skb priority (u32). Ingress: the VLAN PCP (0..7). */
  from: number;
  /** Egress: the VLAN PCP (0..7). Ingress: the skb priority (u32). */
  to: number;
}

/** VLAN flags to set (true) or clear (false); flags left out are not changed. */
export interface VlanFlagOptions {
  /** VLAN_FLAG_REORDER_HDR: strip the tag on receive (kernel default on). */
  reorderHdr?: boolean;
  /** VLAN_FLAG_GVRP: register the VLAN with GVRP. */
  gvrp?: boolean;
  /** VLAN_FLAG_LOOSE_BINDING: do not follow the parent's operational state. */
  looseBinding?: boolean;
  /** VLAN_FLAG_MVRP: register the VLAN with MVRP. */
  mvrp?: boolean;
  /** VLAN_FLAG_BRIDGE_BINDING: follow the state of the bridge ports in this VLAN only. */
  bridgeBinding?: boolean;
}

/** Options of a new vlan (`ip link add link PARENT name N type vlan ...`). The parent is IFLA_LINK. */
export interface VlanOptions {
  /** The VLAN id, 0..4094. */
  id: number;
  /** The tag protocol (default 802.1Q). */
  protocol?: '802.1Q' | '802.1ad';
  /** Flags to set or clear. */
  flags?: VlanFlagOptions;
  /** egress-qos-map: skb priority -> PCP. */
  egressQos?: VlanQosMapping[];
  /** ingress-qos-map: PCP -> skb priority. */
  ingressQos?: VlanQosMapping[];
}

const OPTION_KEYS = ['id', 'protocol', 'flags', 'egressQos', 'ingressQos'];
const FLAG_BITS: Record<keyof VlanFlagOptions, number> = {
  reorderHdr: VLAN_FLAG.VLAN_FLAG_REORDER_HDR,
  gvrp: VLAN_FLAG.VLAN_FLAG_GVRP,
  looseBinding: VLAN_FLAG.VLAN_FLAG_LOOSE_BINDING,
  mvrp: VLAN_FLAG.VLAN_FLAG_MVRP,
  bridgeBinding: VLAN_FLAG.VLAN_FLAG_BRIDGE_BINDING,
};

function qosMap(field: string, list: unknown, pcpSide: 'from' | 'to'): { mapping: VlanQosMapping[] } {
  if (!Array.isArray(list)) throw new ValidationError(field, list, 'expected an array of { from, to }');
  const mapping = list.map((m: unknown, i) => {
    if (typeof m !== 'object' || m === null)
      throw new ValidationError(`${field}[${i}]`, m, 'expected { from, to }');
    const { from, to } = m as Record<string, unknown>;
    const pcp = (v: unknown, side: string) => validateInt(`${field}[${i}].${side}`, v, 0, 7);
    const prio = (v: unknown, side: string) => validateU32(`${field}[${i}].${side}`, v);
    return pcpSide === 'to'
      ? { from: prio(from, 'from'), to: pcp(to, 'to') }
      : { from: pcp(from, 'from'), to: prio(to, 'to') };
  });
  return { mapping };
}

/** Checks vlan options and builds IFLA_INFO_DATA. Throws ValidationError naming the field. */
export function buildVlanData(opts: VlanOptions): VlanData {
  if (typeof opts !== 'object' || opts === null)
    throw new ValidationError('vlan', opts, 'expected vlan options');
  for (const k of Object.keys(opts))
    if (!OPTION_KEYS.includes(k))
      throw new ValidationError(
        `vlan.${k}`,
        (opts as unknown as Record<string, unknown>)[k],
        'not a vlan option',
      );
  const data: VlanData = { id: validateInt('vlan.id', opts.id, 0, 4094) };
  if (opts.protocol !== undefined) {
    if (opts.protocol === '802.1Q') data.protocol = VLAN_PROTOCOL.ETH_P_8021Q;
    else if (opts.protocol === '802.1ad') data.protocol = VLAN_PROTOCOL.ETH_P_8021AD;
    else throw new ValidationError('vlan.protocol', opts.protocol, "expected '802.1Q' or '802.1ad'");
  }
  if (opts.flags !== undefined) {
    if (typeof opts.flags !== 'object' || opts.flags === null)
      throw new ValidationError('vlan.flags', opts.flags, 'expected an object of booleans');
    let flags = 0;
    let mask = 0;
    for (const [k, v] of Object.entries(opts.flags)) {
      if (!Object.hasOwn(FLAG_BITS, k)) throw new ValidationError(`vlan.flags.${k}`, v, 'not a vlan flag');
      const bit = FLAG_BITS[k as keyof VlanFlagOptions];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') throw new ValidationError(`vlan.flags.${k}`, v, 'expected a boolean');
      mask |= bit;
      if (v) flags |= bit;
    }
    data.flags = { flags, mask };
  }
  if (opts.egressQos !== undefined) data.egressQos = qosMap('vlan.egressQos', opts.egressQos, 'to');
  if (opts.ingressQos !== undefined) data.ingressQos = qosMap('vlan.ingressQos', opts.ingressQos, 'from');
  return data;
}
