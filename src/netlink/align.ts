/** Netlink alignment: messages and attributes are padded to 4 bytes (NLMSG_ALIGNTO, NLA_ALIGNTO). */
export const ALIGNTO = 4;
/** sizeof(struct nlmsghdr). */
export const NLMSG_HDRLEN = 16;
/** sizeof(struct nlattr). */
export const NLA_HDRLEN = 4;
/** NLA_TYPE_MASK: the attribute type without NLA_F_NESTED and NLA_F_NET_BYTEORDER. */
export const NLA_TYPE_MASK = 0x3fff;

/** Rounds n up to the next multiple of 4 (NLMSG_ALIGN / NLA_ALIGN). */
export function align(n: number): number {
  return (n + 3) & ~3;
}
