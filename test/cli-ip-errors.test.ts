/**
 * Bad input of every kind ends with one line on standard error (`nlwire: <what>: <why>`), a non-zero exit
 * status and no stack trace (unless NLWIRE_DEBUG=1); `--help` works at every level.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { describeError, IpUsageError, strerror } from '../src/cli/ip/errors.js';
import { Raw, writeJson } from '../src/cli/ip/jsonw.js';
import { parseGlobals } from '../src/cli/ip/main.js';
import { matches, parseUint, pick } from '../src/cli/ip/words.js';
import { ValidationError } from '../src/netlink/errors.js';
import { kernelSkipReason, runIp, useTestNetns } from './helpers/netns.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function nlwire(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        const code = err ? (err as { code?: number }).code : 0;
        resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
      },
    );
  });
}

/** One line on stderr, starting `nlwire: `, matching `re`; a non-zero status; nothing on stdout. */
function oneLine(r: Run, re: RegExp): void {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/^nlwire: /);
  expect(r.stderr).not.toMatch(/\s+at .+:\d+:\d+/);
  expect(r.stderr).toMatch(re);
}

describe('pieces', () => {
  it('abbreviations as ip takes them', () => {
    expect(matches('l', 'link')).toBe(true);
    expect(matches('links', 'link')).toBe(false);
    expect(pick('s', ['set', 'show'])).toBe('set');
    expect(parseUint('0x10')).toBe(16);
    expect(parseUint('010')).toBe(8);
    expect(parseUint('-1')).toBeUndefined();
    expect(parseUint('12a')).toBeUndefined();
  });

  it('global options, abbreviated and long', () => {
    expect(parseGlobals(['-n', 'blue', '-j', '-d', '-d', '-p', 'link', 'show']).opts).toMatchObject({
      netns: 'blue',
      json: true,
      details: 2,
      pretty: true,
    });
    expect(parseGlobals(['-netns', 'x', '-json', '--details', '-4', 'a']).opts).toMatchObject({
      netns: 'x',
      json: true,
      details: 1,
      family: 'inet',
    });
    expect(parseGlobals(['-force', '-b', 'f.txt']).opts).toMatchObject({ force: true, batch: 'f.txt' });
    expect(parseGlobals(['-f', 'inet6', 'r']).opts.family).toBe('inet6');
    expect(parseGlobals(['--dry-run', 'link']).opts.dryRun).toBe(true);
    expect(() => parseGlobals(['-x'])).toThrow(IpUsageError);
    expect(() => parseGlobals(['-n'])).toThrow(/needs a value/);
  });

  it('errors as one line, with glibc strerror texts', () => {
    expect(strerror('EEXIST')).toBe('File exists');
    expect(strerror('ENODEV')).toBe('No such device');
    expect(describeError(new ValidationError('mtu', 'x', 'expected a number'), 'link set v0')).toBe(
      'link set v0: invalid mtu "x": expected a number',
    );
    expect(describeError(new TypeError('oops\n  more'), 'link show')).toBe(
      'link show: internal error: oops more (NLWIRE_DEBUG=1 shows where)',
    );
  });

  it('JSON the way ip writes it, compact and pretty', () => {
    const v = [{ a: 1, b: ['x', 'y'], c: { d: null, t: new Raw('0.00') }, e: [] }];
    expect(writeJson(v)).toBe('[{"a":1,"b":["x","y"],"c":{"d":null,"t":0.00},"e":[]}]');
    expect(writeJson(v, true)).toBe(
      '[ {\n        "a": 1,\n        "b": [ "x","y" ],\n        "c": {\n            "d": null,\n            "t": 0.00\n        },\n        "e": [ ]\n    } ]',
    );
    expect(writeJson([])).toBe('[]');
  });
});

describe('bad command lines: one line, non-zero, no stack trace', () => {
  it.each([
    [['nosuchobject'], /unknown command 'nosuchobject'/],
    [['-j', 'nosuchobject'], /object "nosuchobject" is unknown/],
    [['-x', 'link'], /unknown command '-x'/],
    [['-j', '-bogus', 'link'], /option "-bogus" is unknown/],
    [['-n'], /-n needs a value/],
    [['link', 'frobnicate'], /link: command "frobnicate" is unknown/],
    [['route', 'frobnicate'], /route: command "frobnicate" is unknown/],
    [['link', 'add'], /link add: a device name is needed/],
    [['link', 'add', 'x0'], /link add x0: "type TYPE" is needed/],
    [
      ['link', 'add', 'averyveryverylongname', 'type', 'bridge'],
      /invalid name "averyveryverylongname": longer than 15 bytes/,
    ],
    [['link', 'add', 'a/b', 'type', 'bridge'], /invalid name "a\/b"/],
    [['link', 'add', 'x0', 'type', 'vxlan'], /missing virtual network identifier/],
    [
      ['link', 'add', 'x0', 'type', 'vxlan', 'id', '42', 'remote', '10.0.0.999'],
      /invalid vxlan.remote "10.0.0.999"/,
    ],
    [['link', 'add', 'x0', 'type', 'bridge', 'stp_state'], /"stp_state" needs a value/],
    [['link', 'add', 'x0', 'type', 'bridge', 'bogus', '1'], /unknown argument "bogus"/],
    [['link', 'set', 'lo', 'mtu', 'big'], /invalid mtu "big"/],
    [['link', 'set', 'lo', 'promisc', 'maybe'], /expected "on" or "off"/],
    [['address', 'add', '10.0.0.300/24', 'dev', 'lo'], /invalid address "10.0.0.300"/],
    [['address', 'add', '10.0.0.3/33', 'dev', 'lo'], /prefix length must be 0..32/],
    [['address', 'add', '10.0.0.3/24'], /"dev IFNAME" is needed/],
    [['route', 'add', '10.0.0.0/40', 'dev', 'lo'], /prefix length must be 0..32/],
    [['route', 'add'], /a destination is needed/],
    [['route', 'add', '10.0.0.0/8', 'via', 'banana'], /invalid via "banana"/],
    [['neigh', 'add', '10.0.0.5', 'lladdr', 'zz:zz', 'dev', 'lo'], /invalid lladdr "zz:zz"/],
    [['fdb', 'add', 'not-a-mac', 'dev', 'lo'], /invalid lladdr "not-a-mac"/],
    [['rule', 'add', 'from', '10.0.0.0/24'], /an action is needed/],
    [['rule', 'add', 'from', '10.0.0.0/24', 'table', 'nosuchtable'], /invalid table "nosuchtable"/],
    [['netns', 'add', 'a/b'], /invalid network namespace name "a\/b"/],
    [['netns', 'exec'], /netns exec: expected NAME cmd/],
    [['-batch', '/nonexistent/batch-file'], /cannot read batch file/],
  ])('nlwire %j', async (args, re) => {
    oneLine(await nlwire(args), re);
  });

  it('NLWIRE_DEBUG=1 adds the stack trace', async () => {
    const r = await nlwire(['address', 'add', '10.0.0.300/24', 'dev', 'lo'], { NLWIRE_DEBUG: '1' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^nlwire: address add 10.0.0.300\/24: invalid address/);
    expect(r.stderr).toMatch(/\n\s+at .+/);
  });
});

describe('--help at every level', () => {
  it.each([
    [['--help'], /Commands:/],
    [['help', 'link'], /nlwire link add/],
    [['link', '--help'], /nlwire link add \[ link DEV \]/],
    [['link', 'help'], /TYPE := \{ veth \| bridge/],
    [['link', 'add', '--help'], /nlwire link add/],
    [['link', 'add', 'x', 'type', 'vxlan', 'help'], /vxlan id VNI/],
    [['link', 'help', 'bridge'], /bridge \[ forward_delay/],
    [['address', '--help'], /nlwire address \{ add \| change \| replace \}/],
    [['addr', 'add', '-h'], /IFADDR := PREFIX/],
    [['route', 'help'], /nlwire route get ADDRESS/],
    [['route', 'add', '--help'], /NEXTHOP|NH := /],
    [['rule', '--help'], /SELECTOR := /],
    [['neigh', '--help'], /nlwire neigh get/],
    [['fdb', '--help'], /nlwire fdb \{ add/],
    [['netns', '--help'], /nlwire netns exec NAME cmd/],
    [['monitor', '--help'], /OBJECT-LIST/],
    [['-j', 'help'], /OBJECT := \{ link/],
    [['-j', '--help'], /OPTIONS := /],
  ])('nlwire %j', async (args, re) => {
    const r = await nlwire(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(re);
  });
});

describe.skipIf(kernelSkipReason('ip'))(
  'errors the kernel reports: one line with errno and ext-ack text',
  () => {
    const ns = useTestNetns('cli-err');

    it.each([
      [
        ['link', 'add', 'x0', 'type', 'nosuchkind'],
        /^nlwire: link add x0: EOPNOTSUPP: Unknown device type\n$/,
      ],
      [
        ['link', 'show', 'nosuchdev'],
        /^nlwire: link show nosuchdev: ENODEV: Device "nosuchdev" does not exist.\n$/,
      ],
      [['link', 'del', 'nosuchdev'], /^nlwire: link delete nosuchdev: ENODEV: No such device\n$/],
      [['address', 'add', '10.0.0.1/24', 'dev', 'nosuchdev'], /ENODEV: Cannot find device "nosuchdev"/],
      [['route', 'show', 'table', '12345'], /ENOENT: .*FIB table does not exist/],
      [['route', 'get', '10.1.2.3'], /^nlwire: route get 10.1.2.3: ENETUNREACH: Network is unreachable\n$/],
      [
        ['rule', 'del', 'pref', '4242'],
        /^nlwire: rule delete pref 4242: ENOENT: No such file or directory\n$/,
      ],
    ])('nlwire %j', async (args, re) => {
      const r = await nlwire(['-n', ns.name, ...args]);
      oneLine(r, re);
    });

    it('EEXIST and the kernel’s own words for a duplicate', async () => {
      await runIp(ns.name, ['link', 'add', 'vx1', 'type', 'vxlan', 'id', '42', 'dstport', '4789']);
      oneLine(
        await nlwire(['-n', ns.name, 'link', 'add', 'vx1', 'type', 'bridge']),
        /^nlwire: link add vx1: EEXIST: File exists\n$/,
      );
      oneLine(
        await nlwire(['-n', ns.name, 'link', 'add', 'vx2', 'type', 'vxlan', 'id', '42', 'dstport', '4789']),
        /^nlwire: link add vx2: EEXIST: A VXLAN device with the specified VNI already exists\n$/,
      );
    });

    it('a namespace that does not exist', async () => {
      oneLine(await nlwire(['-n', 'nlw-no-such-namespace', 'link', 'show']), /nlw-no-such-namespace/);
    });
  },
);
