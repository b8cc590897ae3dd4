/**
 * Reading a command's input (a file, or standard input for `-` or no file) and writing its output.
 */
import { readFile } from 'node:fs/promises';
import { CliError, UsageError } from './args.js';

/**
 * Reads the whole input: the file named, or standard input for `-` or none.
 *
 * @throws {@link UsageError} when standard input is a terminal (nothing was piped: waiting would hang);
 *   {@link CliError} when the file cannot be read.
 */
export async function readInput(file: string | undefined): Promise<Uint8Array> {
  if (file === undefined || file === '-') {
    if (process.stdin.isTTY)
      throw new UsageError('no input: give a FILE, or pipe the data to standard input');
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (e as Error).message;
    throw new CliError(`cannot read ${file}: ${why}`);
  }
}

/** Writes to standard output; resolves once the data is handed to the system (or the reader went away). */
export function writeOut(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    process.stdout.write(data, () => resolve());
  });
}
