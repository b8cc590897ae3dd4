/** struct rtgenmsg (linux/rtnetlink.h): the header of RTM_*NSID messages. */

import { AF } from '../../constants/socket.js';
import { struct } from '../../netlink/struct.js';

/**
 * struct rtgenmsg: one byte, the family. The kernel parses attributes after NLMSG_ALIGN(1) = 4
 * bytes, and the message writer pads the header to 4 bytes, so the 3 padding bytes are not fields.
 */
export const rtgenmsg = struct('rtgenmsg', [['rtgen_family', 'family', 'u8', { enum: AF }]]);
