/**
 * A boolean the kernel takes as a flag (NLA_FLAG policy: present means true, empty payload) but dumps
 * as a u8 0/1, like IFLA_VXLAN_TTL_INHERIT. Belongs with the core codecs; kept here until
 * src/netlink/codec.ts has it.
 */
import type { Codec } from '../../netlink/codec.js';
import { DecodeError, ValidationError } from '../../netlink/errors.js';

/**
 * Decodes an empty payload or a non-zero u8 as true and a zero u8 as false. Encodes true as a flag
 * (what requests must carry) and false as a u8 0 (what the kernel dumps; leave the attribute out of a
 * request instead: the kernel refuses a payload on a flag).
 */
export const flagU8: Codec<boolean> = {
  kind: 'scalar',
  typeName: 'flag/u8',
  decode(buf, off, len) {
    if (len === 0) return true;
    if (len === 1) return buf[off] !== 0;
    throw new DecodeError(`flag/u8 payload is ${len} bytes, expected 0 or 1`, off);
  },
  encode(w, v, name) {
    if (typeof v !== 'boolean') throw new ValidationError(name, v, 'expected a boolean');
    if (v) return;
    w.ensure(1);
    w.buf[w.length++] = 0;
  },
  toJSON: (v) => v,
  fromJSON: (j, name) => {
    if (typeof j !== 'boolean') throw new ValidationError(name, j, 'expected a boolean');
    return j;
  },
};
