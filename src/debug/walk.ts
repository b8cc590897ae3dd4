/**
 * Finding the declaration behind a node of the debugger's tree: which codec decoded an attribute
 * (selectors resolved from its siblings, as the decoder does) and what is inside it. The explainer
 * needs struct layouts and element sizes, `encode` needs names to resolve types.
 */
import type { Codec, DecodeContext, Json } from '../netlink/codec.js';
import {
  type ArrayCodec,
  AttrSet,
  type HeaderedCodec,
  type RecordsCodec,
  type SelectorCodec,
} from '../netlink/schema.js';
import type { StructCodec } from '../netlink/struct.js';

/** What an attribute node needs to have for its siblings' selectors. */
export interface SiblingLike {
  /** Attribute type. */
  type: number;
  /** Its decoded value, if a scalar or string. */
  value?: Json;
  /** Its payload as hex, when kept raw. */
  hex?: string;
}

/**
 * The decoded scalar and string values of sibling nodes, by API key: what selectors choose by
 * (IFLA_INFO_DATA by IFLA_INFO_KIND).
 */
export function siblingValues(set: AttrSet<object>, nodes: readonly SiblingLike[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of nodes) {
    const d = set.def(n.type);
    if (!d || (d.codec.kind !== 'string' && d.codec.kind !== 'scalar')) continue;
    try {
      if (n.value !== undefined) out[d.key] = d.codec.fromJSON(n.value, d.name);
      else if (n.hex !== undefined) {
        const b = Buffer.from(n.hex, 'hex');
        out[d.key] = d.codec.decode(b, 0, b.length, {});
      }
    } catch {
      // not usable as a selector
    }
  }
  return out;
}

/**
 * The codec that decodes attribute `type` of `set`, with selectors resolved; undefined when the set
 * does not declare the type.
 */
export function attrCodec(
  set: AttrSet<object> | undefined,
  type: number,
  siblings: () => Record<string, unknown>,
  ctx: DecodeContext,
): Codec<unknown> | undefined {
  const d = set?.def(type);
  if (!d) return undefined;
  if (d.codec.kind === 'selector') return (d.codec as SelectorCodec).pick(siblings(), ctx);
  return d.codec;
}

/** What a codec holds, for walking into it. */
export type CodecShape =
  | { shape: 'set'; set: AttrSet<object> }
  | { shape: 'headered'; header: StructCodec<unknown>; set: AttrSet<object> }
  | { shape: 'records'; header: StructCodec<unknown>; set: AttrSet<object>; lengthField: string }
  | { shape: 'struct'; struct: StructCodec<unknown> }
  | { shape: 'array'; array: ArrayCodec<unknown> }
  | { shape: 'leaf'; codec: Codec<unknown> };

/** Classifies a codec the way the describer does. */
export function shapeOf(codec: Codec<unknown>): CodecShape {
  switch (codec.kind) {
    case 'nested':
      if (codec instanceof AttrSet) return { shape: 'set', set: codec };
      {
        const h = codec as HeaderedCodec<unknown, object>;
        return { shape: 'headered', header: h.header, set: h.set };
      }
    case 'records': {
      const r = codec as RecordsCodec<unknown, object>;
      return { shape: 'records', header: r.header, set: r.set, lengthField: r.lengthField };
    }
    case 'struct':
      return { shape: 'struct', struct: codec as StructCodec<unknown> };
    case 'array':
      return { shape: 'array', array: codec as ArrayCodec<unknown> };
    default:
      return { shape: 'leaf', codec };
  }
}
