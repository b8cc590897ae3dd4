/**
 * ifb: Intermediate Functional Block, a device that traffic is redirected into (tc mirred) so that
 * ingress traffic can be shaped. It has no IFLA_INFO_DATA.
 */
import { registerKind } from '../registry.js';

/** The ifb kind. */
export const ifb = registerKind({
  kind: 'ifb',
  summary: 'intermediate functional block: a target for redirected traffic, to shape ingress',
});
