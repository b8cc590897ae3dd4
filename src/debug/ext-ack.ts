/**
 * What an extended ack points at: NLMSGERR_ATTR_OFFS is an offset into the request the error
 * answers; resolved here to the path of kernel names of the attribute found there.
 */
import type { AttrNode, MessageNode } from '../netlink/describe.js';
import { attrPathAt } from '../netlink/describe.js';

/** Finds a request by its sequence number and port id (the one an error answers), or undefined. */
export type RequestLookup = (seq: number, pid: number) => MessageNode | undefined;

/** The value of the first ext-ack attribute of the given name, if a number. */
export function extAckNumber(attrs: readonly AttrNode[] | undefined, name: string): number | undefined {
  const a = attrs?.find((x) => x.name === name);
  return typeof a?.value === 'number' ? a.value : undefined;
}

/**
 * The attribute path NLMSGERR_ATTR_OFFS of `msg` points at (e.g. `['IFLA_LINKINFO', 'IFLA_INFO_DATA',
 * 'IFLA_VXLAN_ID']`), looked up in the echoed request, or, when the ack was capped, in the request
 * `lookup` finds. Undefined when there is no offset or nothing is there.
 */
export function extAckTarget(msg: MessageNode, lookup?: RequestLookup): string[] | undefined {
  const e = msg.error;
  const offs = extAckNumber(e?.ext_ack, 'NLMSGERR_ATTR_OFFS');
  if (!e || offs === undefined) return undefined;
  let rq: MessageNode | undefined = e.request;
  if (!rq.attributes) rq = lookup?.(e.request.nlmsg_seq, e.request.nlmsg_pid);
  if (!rq?.attributes) return undefined;
  const path = attrPathAt(rq.attributes, rq.offset + offs);
  return path.length ? path : undefined;
}

/** Remembers requests (to-kernel messages) by seq and pid, so capped acks can be resolved. */
export class RequestIndex {
  private readonly byKey = new Map<string, MessageNode>();

  /** Records the requests among `messages`. */
  add(messages: readonly MessageNode[]): void {
    for (const m of messages)
      if (m.direction === 'to-kernel') this.byKey.set(`${m.nlmsg_seq}/${m.nlmsg_pid}`, m);
  }

  /** The lookup function for {@link extAckTarget}. */
  readonly lookup: RequestLookup = (seq, pid) =>
    this.byKey.get(`${seq}/${pid}`) ?? this.byKey.get(`${seq}/0`);
}
