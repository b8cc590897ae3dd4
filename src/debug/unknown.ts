/**
 * What the declarations do not know in decoded messages: message types without a spec, attributes
 * without a declaration (with the set they were found in), and selector choices without one
 * (IFLA_INFO_DATA of a link kind nobody registered). For finding gaps in the schemas.
 */
import type { DecodeContext } from '../netlink/codec.js';
import type { AttrNode, MessageNode } from '../netlink/describe.js';
import { extAckSet, type Protocol } from '../netlink/message.js';
import type { AttrSet } from '../netlink/schema.js';
import { attrCodec, shapeOf, siblingValues } from './walk.js';

/** One thing the declarations do not know. */
export interface Unknown {
  /** `message`: a message type without a spec; `attribute`: an undeclared attribute type;
   * `choice`: a selector (IFLA_INFO_DATA...) whose siblings pick no declaration, so its payload stays raw. */
  what: 'message' | 'attribute' | 'choice';
  /** The message type's name or number, e.g. RTM_NEWLINK. */
  message: string;
  /** Kernel names from the message down to the parent of the thing (empty at the top). */
  path: string[];
  /** The attribute set it was found in (its name is the constants table's, e.g. IFLA_VXLAN). */
  set?: string;
  /** The attribute or message type number. */
  type: number;
  /** For a `choice`: what the siblings said (e.g. `IFLA_INFO_KIND=tun`). */
  choice?: string;
}

function walkAttrs(
  nodes: readonly AttrNode[],
  set: AttrSet<object> | undefined,
  ctx: DecodeContext,
  path: string[],
  message: string,
  out: Unknown[],
): void {
  let sib: Record<string, unknown> | undefined;
  const siblings = (): Record<string, unknown> => (sib ??= set ? siblingValues(set, nodes) : {});
  for (const a of nodes) {
    if (a.framing_error !== undefined || a.error) continue;
    if (a.name === null) {
      const u: Unknown = { what: 'attribute', message, path, type: a.type };
      if (set) u.set = set.typeName;
      out.push(u);
      continue;
    }
    const def = set?.def(a.type);
    const codec = attrCodec(set, a.type, siblings, ctx);
    if (!codec || !def) continue;
    const here = [...path, a.name];
    if (def.codec.kind === 'selector' && codec.kind === 'binary') {
      const said = nodes
        .filter((n) => n !== a && typeof n.value === 'string')
        .map((n) => `${n.name}=${n.value as string}`)
        .join(' ');
      out.push({
        what: 'choice',
        message,
        path,
        type: a.type,
        set: set!.typeName,
        choice: `${a.name} ${said}`.trim(),
      });
      continue;
    }
    const s = shapeOf(codec);
    if (s.shape === 'set' || s.shape === 'headered')
      walkAttrs(a.attributes ?? [], s.set, ctx, here, message, out);
    else if (s.shape === 'records')
      for (const e of a.entries ?? []) walkAttrs(e.attributes, s.set, ctx, here, message, out);
  }
}

function walkMessage(m: MessageNode, protocol: Protocol, out: Unknown[]): void {
  const name = m.nlmsg_type_name ?? `type ${m.nlmsg_type}`;
  if (m.nlmsg_type_name === null) out.push({ what: 'message', message: name, path: [], type: m.nlmsg_type });
  if (m.error) {
    walkAttrs(m.error.ext_ack ?? [], extAckSet, {}, [], name, out);
    walkMessage(m.error.request, protocol, out);
  }
  if (m.done?.ext_ack) walkAttrs(m.done.ext_ack, extAckSet, {}, [], name, out);
  const spec = protocol.spec(m.nlmsg_type);
  if (!spec || !m.attributes) return;
  let ctx: DecodeContext = {};
  if (spec.familyKey && m.family_header) {
    const f = spec.header.fields.find((x) => x.key === spec.familyKey);
    const fam = f ? m.family_header.fields[f.cName] : undefined;
    if (typeof fam === 'number') ctx = { family: fam };
  }
  walkAttrs(m.attributes, spec.attrs, ctx, [], name, out);
}

/** Everything in `messages` (decoded with `protocol`) that no declaration names, in order. */
export function findUnknown(messages: readonly MessageNode[], protocol: Protocol): Unknown[] {
  const out: Unknown[] = [];
  for (const m of messages) walkMessage(m, protocol, out);
  return out;
}
