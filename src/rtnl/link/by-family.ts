/**
 * A selector on the message's address family (ifi_family), for attributes whose content depends on
 * it (IFLA_AF_SPEC, IFLA_PROTINFO). Decoding knows the family from the header. Encoding does not
 * (the core passes no family to encoders), so there the value's own keys choose: the first candidate
 * set that declares every key.
 */
import type { Codec, DecodeContext } from '../../netlink/codec.js';
import { AttrSet, type SelectorCodec, selector } from '../../netlink/schema.js';

/** Which codec holds the attribute, by family; `default` for families not listed. */
export interface FamilyTable {
  /** Codec per address family. */
  readonly byFamily: ReadonlyMap<number, Codec<unknown>>;
  /** Codec for other families, and for encoding values no listed set fits. */
  readonly default: Codec<unknown>;
}

function fits(c: Codec<unknown>, v: unknown): boolean {
  if (!(c instanceof AttrSet) || typeof v !== 'object' || v === null || v instanceof Uint8Array) return false;
  return Object.keys(v).every((k) => k === 'unknownAttrs' || c.defByKey(k) !== undefined);
}

/**
 * Declares an attribute whose codec depends on the message family. `key` is the attribute's API key
 * in its set (used to look at the value when encoding).
 */
export function byFamily<T>(typeName: string, key: string, table: FamilyTable): SelectorCodec<T> {
  const candidates = [table.default, ...table.byFamily.values()];
  return selector<T>(
    typeName,
    (siblings: Readonly<Record<string, unknown>>, ctx: DecodeContext) => {
      if (ctx.family !== undefined) return table.byFamily.get(ctx.family) ?? table.default;
      const v = siblings[key];
      if (v instanceof Uint8Array) return candidates.find((c) => !(c instanceof AttrSet));
      return candidates.find((c) => fits(c, v));
    },
    table.default,
  );
}
