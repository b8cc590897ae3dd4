/**
 * Which namespace is whose: `ip netns identify`, `ip netns pids` and `lsns -t net`.
 */
import fs from 'node:fs';
import { THREAD_NETNS_PATH } from './enter.js';
import { errnoOf, NetnsError } from './errors.js';
import { listNetns } from './manage.js';
import { type NetnsId, type NetnsRef, netnsId, nsfsDev } from './ref.js';

/** A network namespace as `lsns -t net` lists it. */
export interface NsEntry {
  /** The namespace inode (`net:[INODE]`). */
  inode: bigint;
  /** Names in /run/netns bound to it (usually zero or one). */
  names: string[];
  /** Processes (thread group leaders) whose namespace it is, ascending. */
  pids: number[];
  /** The lowest of `pids`, as lsns shows; undefined when no process is in it. */
  pid: number | undefined;
  /** `/proc/PID/comm` of `pid`. */
  command: string | undefined;
  /** Mount points of this namespace's nsfs file in the caller's mount namespace (`/run/netns/x`, ...). */
  mounts: string[];
}

const ESRCH_MSG = (pid: number): string => `no process with pid ${pid}`;

const sameNs = (a: NetnsId, b: NetnsId): boolean => a.dev === b.dev && a.ino === b.ino;

async function statNs(path: string): Promise<NetnsId | undefined> {
  try {
    const st = await fs.promises.stat(path, { bigint: true });
    return { dev: st.dev, ino: st.ino };
  } catch {
    return undefined; // gone meanwhile, or not ours to see
  }
}

/** The numeric entries of /proc: one per process (thread group). */
async function procPids(): Promise<number[]> {
  const entries = await fs.promises.readdir('/proc');
  const pids: number[] = [];
  for (const e of entries) if (/^[0-9]+$/.test(e)) pids.push(Number(e));
  return pids.sort((a, b) => a - b);
}

/** Every process with the nsfs id of its network namespace. */
async function procNetns(): Promise<{ pid: number; id: NetnsId }[]> {
  const pids = await procPids();
  const ids = await Promise.all(pids.map((pid) => statNs(`/proc/${pid}/ns/net`)));
  const out: { pid: number; id: NetnsId }[] = [];
  pids.forEach((pid, i) => {
    const id = ids[i];
    if (id !== undefined) out.push({ pid, id });
  });
  return out;
}

function checkPid(pid: number): void {
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) {
    throw new NetnsError({ code: 'EINVAL', message: `invalid pid ${String(pid)}: not a positive integer` });
  }
}

/**
 * Names in /run/netns of the network namespace of process `pid`, like `ip netns identify PID` (same
 * st_dev and st_ino). Without `pid`, the calling thread's namespace (read synchronously, before any
 * await, so inside `runInNetns` it is the target's). Empty when the namespace has no name.
 *
 * @throws {NetnsError} `EINVAL` for a bad pid, `ESRCH` when the process does not exist.
 */
export async function identifyNetns(pid?: number): Promise<string[]> {
  let id: NetnsId;
  if (pid === undefined) {
    const st = fs.statSync(THREAD_NETNS_PATH, { bigint: true });
    id = { dev: st.dev, ino: st.ino };
  } else {
    checkPid(pid);
    const found = await statNs(`/proc/${pid}/ns/net`);
    if (found === undefined) throw new NetnsError({ code: 'ESRCH', message: ESRCH_MSG(pid) });
    id = found;
  }
  const list = await listNetns();
  return list
    .filter((n) => n.inode !== undefined && n.inode === id.ino && id.dev === nsfsDev())
    .map((n) => n.name);
}

/**
 * Processes whose network namespace is `ref`, ascending, like `ip netns pids NAME` (scans
 * `/proc/PID/ns/net`; threads that entered a namespace on their own are not seen, as with ip).
 *
 * @throws {NetnsError} `EINVAL`/`ENOENT`/`ESRCH` for an invalid or missing namespace.
 */
export async function netnsPids(ref: NetnsRef): Promise<number[]> {
  const id = netnsId(ref);
  const procs = await procNetns();
  return procs.filter((p) => sameNs(p.id, id)).map((p) => p.pid);
}

/** Decodes the octal escapes (`\040` for a space...) of a /proc/self/mountinfo field. */
function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** nsfs mounts of network namespaces in the caller's mount namespace: inode -> mount points. */
async function nsfsNetMounts(): Promise<Map<bigint, string[]>> {
  const out = new Map<bigint, string[]>();
  let text: string;
  try {
    text = await fs.promises.readFile('/proc/self/mountinfo', 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const fstype = line.slice(sep + 3).split(' ')[0];
    if (fstype !== 'nsfs') continue;
    const fields = line.slice(0, sep).split(' ');
    const m = /^net:\[([0-9]+)\]$/.exec(fields[3] ?? '');
    if (m === null || fields[4] === undefined) continue;
    const inode = BigInt(m[1]);
    const point = unescapeMountinfo(fields[4]);
    const list = out.get(inode) ?? [];
    if (!list.includes(point)) list.push(point);
    out.set(inode, list);
  }
  return out;
}

async function readComm(pid: number): Promise<string | undefined> {
  try {
    return (await fs.promises.readFile(`/proc/${pid}/comm`, 'utf8')).replace(/\n$/, '');
  } catch (err) {
    if (errnoOf(err) !== undefined) return undefined;
    throw err;
  }
}

/**
 * Every network namespace the caller can see, like `lsns -t net`: those of processes (from
 * `/proc/PID/ns/net`) and those only kept alive by an nsfs bind mount (from `/proc/self/mountinfo`),
 * sorted by inode. Namespaces held only by open descriptors or sockets are not found.
 */
export async function listNetNamespaces(): Promise<NsEntry[]> {
  const dev = nsfsDev();
  const [procs, named, mounts] = await Promise.all([procNetns(), listNetns(), nsfsNetMounts()]);
  const byInode = new Map<bigint, NsEntry>();
  const entry = (inode: bigint): NsEntry => {
    let e = byInode.get(inode);
    if (e === undefined) {
      e = { inode, names: [], pids: [], pid: undefined, command: undefined, mounts: [] };
      byInode.set(inode, e);
    }
    return e;
  };
  for (const p of procs) if (p.id.dev === dev) entry(p.id.ino).pids.push(p.pid);
  for (const [inode, points] of mounts) entry(inode).mounts.push(...points);
  for (const n of named) if (n.inode !== undefined) entry(n.inode).names.push(n.name);
  const list = [...byInode.values()].sort((a, b) => (a.inode < b.inode ? -1 : a.inode > b.inode ? 1 : 0));
  await Promise.all(
    list.map(async (e) => {
      e.pids.sort((a, b) => a - b);
      e.pid = e.pids[0];
      if (e.pid !== undefined) e.command = await readComm(e.pid);
    }),
  );
  return list;
}
