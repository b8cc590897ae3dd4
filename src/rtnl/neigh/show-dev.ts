import { describeLinkRef, type LinkRef } from '../link/plan.js';

/** A link reference as error contexts show it, whatever the caller passed (checked later). */
export function showDev(ref: LinkRef | undefined): string {
  if (typeof ref === 'string' || typeof ref === 'number') return describeLinkRef(ref);
  if (typeof ref === 'object' && ref !== null) return describeLinkRef(ref);
  return String(ref);
}
