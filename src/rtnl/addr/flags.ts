/**
 * Address flags (IFA_F_*) by the names `ip address` uses, and the subset a caller may set.
 */
import { IFA_F } from '../../constants/if_addr.js';
import { AF } from '../../constants/socket.js';
import { ValidationError } from '../../netlink/errors.js';

/** Every IFA_F_* bit by its `ip` name (bit 0 is `secondary` for IPv4, `temporary` for IPv6). */
export const ADDR_FLAGS = {
  secondary: IFA_F.IFA_F_SECONDARY,
  nodad: IFA_F.IFA_F_NODAD,
  optimistic: IFA_F.IFA_F_OPTIMISTIC,
  dadfailed: IFA_F.IFA_F_DADFAILED,
  home: IFA_F.IFA_F_HOMEADDRESS,
  deprecated: IFA_F.IFA_F_DEPRECATED,
  tentative: IFA_F.IFA_F_TENTATIVE,
  permanent: IFA_F.IFA_F_PERMANENT,
  mngtmpaddr: IFA_F.IFA_F_MANAGETEMPADDR,
  noprefixroute: IFA_F.IFA_F_NOPREFIXROUTE,
  autojoin: IFA_F.IFA_F_MCAUTOJOIN,
  'stable-privacy': IFA_F.IFA_F_STABLE_PRIVACY,
} as const;

/** A flag an address may carry, as reported. */
export type AddrFlag = keyof typeof ADDR_FLAGS | 'temporary';

/** The flags a caller may set when adding an address (those `ip address add` takes). */
export const SETTABLE_ADDR_FLAGS = [
  'home',
  'nodad',
  'optimistic',
  'mngtmpaddr',
  'noprefixroute',
  'autojoin',
] as const;
/** A flag a caller may set. */
export type SettableAddrFlag = (typeof SETTABLE_ADDR_FLAGS)[number];

/** ORs the named flags; throws ValidationError on an unknown or read-only one. */
export function addrFlagBits(flags: readonly SettableAddrFlag[], field = 'flags'): number {
  const list: unknown = flags;
  if (!Array.isArray(list)) throw new ValidationError(field, flags, 'expected an array of flag names');
  let v = 0;
  for (const f of list as unknown[]) {
    if (!SETTABLE_ADDR_FLAGS.includes(f as SettableAddrFlag))
      throw new ValidationError(field, f, `not a settable flag (${SETTABLE_ADDR_FLAGS.join(', ')})`);
    v |= ADDR_FLAGS[f as SettableAddrFlag];
  }
  return v;
}

const ADDR_FLAG_LIST = Object.entries(ADDR_FLAGS) as [keyof typeof ADDR_FLAGS, number][];

const NAMES_CACHE = new Map<number, readonly (AddrFlag | `0x${string}`)[]>();

/** Names the bits of `v` (unknown bits as 0x... hex); one frozen array per distinct (v, family). */
export function addrFlagNames(v: number, family: number): readonly (AddrFlag | `0x${string}`)[] {
  const key = (v >>> 0) * 2 + (family === AF.AF_INET6 ? 1 : 0);
  let names = NAMES_CACHE.get(key);
  if (names === undefined) {
    const out: (AddrFlag | `0x${string}`)[] = [];
    let rest = v >>> 0;
    for (const [name, bit] of ADDR_FLAG_LIST) {
      if (!(rest & bit)) continue;
      out.push(bit === IFA_F.IFA_F_SECONDARY && family === AF.AF_INET6 ? 'temporary' : name);
      rest &= ~bit;
    }
    if (rest) out.push(`0x${rest.toString(16)}`);
    names = Object.freeze(out);
    // Flags are a handful of values in practice; the cap keeps arbitrary input from growing it.
    if (NAMES_CACHE.size < 1024) NAMES_CACHE.set(key, names);
  }
  return names;
}
