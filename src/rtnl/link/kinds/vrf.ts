/**
 * VRF devices (kind `vrf`): an L3 master device bound to a routing table. IFLA_INFO_DATA is
 * IFLA_VRF_TABLE; each enslaved port reports its table in IFLA_INFO_SLAVE_DATA (IFLA_VRF_PORT_TABLE).
 */
import { IFLA_VRF, IFLA_VRF_PORT } from '../../../constants/if_link.js';
import { u32, type ValueOf } from '../../../netlink/codec.js';
import { ValidationError } from '../../../netlink/errors.js';
import { attrSet } from '../../../netlink/schema.js';
import { validateInt } from '../../validate.js';
import { registerKind } from '../registry.js';

/** IFLA_VRF_*: IFLA_INFO_DATA of kind vrf. */
export const vrfAttrs = attrSet('IFLA_VRF', IFLA_VRF, {
  table: ['IFLA_VRF_TABLE', u32],
});

/** IFLA_VRF_PORT_*: IFLA_INFO_SLAVE_DATA of a port enslaved to a vrf. */
export const vrfPortAttrs = attrSet('IFLA_VRF_PORT', IFLA_VRF_PORT, {
  table: ['IFLA_VRF_PORT_TABLE', u32],
});

/** Decoded IFLA_INFO_DATA of a vrf. */
export type VrfData = ValueOf<typeof vrfAttrs>;
/** Decoded IFLA_INFO_SLAVE_DATA of a vrf port. */
export type VrfPortData = ValueOf<typeof vrfPortAttrs>;

// Typed access through linkData() / linkSlaveData().
declare module '../link.js' {
  interface KindDataMap {
    /** vrf. */
    vrf: VrfData;
  }
  interface SlaveDataMap {
    /** a port of a vrf. */
    vrf: VrfPortData;
  }
}

/** The vrf kind. */
export const vrfKind = registerKind({
  kind: 'vrf',
  data: vrfAttrs,
  slaveData: vrfPortAttrs,
  summary: 'Virtual routing and forwarding domain bound to a routing table',
});

/** Options of a new vrf (`ip link add NAME type vrf table N`). */
export interface VrfOptions {
  /** The routing table, 1..4294967295 (the kernel requires one, and not 0). */
  table: number;
}

/** Checks vrf options and builds IFLA_INFO_DATA. Throws ValidationError naming the field. */
export function buildVrfData(opts: VrfOptions): VrfData {
  if (typeof opts !== 'object' || opts === null)
    throw new ValidationError('vrf', opts, 'expected vrf options');
  for (const k of Object.keys(opts))
    if (k !== 'table')
      throw new ValidationError(
        `vrf.${k}`,
        (opts as unknown as Record<string, unknown>)[k],
        'not a vrf option',
      );
  return { table: validateInt('vrf.table', opts.table, 1, 0xffffffff) };
}
