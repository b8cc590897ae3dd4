/**
 * Bundles bench/nlwire-worker.ts into plain JavaScript (bench/results/.build/, ignored by git) so
 * workers run under `node` alone, as an application using the built package would: under tsx, the
 * loader's thread and esbuild would add about 40 MB to every peak RSS and their start-up to the run.
 * esbuild is the one tsx itself uses (a dependency of tsx).
 */
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from './proc.js';

/** Where the bundle goes. */
export const BUILD_DIR = path.join(BENCH_DIR, 'results', '.build');

/** Bundles the worker; returns the path of the .mjs to run with node. */
export async function buildWorker(): Promise<string> {
  const esbuild = await import('esbuild').catch((e: unknown) => {
    throw new Error(`cannot load esbuild (it comes with tsx: run npm install): ${String(e)}`);
  });
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const outfile = path.join(BUILD_DIR, 'nlwire-worker.mjs');
  await esbuild.build({
    entryPoints: [path.join(BENCH_DIR, 'nlwire-worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Native and third-party modules load from node_modules as they would in an application.
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return outfile;
}
