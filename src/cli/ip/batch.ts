/**
 * `nlwire [-force] -batch FILE|-`: commands read one a line, as `ip -batch` reads them (`#` starts a
 * comment, a line ending in `\` continues on the next, words split on blanks, `"..."` and `'...'`
 * quote), pipelined: change requests are queued and sent together (see Ctx), so a thousand `link add`
 * lines cost a few datagrams (NLWIRE_BATCH_STATS=1 prints how many). A failure is reported with its line (`Command failed FILE:LINE`) and stops
 * the batch; with -force the batch goes on and exits non-zero at the end.
 */
import fs from 'node:fs';
import { type Ctx, type Origin, PipelineStop } from './context.js';
import { describeError, IpUsageError } from './errors.js';
import { runCommand } from './main.js';

/** One command of a batch file. */
export interface BatchLine {
  /** Line number (of the last physical line, for a continued one, as ip counts). */
  line: number;
  /** Its words. */
  words: string[];
}

/** Splits a line into words the way ip's makeargs() does. Throws on an unterminated quote. */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const ws = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  while (i < text.length) {
    while (i < text.length && ws(text[i])) i++;
    if (i >= text.length) break;
    const c = text[i];
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new IpUsageError('unterminated quoted string');
      out.push(text.slice(i + 1, end));
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && !ws(text[j])) j++;
      out.push(text.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** The commands of a batch file's text: comments, blank lines and continuations handled. */
export function parseBatch(text: string): BatchLine[] {
  const lines = text.split('\n');
  const out: BatchLine[] = [];
  let pending = '';
  for (let n = 0; n < lines.length; n++) {
    let l = lines[n];
    const hash = l.indexOf('#');
    if (hash >= 0) l = l.slice(0, hash);
    if (l.endsWith('\\')) {
      pending += `${l.slice(0, -1)} `;
      if (n < lines.length - 1) continue;
      l = '';
    }
    const full = pending + l;
    pending = '';
    let words: string[];
    try {
      words = splitWords(full);
    } catch (e) {
      throw new IpUsageError(`line ${n + 1}: ${(e as Error).message}`);
    }
    if (words.length) out.push({ line: n + 1, words });
  }
  return out;
}

function failed(ctx: Ctx, origin: Origin, message: string): void {
  void ctx.flushOutput();
  process.stderr.write(`nlwire: ${message}\nCommand failed ${origin.file}:${origin.line}\n`);
}

/** Reports the pipelined requests the kernel refused; returns how many. */
function reportFailures(ctx: Ctx): number {
  const list = ctx.failures.splice(0);
  for (const f of list) failed(ctx, f.origin, describeError(f.error, f.context));
  return list.length;
}

/** Runs a batch file; resolves to the exit status. */
export async function runBatch(ctx: Ctx, file: string): Promise<number> {
  let text: string;
  try {
    text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`nlwire: cannot read batch file ${file}: ${err.code ?? err.message}\n`);
    return 1;
  }
  let lines: BatchLine[];
  try {
    lines = parseBatch(text);
  } catch (e) {
    process.stderr.write(`nlwire: ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  ctx.startPipeline();
  let errors = 0;
  // Without -force the first failure stops the batch, as with ip; the requests pipelined after it
  // were already sent, and are summed up rather than reported one by one.
  const stop = (e: PipelineStop): void => {
    const [first, ...later] = ctx.failures.splice(0);
    errors++;
    if (first) failed(ctx, first.origin, describeError(first.error, first.context));
    if ((e.appliedAfter > 0 || later.length > 0) && e.lastOrigin)
      process.stderr.write(
        `nlwire: note: ${e.appliedAfter + later.length} later request(s), up to ${e.lastOrigin.file}:${e.lastOrigin.line}, were pipelined with it: ${e.appliedAfter} applied, ${later.length} failed\n`,
      );
  };
  try {
    for (const l of lines) {
      const origin = { file, line: l.line };
      ctx.origin = origin;
      ctx.what = l.words.slice(0, 2).join(' ');
      try {
        await runCommand(ctx, l.words);
      } catch (e) {
        if (e instanceof PipelineStop) {
          stop(e);
          return 1;
        }
        // The lines before this one were queued: send them first, so that what ran is what ip runs.
        try {
          await ctx.flushPipeline();
        } catch (e2) {
          if (!(e2 instanceof PipelineStop)) throw e2;
          stop(e2);
          return 1;
        }
        errors += reportFailures(ctx);
        errors++;
        failed(ctx, origin, describeError(e, ctx.what));
        if (process.env.NLWIRE_DEBUG === '1' && e instanceof Error && e.stack)
          process.stderr.write(`${e.stack}\n`);
        if (!ctx.opts.force) return 1;
      }
      errors += reportFailures(ctx);
    }
    try {
      await ctx.flushPipeline();
    } catch (e) {
      if (e instanceof PipelineStop) {
        stop(e);
        return 1;
      }
      throw e;
    }
    errors += reportFailures(ctx);
    if (process.env.NLWIRE_BATCH_STATS === '1')
      process.stderr.write(
        `nlwire: batch: ${lines.length} commands, ${ctx.pipelined} requests in ${ctx.pipelines} pipelines\n`,
      );
    return errors ? 1 : 0;
  } finally {
    await ctx.close();
  }
}
