/**
 * A request being prepared: its attributes, plus the interface names still to be resolved to indexes
 * and the namespaces still to be opened. Input is checked synchronously while the plan is built, so
 * every ValidationError comes before anything is asked of the kernel.
 */
import { ValidationError } from '../../netlink/errors.js';
import {
  describeNetnsRef,
  type NetnsHandle,
  type NetnsRef,
  openNetns,
  validateNetnsName,
} from '../../netns/ref.js';

/** A link: its index, its name (or an alternative name), or an object carrying its index. */
export type LinkRef = number | string | { readonly index: number };

/** ALTIFNAMSIZ - 1: the longest alternative name. */
export const ALTIFNAME_MAX = 127;

/** Checks an interface index (1..2^31-1). */
export function checkIndex(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 0x7fffffff)
    throw new ValidationError(field, v, 'an interface index is an integer from 1 to 2147483647');
  return v;
}

/** Checks a name used to find a link: a name or an alternative name (1..127 bytes, no NUL). */
export function checkLookupName(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw new ValidationError(field, v, 'must be a non-empty string');
  if (Buffer.byteLength(v) > ALTIFNAME_MAX)
    throw new ValidationError(field, v, `longer than ${ALTIFNAME_MAX} bytes`);
  if (v.includes('\0')) throw new ValidationError(field, v, 'must not contain NUL');
  return v;
}

/** Checks a LinkRef without resolving it: the index, or the name. */
export function checkLinkRef(ref: unknown, field: string): number | string {
  if (typeof ref === 'number') return checkIndex(ref, field);
  if (typeof ref === 'string') return checkLookupName(ref, field);
  if (typeof ref === 'object' && ref !== null && 'index' in ref)
    return checkIndex((ref as { index: unknown }).index, `${field}.index`);
  throw new ValidationError(field, ref, 'expected an interface index, a name, or { index }');
}

/** How a LinkRef reads in messages: the name, or `index N`. */
export function describeLinkRef(ref: LinkRef): string {
  if (typeof ref === 'string') return ref;
  if (typeof ref === 'number') return `index ${ref}`;
  return `index ${ref.index}`;
}

/** Checks the shape of a namespace reference (opening it happens later). */
export function checkNetnsRef(ref: unknown, field: string): NetnsRef {
  const ok =
    typeof ref === 'string' ||
    (typeof ref === 'object' &&
      ref !== null &&
      ('name' in ref || 'path' in ref || 'fd' in ref || 'pid' in ref));
  if (!ok || ref === '')
    throw new ValidationError(field, ref, 'expected a namespace name, { name }, { path }, { fd } or { pid }');
  const r = ref as Exclude<NetnsRef, string> | string;
  const path = typeof r === 'string' ? (r.startsWith('/') ? r : undefined) : 'path' in r ? r.path : undefined;
  const name = typeof r === 'string' ? (r.startsWith('/') ? undefined : r) : 'name' in r ? r.name : undefined;
  try {
    if (name !== undefined) validateNetnsName(name);
  } catch (e) {
    throw new ValidationError(field, ref, (e as Error).message);
  }
  if (path !== undefined && (typeof path !== 'string' || path === '' || path.includes('\0')))
    throw new ValidationError(field, ref, 'a namespace path is a non-empty string without NUL');
  if (typeof r === 'object' && 'pid' in r && !(Number.isSafeInteger(r.pid) && r.pid > 0))
    throw new ValidationError(field, ref, 'a pid is a positive integer');
  if (typeof r === 'object' && 'fd' in r && !(Number.isSafeInteger(r.fd) && r.fd >= 0))
    throw new ValidationError(field, ref, 'an fd is a non-negative integer');
  return ref as NetnsRef;
}

interface PendingRef {
  name: string;
  field: string;
  set(index: number): void;
}

interface PendingNetns {
  ref: NetnsRef;
  set(fd: number): void;
}

/** Looks a link name up; returns its index. */
export type Resolver = (name: string, field: string) => Promise<number>;

/** A request being prepared (see the module comment). */
export class Plan {
  private readonly refs: PendingRef[] = [];
  private readonly spaces: PendingNetns[] = [];

  /** Checks `ref` now; calls `set` with its index now or when {@link resolve} looks the name up. */
  link(ref: unknown, field: string, set: (index: number) => void): void {
    const r = checkLinkRef(ref, field);
    if (typeof r === 'number') set(r);
    else this.refs.push({ name: r, field, set });
  }

  /** Checks `ref` now; calls `set` with a descriptor of the namespace when {@link open} opens it. */
  netns(ref: unknown, field: string, set: (fd: number) => void): void {
    this.spaces.push({ ref: checkNetnsRef(ref, field), set });
  }

  /** The names still to be looked up. */
  get pendingNames(): string[] {
    return this.refs.map((r) => r.name);
  }

  /** Whether names remain to be looked up. */
  get unresolved(): boolean {
    return this.refs.length > 0;
  }

  /** Looks every pending name up. */
  async resolve(resolver: Resolver): Promise<void> {
    for (const r of this.refs.splice(0)) r.set(await resolver(r.name, r.field));
  }

  /** Opens every pending namespace; the caller closes the handles once the request is answered. */
  open(): NetnsHandle[] {
    const handles: NetnsHandle[] = [];
    try {
      for (const s of this.spaces) {
        const h = openNetns(s.ref);
        handles.push(h);
        s.set(h.fd);
      }
    } catch (e) {
      for (const h of handles) h.close();
      throw e;
    }
    return handles;
  }

  /** Descriptions of the namespaces the request moves things into, for messages. */
  get namespaces(): string[] {
    return this.spaces.map((s) => describeNetnsRef(s.ref));
  }
}
