import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addNetns,
  attachNetns,
  currentNetnsInode,
  deleteNetns,
  execInNetns,
  identifyNetns,
  listNetNamespaces,
  listNetns,
  NetnsError,
  netnsExists,
  netnsPids,
  openNetns,
  readSysctl,
  runInNetns,
  validateNetnsName,
  writeSysctl,
} from '../src/netns/index.js';
import {
  ipJson,
  kernelSkipReason,
  removeTestNetns,
  requireTool,
  runIp,
  testNetnsName,
  useTestNetns,
  withTestNetns,
} from './helpers/netns.js';

// Count every call into the native shim, to prove that invalid input is refused before any syscall.
const libc = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../src/netlink/libc.js', async (importOriginal) => {
  const orig = await importOriginal<Record<string, unknown>>();
  const wrapped: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(orig)) {
    wrapped[k] =
      typeof v === 'function'
        ? (...args: unknown[]) => {
            libc.calls++;
            return (v as (...a: unknown[]) => unknown)(...args);
          }
        : v;
  }
  return wrapped;
});

const execFileP = promisify(execFile);
const skip = kernelSkipReason('ip');
const rootIno = currentNetnsInode();
const fdCount = (): number => fs.readdirSync('/proc/self/fd').length;
const inodeOf = (p: string): bigint => fs.statSync(p, { bigint: true }).ino;
/** Lets child-process sockets of earlier tests finish closing, so that descriptor counts are stable. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));
const pidMax = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));

/** Names from `ip netns list` ("name" or "name (id: N)"), in its order. */
async function ipNetnsNames(): Promise<string[]> {
  const out = await runIp(undefined, ['netns', 'list']);
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(' ')[0]);
}

/** Expects `p` to reject with a NetnsError of this code and a one-line message. */
async function rejectsWith(p: Promise<unknown>, code: string): Promise<NetnsError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NetnsError);
  const e = err as NetnsError;
  expect(e.code).toBe(code);
  expect(e.message).not.toContain('\n');
  return e;
}

function throwsWith(fn: () => unknown, code: string): NetnsError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(NetnsError);
  const e = err as NetnsError;
  expect(e.code).toBe(code);
  expect(e.message).not.toContain('\n');
  return e;
}

/** Starts `argv` in namespace `ns` (via runInNetns + spawn) or as is; killed by `stop`. */
function startSleeper(argv: string[], ns?: string): ChildProcess {
  const go = (): ChildProcess => spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
  return ns === undefined ? go() : runInNetns(ns, go);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await done;
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

afterEach(() => {
  // Whatever a test did, the thread is back in the root namespace.
  expect(currentNetnsInode()).toBe(rootIno);
});

describe('names and keys are refused before any syscall', () => {
  const bad = ['', '.', '..', 'a/b', 'x'.repeat(256), 'é'.repeat(128), 'a\0b'];

  it.each(bad.map((b) => [JSON.stringify(b).slice(0, 30), b]))('rejects %s', async (_label, name) => {
    const before = libc.calls;
    throwsWith(() => validateNetnsName(name), 'EINVAL');
    await rejectsWith(addNetns(name), 'EINVAL');
    await rejectsWith(deleteNetns(name), 'EINVAL');
    await rejectsWith(attachNetns(name, process.pid), 'EINVAL');
    await rejectsWith(netnsExists(name), 'EINVAL');
    throwsWith(() => runInNetns(name, () => 1), 'EINVAL');
    throwsWith(() => runInNetns({ name }, () => 1), 'EINVAL');
    throwsWith(() => openNetns({ name }), 'EINVAL');
    expect(libc.calls).toBe(before);
    if (name !== '' && name !== '.' && name !== '..' && !name.includes('\0')) {
      expect(fs.existsSync(`/run/netns/${name.split('/')[0]}`)).toBe(false);
    }
  });

  it('accepts 255 bytes, refuses 256', () => {
    expect(() => validateNetnsName('a'.repeat(255))).not.toThrow();
    expect(() => validateNetnsName(`${'é'.repeat(127)}a`)).not.toThrow();
    const e = throwsWith(() => validateNetnsName('a'.repeat(256)), 'EINVAL');
    expect(e.message).toMatch(/256 bytes/);
  });

  it('refuses bad refs, pids and sysctl keys', async () => {
    const before = libc.calls;
    throwsWith(() => runInNetns({ pid: 0 }, () => 1), 'EINVAL');
    throwsWith(() => runInNetns({ pid: 1.5 }, () => 1), 'EINVAL');
    throwsWith(() => runInNetns({ fd: -1 }, () => 1), 'EINVAL');
    throwsWith(() => runInNetns({ path: '' }, () => 1), 'EINVAL');
    await rejectsWith(attachNetns('nlw-never', 0), 'EINVAL');
    await rejectsWith(identifyNetns(-3), 'EINVAL');
    for (const key of [
      'kernel.hostname',
      'net.ipv4/../x',
      'net..ipv4',
      'net',
      '',
      'net.ipv4.',
      '/proc/sys/net',
    ]) {
      await rejectsWith(readSysctl('nlw-never', key), 'EINVAL');
      await rejectsWith(writeSysctl('nlw-never', key, 1), 'EINVAL');
    }
    await rejectsWith(readSysctl('nlw-never', ['net', '..', 'x']), 'EINVAL');
    await rejectsWith(readSysctl('nlw-never', ['net', 'ipv4', 'a/b']), 'EINVAL');
    await expect(execInNetns('nlw-never', [])).rejects.toThrow(TypeError);
    expect(libc.calls).toBe(before);
  });
});

describe.skipIf(skip)('named namespaces (kernel)', () => {
  const ns = useTestNetns('t');

  it('add: a namespace ip sees and enters, the thread untouched', async () => {
    const name = ns.name;
    const ino = inodeOf(`/run/netns/${name}`);
    expect(ino).not.toBe(rootIno);
    expect(await netnsExists(name)).toBe(true);
    expect((await listNetns()).find((n) => n.name === name)).toEqual({
      name,
      path: `/run/netns/${name}`,
      inode: ino,
    });
    expect(await ipNetnsNames()).toContain(name);
    const ipList = await ipJson<{ name: string }[]>(undefined, ['netns', 'list']);
    expect(ipList.map((n) => n.name)).toContain(name);
    const links = await ipJson<{ ifname: string }[]>(name, ['link', 'show']);
    expect(links.map((l) => l.ifname)).toEqual(['lo']);
    expect(currentNetnsInode()).toBe(rootIno);
  });

  it('add and delete leak no descriptor; delete removes it for ip too; ENOENT afterwards', async () => {
    const name = testNetnsName('del');
    ns.track(name);
    let fds = fdCount();
    const info = await addNetns(name);
    expect(fdCount()).toBe(fds);
    expect(info.inode).toBe(inodeOf(`/run/netns/${name}`));
    expect(await ipNetnsNames()).toContain(name);
    fds = fdCount();
    await deleteNetns(name);
    expect(fdCount()).toBe(fds);
    expect(await netnsExists(name)).toBe(false);
    expect(fs.existsSync(`/run/netns/${name}`)).toBe(false);
    expect(await ipNetnsNames()).not.toContain(name);
    const e = await rejectsWith(deleteNetns(name), 'ENOENT');
    expect(e.message).toContain(name);
    expect(e.netns).toBe(name);
  });

  it('add of a taken name: EEXIST, the existing one untouched', async () => {
    const ino = inodeOf(`/run/netns/${ns.name}`);
    const e = await rejectsWith(addNetns(ns.name), 'EEXIST');
    expect(e.message).toContain(ns.name);
    expect(inodeOf(`/run/netns/${ns.name}`)).toBe(ino);
    expect(await netnsExists(ns.name)).toBe(true);
  });

  it('interop: a namespace from `ip netns add` is ours to list, enter and delete', async () => {
    const name = ns.track(testNetnsName('ip'));
    await runIp(undefined, ['netns', 'add', name]);
    const ino = inodeOf(`/run/netns/${name}`);
    expect(await netnsExists(name)).toBe(true);
    expect((await listNetns()).find((n) => n.name === name)?.inode).toBe(ino);
    expect(runInNetns(name, currentNetnsInode)).toBe(ino);
    await deleteNetns(name);
    expect(await ipNetnsNames()).not.toContain(name);
  });

  it('lists in the order of `ip netns list`', async () => {
    const mine = [ns.name, await ns.create(), await ns.create(), await ns.create()];
    const ours = (await listNetns()).map((n) => n.name).filter((n) => mine.includes(n));
    const ips = (await ipNetnsNames()).filter((n) => mine.includes(n));
    expect([...ours].sort()).toEqual([...mine].sort());
    expect(ours).toEqual(ips);
  });

  it('identify, pids and lsns agree with ip and util-linux', async () => {
    const name = ns.name;
    const ino = inodeOf(`/run/netns/${name}`);
    const child = startSleeper(['sleep', '60'], name);
    try {
      const pid = child.pid!;
      expect(inodeOf(`/proc/${pid}/ns/net`)).toBe(ino);
      expect(await identifyNetns(pid)).toEqual([name]);
      expect((await runIp(undefined, ['netns', 'identify', String(pid)])).trim()).toBe(name);
      expect(await netnsPids(name)).toEqual([pid]);
      expect(await netnsPids({ path: `/run/netns/${name}` })).toEqual([pid]);
      const ipPids = (await runIp(undefined, ['netns', 'pids', name]))
        .split('\n')
        .filter(Boolean)
        .map(Number);
      expect(ipPids).toEqual([pid]);
      const selfIp = (await runIp(undefined, ['netns', 'identify', String(process.pid)]))
        .split('\n')
        .filter(Boolean);
      expect(await identifyNetns()).toEqual(selfIp);
      // identifyNetns() reads the calling thread's namespace before its first await.
      expect(await runInNetns(name, () => ({ p: identifyNetns() })).p).toEqual([name]);

      const all = await listNetNamespaces();
      const entry = all.find((e) => e.inode === ino);
      expect(entry).toEqual({
        inode: ino,
        names: [name],
        pids: [pid],
        pid,
        command: 'sleep',
        mounts: [`/run/netns/${name}`],
      });
      const { stdout } = await execFileP('lsns', ['-t', 'net', '-J']);
      const lsns = JSON.parse(stdout) as { namespaces: { ns: number; nprocs: number; pid: number }[] };
      const row = lsns.namespaces.find((n) => BigInt(n.ns) === ino);
      expect(row).toMatchObject({ nprocs: 1, pid });
      const root = all.find((e) => e.inode === rootIno);
      const lsRoot = lsns.namespaces.find((n) => BigInt(n.ns) === rootIno);
      expect(root?.pid).toBe(lsRoot?.pid);
    } finally {
      await stop(child);
    }
  });

  it('attach: names the namespace of a process, like `ip netns attach`', async () => {
    const child = startSleeper(['unshare', '--net', 'sleep', '60']);
    try {
      const pid = child.pid!;
      await waitFor(() => {
        try {
          return inodeOf(`/proc/${pid}/ns/net`) !== rootIno;
        } catch {
          return false;
        }
      }, 'unshare --net');
      const name = ns.track(testNetnsName('att'));
      const info = await attachNetns(name, pid);
      expect(info.inode).toBe(inodeOf(`/proc/${pid}/ns/net`));
      expect((await runIp(undefined, ['netns', 'pids', name])).trim()).toBe(String(pid));
      expect(await identifyNetns(pid)).toEqual([name]);
      expect((await runIp(undefined, ['netns', 'identify', String(pid)])).trim()).toBe(name);
      await rejectsWith(attachNetns(name, pid), 'EEXIST');

      const gone = ns.track(testNetnsName('att'));
      await rejectsWith(attachNetns(gone, pidMax + 1), 'ESRCH');
      expect(fs.existsSync(`/run/netns/${gone}`)).toBe(false);
    } finally {
      await stop(child);
    }
  });

  it('runInNetns: inside the target, back afterwards, no descriptor leaked', () => {
    const ino = inodeOf(`/run/netns/${ns.name}`);
    const fds = fdCount();
    expect(runInNetns(ns.name, currentNetnsInode)).toBe(ino);
    expect(runInNetns({ name: ns.name }, currentNetnsInode)).toBe(ino);
    expect(runInNetns(`/run/netns/${ns.name}`, currentNetnsInode)).toBe(ino);
    expect(runInNetns({ path: `/run/netns/${ns.name}` }, currentNetnsInode)).toBe(ino);
    expect(currentNetnsInode()).toBe(rootIno);
    expect(fdCount()).toBe(fds);
  });

  it('runInNetns: back also when fn throws, the error unchanged', () => {
    const ino = inodeOf(`/run/netns/${ns.name}`);
    const fds = fdCount();
    const boom = new Error('boom');
    let seen: bigint | undefined;
    let caught: unknown;
    try {
      runInNetns(ns.name, () => {
        seen = currentNetnsInode();
        throw boom;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(boom);
    expect(seen).toBe(ino);
    expect(currentNetnsInode()).toBe(rootIno);
    expect(fdCount()).toBe(fds);
  });

  it('runInNetns: refuses async functions, after going back', () => {
    const fds = fdCount();
    expect(() => runInNetns(ns.name, async () => 1)).toThrow(TypeError);
    expect(() => runInNetns(ns.name, () => Promise.reject(new Error('dropped')))).toThrow(/synchronous/);
    expect(currentNetnsInode()).toBe(rootIno);
    expect(fdCount()).toBe(fds);
  });

  it('runInNetns: nests, borrows { fd }, and follows { pid }', async () => {
    const other = await ns.create();
    const ino = inodeOf(`/run/netns/${ns.name}`);
    const ino2 = inodeOf(`/run/netns/${other}`);
    const fds = fdCount();
    const seen = runInNetns(ns.name, () => {
      const inner = runInNetns(other, currentNetnsInode);
      return [currentNetnsInode(), inner];
    });
    expect(seen).toEqual([ino, ino2]);
    const h = openNetns(other);
    try {
      expect(runInNetns({ fd: h.fd }, currentNetnsInode)).toBe(ino2);
      expect(fs.fstatSync(h.fd, { bigint: true }).ino).toBe(ino2); // still open: borrowed
    } finally {
      h.close();
    }
    expect(fdCount()).toBe(fds);
    const child = startSleeper(['sleep', '60'], other);
    try {
      expect(runInNetns({ pid: child.pid! }, currentNetnsInode)).toBe(ino2);
    } finally {
      await stop(child);
    }
  });

  it('runInNetns: typed errors for missing or wrong namespaces, thread untouched', () => {
    const fds = fdCount();
    const missing = testNetnsName('missing');
    const e = throwsWith(() => runInNetns(missing, () => 1), 'ENOENT');
    expect(e.message).toContain(missing);
    throwsWith(() => runInNetns({ pid: pidMax + 1 }, () => 1), 'ESRCH');
    throwsWith(() => runInNetns({ path: '/etc/hostname' }, () => 1), 'EINVAL');
    throwsWith(() => runInNetns({ path: '/proc/self/ns/uts' }, () => 1), 'EINVAL'); // nsfs, not net
    expect(currentNetnsInode()).toBe(rootIno);
    expect(fdCount()).toBe(fds);
  });

  it('execInNetns: the child runs in the namespace', async () => {
    const ino = inodeOf(`/run/netns/${ns.name}`);
    const r = await execInNetns(ns.name, ['readlink', '/proc/self/ns/net']);
    expect(r).toEqual({ code: 0, signal: null, stdout: `net:[${ino}]\n`, stderr: '' });
    const links = await execInNetns(ns.name, ['ip', '-j', 'link', 'show']);
    expect((JSON.parse(links.stdout) as { ifname: string }[]).map((l) => l.ifname)).toEqual(['lo']);
    expect(await ipJson(ns.name, ['link', 'show'])).toEqual(JSON.parse(links.stdout));
    expect(currentNetnsInode()).toBe(rootIno);
  });

  it('execInNetns: exit codes, stdin, inherit, spawn errors', async () => {
    expect((await execInNetns(ns.name, ['sh', '-c', 'echo err >&2; exit 3'])).code).toBe(3);
    expect((await execInNetns(ns.name, ['sh', '-c', 'echo err >&2; exit 3'])).stderr).toBe('err\n');
    expect((await execInNetns(ns.name, ['cat'], { input: 'hello' })).stdout).toBe('hello');
    expect(await execInNetns(ns.name, ['true'], { stdio: 'inherit' })).toEqual({
      code: 0,
      signal: null,
      stdout: '',
      stderr: '',
    });
    expect(await execInNetns(ns.name, ['sleep', '5'], { timeout: 50 })).toMatchObject({ signal: 'SIGTERM' });
    await expect(execInNetns(ns.name, ['/nonexistent/program'])).rejects.toMatchObject({ code: 'ENOENT' });
    await rejectsWith(execInNetns(testNetnsName('missing'), ['true']), 'ENOENT');
  });

  it('sysctl: a write in the namespace is not visible in the root namespace', async () => {
    const key = 'net.ipv4.ip_forward';
    const rootValue = fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
    const value = rootValue === '1' ? '0' : '1';
    await settle();
    const fds = fdCount();
    await writeSysctl(ns.name, key, value);
    expect(await readSysctl(ns.name, key)).toBe(value);
    expect(fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim()).toBe(rootValue);
    expect(await readSysctl({ pid: process.pid }, key)).toBe(rootValue);
    expect(fdCount()).toBe(fds);
    const viaIp = await runIp(undefined, ['netns', 'exec', ns.name, 'cat', '/proc/sys/net/ipv4/ip_forward']);
    expect(viaIp.trim()).toBe(value);
    expect(await readSysctl(ns.name, ['net', 'ipv4', 'conf', 'lo', 'forwarding'])).toBe(value);
  });

  it('sysctl: missing keys and refused values are clear errors', async () => {
    const e = await rejectsWith(readSysctl(ns.name, 'net.ipv4.no_such_key'), 'ENOENT');
    expect(e.message).toContain('net.ipv4.no_such_key');
    await rejectsWith(writeSysctl(ns.name, 'net.ipv4.no_such_key', 1), 'ENOENT');
    await rejectsWith(readSysctl(ns.name, 'net.ipv4.conf.nlwdummy0.forwarding'), 'ENOENT');
    await rejectsWith(writeSysctl(ns.name, 'net.ipv4.ip_forward', 'not-a-number'), 'EINVAL');
    await rejectsWith(readSysctl(testNetnsName('missing'), 'net.ipv4.ip_forward'), 'ENOENT');
  });

  it('EPERM: a non-root caller gets a one-line EPERM message and nothing is created', async () => {
    requireTool('setpriv');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlw-eperm-'));
    const name = ns.track(testNetnsName('eperm'));
    try {
      fs.chmodSync(dir, 0o755);
      const script = path.join(dir, 'eperm.mts');
      const api = pathToFileURL(path.resolve('src/netns/index.ts')).href;
      fs.writeFileSync(
        script,
        `import { addNetns, deleteNetns, runInNetns } from ${JSON.stringify(api)};
const out = {};
const grab = async (k, f) => { try { await f(); out[k] = 'ok'; } catch (e) { out[k] = { code: e.code, message: e.message }; } };
await grab('add', () => addNetns(${JSON.stringify(name)}));
await grab('del', () => deleteNetns(${JSON.stringify(ns.name)}));
await grab('enter', () => runInNetns(${JSON.stringify(ns.name)}, () => 1));
console.log(JSON.stringify(out));
`,
      );
      fs.chmodSync(script, 0o644);
      const { stdout } = await execFileP(
        'setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', script],
        { cwd: process.cwd() },
      );
      const out = JSON.parse(stdout) as Record<string, { code: string; message: string }>;
      for (const k of ['add', 'del', 'enter']) {
        expect(out[k].code, k).toBe('EPERM');
        expect(out[k].message, k).not.toContain('\n');
        expect(out[k].message, k).toMatch(/root or CAP_SYS_ADMIN is needed$/);
      }
      expect(out.add.message).toMatch(new RegExp(`^cannot add network namespace "${name}": `));
      expect(fs.existsSync(`/run/netns/${name}`)).toBe(false);
      expect(await netnsExists(ns.name)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skip)('test helpers', () => {
  it('withTestNetns removes the namespace even when fn throws', async () => {
    let name = '';
    await expect(
      withTestNetns('helper', async (n) => {
        name = n;
        expect(await netnsExists(n)).toBe(true);
        throw new Error('fail inside');
      }),
    ).rejects.toThrow('fail inside');
    expect(name).toMatch(/^nlw-helper-[0-9a-f]{8}$/);
    expect(await netnsExists(name)).toBe(false);
    expect(await ipNetnsNames()).not.toContain(name);
    await removeTestNetns(name); // already gone: fine
  });
});
