import { NlwireError } from './errors.js';
import type { NlMsgHeader } from './header.js';
import type { ExtAckValue } from './message.js';

/** What a {@link NetlinkError} knows about the request the kernel refused. */
export interface FailedRequest {
  /** Name of the message type (RTM_NEWLINK...), when known. */
  type: string;
  /** The request's nlmsghdr. */
  header: NlMsgHeader;
  /** The request's bytes, when kept. */
  bytes?: Uint8Array;
}

/**
 * The kernel refused a request: errno with its name, the extended-ack message, and the offending
 * attribute resolved to its path (IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_ID).
 */
export class NetlinkError extends NlwireError {
  override name = 'NetlinkError';
  /** Positive errno (e.g. 17). */
  readonly errno: number;
  /** errno name (e.g. EEXIST). */
  readonly code: string;
  /** The kernel's extended-ack text, if it sent one. */
  readonly extAckMessage?: string;
  /** Path of the offending attribute, from NLMSGERR_ATTR_OFFS, if resolved. */
  readonly attrPath?: string[];
  /** Path of the nest a missing attribute belongs in, and the missing type (NLMSGERR_ATTR_MISS_*). */
  readonly missing?: { type: number; name?: string; nest?: string[] };
  /** The whole extended ack. */
  readonly extAck: ExtAckValue;
  /** The request that failed. */
  readonly request: FailedRequest;
  /** What was being done (e.g. 'link add veth0'), when the caller said. */
  readonly context?: string;

  constructor(init: {
    errno: number;
    code: string;
    extAck: ExtAckValue;
    request: FailedRequest;
    attrPath?: string[];
    missing?: { type: number; name?: string; nest?: string[] };
    context?: string;
    description?: string;
  }) {
    const parts = [init.context, `${init.request.type}: ${init.code}`].filter(Boolean).join(': ');
    const why = init.extAck.msg ?? init.description;
    const where = init.attrPath?.length ? ` (attribute ${init.attrPath.join('/')})` : '';
    const miss = init.missing
      ? ` (missing ${init.missing.name ?? `attribute ${init.missing.type}`}${init.missing.nest?.length ? ` in ${init.missing.nest.join('/')}` : ''})`
      : '';
    super(`${parts}${why ? `: ${why}` : ''}${where}${miss}`);
    this.errno = init.errno;
    this.code = init.code;
    this.extAckMessage = init.extAck.msg;
    this.attrPath = init.attrPath;
    this.missing = init.missing;
    this.extAck = init.extAck;
    this.request = init.request;
    this.context = init.context;
  }
}

/** A dump was interrupted (NLM_F_DUMP_INTR): the kernel's table changed while it was being read. */
export class DumpInterruptedError<T = unknown> extends NlwireError {
  override name = 'DumpInterruptedError';
  /** Everything received; may be inconsistent. */
  readonly partial: T[];
  constructor(what: string, partial: T[]) {
    super(
      `${what}: dump interrupted (NLM_F_DUMP_INTR), the table changed while it was read; retry for a consistent view`,
    );
    this.partial = partial;
  }
}
