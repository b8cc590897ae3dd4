/**
 * API names of ndm_state and ndm_flags bits, made from the kernel's NUD_* and NTF_* names
 * (NUD_REACHABLE is 'reachable', NTF_EXT_LEARNED is 'ext_learned').
 */
import { NTF, NUD } from '../../constants/neighbour.js';
import { ValidationError } from '../../netlink/errors.js';

const lower = <T extends string>(table: Readonly<Record<string, number>>, prefix: string) =>
  Object.entries(table)
    .filter(([, v]) => v !== 0)
    .map(([k, v]) => [k.slice(prefix.length).toLowerCase() as T, v] as const);

type Strip<K, P extends string> = K extends `${P}${infer S}` ? Lowercase<S> : never;

/** A neighbour state (NUD_*, without NUD_NONE): 'reachable', 'stale', 'permanent'... */
export type NeighState = Exclude<Strip<keyof typeof NUD, 'NUD_'>, 'none'>;
/** A neighbour flag (NTF_*): 'self', 'master', 'proxy', 'ext_learned', 'router'... */
export type NeighFlag = Strip<keyof typeof NTF, 'NTF_'>;

const STATES = lower<NeighState>(NUD, 'NUD_');
const FLAGS = lower<NeighFlag>(NTF, 'NTF_');

/** The names of the NUD_* bits set in `state`, lowest bit first. */
export function neighStateNames(state: number): NeighState[] {
  return STATES.filter(([, v]) => state & v).map(([k]) => k);
}

/** The names of the NTF_* bits set in `flags`, lowest bit first. */
export function neighFlagNames(flags: number): NeighFlag[] {
  return FLAGS.filter(([, v]) => flags & v).map(([k]) => k);
}

/** The NUD_* value of a state name ('none' is 0). */
export function neighStateValue(name: unknown, field = 'state'): number {
  if (name === 'none') return 0;
  const e = STATES.find(([k]) => k === name);
  if (!e)
    throw new ValidationError(field, name, `expected one of none, ${STATES.map(([k]) => k).join(', ')}`);
  return e[1];
}

/** Bits of a set of state names. */
export function neighStateMask(names: unknown, field = 'state'): number {
  const list = Array.isArray(names) ? names : [names];
  return list.reduce<number>(
    (m, n, i) => m | neighStateValue(n, Array.isArray(names) ? `${field}[${i}]` : field),
    0,
  );
}
