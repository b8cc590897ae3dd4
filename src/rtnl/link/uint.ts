/**
 * NLA_UINT: an unsigned integer the kernel writes in 4 bytes when it fits, else 8 (nla_put_uint).
 * Belongs with the core codecs; kept here until src/netlink/codec.ts has it.
 */
import type { Codec } from '../../netlink/codec.js';
import { u64 } from '../../netlink/codec.js';
import { DecodeError, ValidationError } from '../../netlink/errors.js';

/** A variable-width (4 or 8 byte) unsigned integer, as a bigint; encoded in 4 bytes when it fits. */
export const uint: Codec<bigint> = {
  kind: 'scalar',
  typeName: 'uint',
  decode(buf, off, len) {
    if (len === 4) return BigInt(buf.readUInt32LE(off));
    if (len === 8) return buf.readBigUInt64LE(off);
    throw new DecodeError(`uint payload is ${len} bytes, expected 4 or 8`, off);
  },
  encode(w, v, name) {
    if (typeof v !== 'bigint' || v < 0n || v >= 1n << 64n)
      throw new ValidationError(name, v, 'expected a bigint from 0 to 2^64-1');
    if (v <= 0xffffffffn) {
      w.ensure(4);
      w.buf.writeUInt32LE(Number(v), w.length);
      w.length += 4;
    } else u64.encode(w, v, name);
  },
  toJSON: (v) => u64.toJSON(v),
  fromJSON: (j, name) => u64.fromJSON(j, name),
};
