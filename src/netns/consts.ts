/**
 * The few kernel constants the namespace code needs, until `src/constants/` (generated from the uapi
 * headers) lands. Each value is copied from the header named next to it.
 */

/** New network namespace: `CLONE_NEWNET` from `<linux/sched.h>`. */
export const CLONE_NEWNET = 0x40000000;

/** Bind mount: `MS_BIND` from `<linux/mount.h>`. */
export const MS_BIND = 4096;

/** Apply recursively: `MS_REC` from `<linux/mount.h>`. */
export const MS_REC = 16384;

/** Make a mount shared: `MS_SHARED` (1 << 20) from `<linux/mount.h>`. */
export const MS_SHARED = 1 << 20;

/**
 * Lazy unmount: `MNT_DETACH` from glibc's `<sys/mount.h>` (the uapi headers do not export it; the
 * kernel defines it in the non-uapi `include/linux/fs.h`).
 */
export const MNT_DETACH = 2;

/** Longest file name component: `NAME_MAX` from `<linux/limits.h>`. */
export const NAME_MAX = 255;

/** Where iproute2 keeps named network namespaces (`NETNS_RUN_DIR` in iproute2's `include/namespace.h`). */
export const NETNS_RUN_DIR = '/run/netns';
