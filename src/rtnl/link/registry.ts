/**
 * Link kinds as registered drivers: each kind (veth, bridge, vxlan...) declares the attribute set of
 * its IFLA_INFO_DATA and, for kinds that enslave ports (bridge, bond, vrf), of IFLA_INFO_SLAVE_DATA.
 * IFLA_LINKINFO's selectors pick the set by IFLA_INFO_KIND / IFLA_INFO_SLAVE_KIND; an unknown kind's
 * data stays raw bytes.
 */
import type { AttrSet } from '../../netlink/schema.js';

/** A link kind's declaration. */
export interface LinkKind {
  /** The kind string the kernel uses in IFLA_INFO_KIND (veth, bridge, vxlan...). */
  readonly kind: string;
  /** The set of IFLA_INFO_DATA for this kind, if it has data. */
  readonly data?: AttrSet<object>;
  /** The set of IFLA_INFO_SLAVE_DATA of ports enslaved to a master of this kind (bridge, bond, vrf). */
  readonly slaveData?: AttrSet<object>;
  /** One line on what it is, for --help and docs. */
  readonly summary: string;
}

const kinds = new Map<string, LinkKind>();

/** Registers a kind; a kind registered twice keeps the last declaration. */
export function registerKind(k: LinkKind): LinkKind {
  kinds.set(k.kind, k);
  return k;
}

/** The declaration of a kind, if registered. */
export function linkKind(kind: string): LinkKind | undefined {
  return kinds.get(kind);
}

/** Every registered kind, by name. */
export function linkKinds(): ReadonlyMap<string, LinkKind> {
  return kinds;
}
