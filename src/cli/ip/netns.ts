/**
 * `nlwire netns`: `ip netns` — add, delete, list, list-id, set, identify, pids, attach and exec (the
 * program and its arguments are passed as they are, never through a shell).
 */
import { constants } from 'node:os';
import type { Ctx } from './context.js';
import { IpError, IpUsageError } from './errors.js';
import { writeJson } from './jsonw.js';
import { pick, Words } from './words.js';

const HELP = `Usage: nlwire netns list
       nlwire netns add NAME
       nlwire netns attach NAME PID
       nlwire netns set NAME NETNSID
       nlwire [-all] netns delete [NAME]
       nlwire netns identify [PID]
       nlwire netns pids NAME
       nlwire netns exec NAME cmd ...
       nlwire netns list-id
NETNSID := auto | POSITIVE-INT
`;

/** Runs `nlwire netns ...`. */
export async function run(ctx: Ctx, words: string[]): Promise<void> {
  const [cmd = 'list', ...rest] = words;
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    ctx.print(HELP);
    return;
  }
  if (cmd !== 'exec' && (rest.includes('--help') || rest.includes('-h'))) {
    ctx.print(HELP);
    return;
  }
  const verb = pick(cmd, [
    'list',
    'show',
    'lst',
    'list-id',
    'add',
    'attach',
    'set',
    'delete',
    'identify',
    'pids',
    'exec',
  ]);
  switch (verb) {
    case 'list':
    case 'show':
    case 'lst':
      return list(ctx);
    case 'list-id':
      return listId(ctx);
    case 'add':
      return add(ctx, rest);
    case 'attach':
      return attach(ctx, rest);
    case 'set':
      return set(ctx, rest);
    case 'delete':
      return del(ctx, rest);
    case 'identify':
      return identify(ctx, rest);
    case 'pids':
      return pids(ctx, rest);
    case 'exec':
      return exec(ctx, rest);
    default:
      throw new IpUsageError(`netns: command "${cmd}" is unknown, try "nlwire netns help"`);
  }
}

function one(words: string[], what: string, usage: string): string {
  if (words.length !== 1) throw new IpUsageError(`${what}: expected ${usage}`);
  return words[0];
}

async function list(ctx: Ctx): Promise<void> {
  ctx.what = 'netns list';
  const { listNetns } = await import('../../netns/manage.js');
  const all = await listNetns();
  const ids = new Map<string, number>();
  if (all.length) {
    try {
      const conn = await ctx.connection();
      const { Nsids } = await import('../../rtnl/nsid/api.js');
      const n = new Nsids(conn);
      for (const ns of all) {
        if (ns.inode === undefined) continue;
        try {
          const id = await n.get({ netns: { path: ns.path } });
          if (id !== undefined) ids.set(ns.name, id);
        } catch {
          // gone meanwhile
        }
      }
    } catch {
      // no rtnetlink here: names only, as ip does
    }
  }
  if (ctx.opts.json)
    ctx.print(
      `${writeJson(
        all.map((n) =>
          ids.has(n.name) ? { name: n.name, id: ids.get(n.name) as number } : { name: n.name },
        ),
        ctx.opts.pretty,
      )}\n`,
    );
  else
    for (const n of all) ctx.print(ids.has(n.name) ? `${n.name} (id: ${ids.get(n.name)})\n` : `${n.name}\n`);
}

async function listId(ctx: Ctx): Promise<void> {
  ctx.what = 'netns list-id';
  const conn = await ctx.connection();
  const { Nsids } = await import('../../rtnl/nsid/api.js');
  const list = await new Nsids(conn).list();
  if (ctx.opts.json)
    ctx.print(
      `${writeJson(
        list.map((e) => (e.name === undefined ? { nsid: e.nsid } : { nsid: e.nsid, name: e.name })),
        ctx.opts.pretty,
      )}\n`,
    );
  else
    for (const e of list)
      ctx.print(`nsid ${e.nsid}${e.name === undefined ? '' : ` (iproute2 netns name: ${e.name})`}\n`);
}

async function add(ctx: Ctx, words: string[]): Promise<void> {
  const name = one(words, 'netns add', 'NAME');
  ctx.what = `netns add ${name}`;
  const { addNetns } = await import('../../netns/manage.js');
  await addNetns(name);
}

async function attach(ctx: Ctx, words: string[]): Promise<void> {
  if (words.length !== 2) throw new IpUsageError('netns attach: expected NAME PID');
  const [name, pidText] = words;
  ctx.what = `netns attach ${name}`;
  const pid = Number(pidText);
  if (!/^\d+$/.test(pidText) || pid < 1) throw new IpUsageError(`${ctx.what}: invalid pid "${pidText}"`);
  const { attachNetns } = await import('../../netns/manage.js');
  await attachNetns(name, pid);
}

async function set(ctx: Ctx, words: string[]): Promise<void> {
  if (words.length !== 2) throw new IpUsageError('netns set: expected NAME NETNSID');
  const [name, idText] = words;
  ctx.what = `netns set ${name}`;
  let id: number | undefined;
  if (idText !== 'auto') {
    const w = new Words([idText], ctx.what);
    id = w.uint('nsid', idText, 0x7fffffff);
  }
  const conn = await ctx.connection();
  const { Nsids } = await import('../../rtnl/nsid/api.js');
  await new Nsids(conn).set(name, id);
}

async function del(ctx: Ctx, words: string[]): Promise<void> {
  const { deleteNetns } = await import('../../netns/manage.js');
  if (words.length === 0 || (words.length === 1 && words[0] === '-all')) {
    throw new IpUsageError('netns delete: a NAME is needed (deleting every namespace is not supported)');
  }
  for (const name of words) {
    ctx.what = `netns delete ${name}`;
    await deleteNetns(name);
  }
}

async function identify(ctx: Ctx, words: string[]): Promise<void> {
  if (words.length > 1) throw new IpUsageError('netns identify: expected [PID]');
  ctx.what = 'netns identify';
  const { identifyNetns } = await import('../../netns/identify.js');
  let pid: number | undefined;
  if (words.length) {
    if (!/^\d+$/.test(words[0])) throw new IpUsageError(`netns identify: invalid pid "${words[0]}"`);
    pid = Number(words[0]);
  }
  for (const n of await identifyNetns(pid)) ctx.print(`${n}\n`);
}

async function pids(ctx: Ctx, words: string[]): Promise<void> {
  const name = one(words, 'netns pids', 'NAME');
  ctx.what = `netns pids ${name}`;
  const { netnsPids } = await import('../../netns/identify.js');
  for (const p of await netnsPids(name)) ctx.print(`${p}\n`);
}

async function exec(ctx: Ctx, words: string[]): Promise<void> {
  const [name, ...argv] = words;
  if (name === undefined) throw new IpUsageError('netns exec: expected NAME cmd ...');
  ctx.what = `netns exec ${name}`;
  if (argv.length === 0) throw new IpUsageError(`${ctx.what}: no command given`);
  await ctx.flushOutput();
  const { execInNetns } = await import('../../netns/exec.js');
  const r = await execInNetns(name, argv, { stdio: 'inherit' });
  if (r.signal) {
    ctx.exitCode = 128 + (constants.signals[r.signal] ?? 0);
    return;
  }
  if (r.code !== 0) {
    if (ctx.inBatch) throw new IpError(`${argv[0]} exited with status ${r.code}`);
    ctx.exitCode = r.code ?? 1;
  }
}
