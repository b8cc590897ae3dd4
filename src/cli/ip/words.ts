/**
 * Reading an iproute2-style command line: a cursor over the words, keyword abbreviations the way `ip`
 * accepts them (`matches`: a prefix of the keyword), and the value parsers ip uses (numbers in any C
 * base, on/off, lifetimes), each failing with a one-line {@link IpUsageError}.
 */
import { IpUsageError } from './errors.js';

/** Whether `word` is `keyword` or an abbreviation of it (ip's `matches()`). */
export function matches(word: string, keyword: string): boolean {
  return word.length > 0 && keyword.startsWith(word);
}

/** The first of `keywords` that `word` abbreviates, in order (ip picks the first match). */
export function pick(word: string, keywords: readonly string[]): string | undefined {
  return keywords.find((k) => matches(word, k));
}

/** A cursor over the words of a command. */
export class Words {
  private i = 0;
  /** The words. */
  readonly list: readonly string[];
  /** What the words are for (`link add`), for messages. */
  readonly what: string;

  /** Starts at the first word. */
  constructor(list: readonly string[], what: string) {
    this.list = list;
    this.what = what;
  }

  /** Whether words remain. */
  get more(): boolean {
    return this.i < this.list.length;
  }

  /** The next word without taking it. */
  peek(): string | undefined {
    return this.list[this.i];
  }

  /** Takes the next word (undefined at the end). */
  take(): string | undefined {
    return this.list[this.i++];
  }

  /** The words not taken yet (and takes them). */
  rest(): string[] {
    const r = this.list.slice(this.i);
    this.i = this.list.length;
    return r;
  }

  /** Takes the value after keyword `key`; a missing one is a usage error. */
  value(key: string): string {
    const v = this.take();
    if (v === undefined) throw new IpUsageError(`${this.what}: "${key}" needs a value`);
    return v;
  }

  /** A usage error about `word`. */
  unknown(word: string, hint = ''): IpUsageError {
    return new IpUsageError(`${this.what}: unknown argument "${word}"${hint ? ` (${hint})` : ''}`);
  }

  /** A usage error for a bad value. */
  invalid(key: string, value: string, why: string): IpUsageError {
    return new IpUsageError(`${this.what}: invalid ${key} "${value}": ${why}`);
  }

  /** Parses an unsigned integer the way ip does (decimal, 0x hex, 0 octal) within [min, max]. */
  uint(key: string, v: string, max = 0xffffffff, min = 0): number {
    const n = parseUint(v);
    if (n === undefined || n < min || n > max)
      throw this.invalid(key, v, `expected an integer from ${min} to ${max}`);
    return n;
  }

  /** Takes the value of `key` as an unsigned integer. */
  uintValue(key: string, max = 0xffffffff, min = 0): number {
    return this.uint(key, this.value(key), max, min);
  }

  /** Takes `on` or `off` after `key`. */
  onOff(key: string): boolean {
    const v = this.value(key);
    if (v === 'on') return true;
    if (v === 'off') return false;
    throw this.invalid(key, v, 'expected "on" or "off"');
  }
}

/** An unsigned integer in C notation (123, 0x7b, 0173), or undefined. */
export function parseUint(v: string): number | undefined {
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(v)) n = Number.parseInt(v.slice(2), 16);
  else if (/^0[0-7]+$/.test(v)) n = Number.parseInt(v.slice(1), 8);
  else if (/^\d+$/.test(v)) n = Number(v);
  else return undefined;
  return Number.isSafeInteger(n) ? n : undefined;
}
