/**
 * JSON as iproute2 writes it (lib/json_writer.c): compact `[{"a":1}]`, or with `-p` the writer's own
 * pretty layout (`[ {`, four-space indents, arrays of scalars on one line). Values are plain JSON
 * values plus {@link Raw} for numbers ip prints with a fixed format (`0.00` timers).
 */

/** A number written as given (ip prints some with printf formats JSON.stringify cannot produce). */
export class Raw {
  /** The text written. */
  readonly text: string;
  /** Wraps text to be written as is. */
  constructor(text: string) {
    this.text = text;
  }
}

/** A value the writer takes: JSON values, bigints (u64 counters) and {@link Raw}. */
export type JsonOut =
  | string
  | number
  | bigint
  | boolean
  | null
  | Raw
  | JsonOut[]
  | { [key: string]: JsonOut | undefined };

class Writer {
  private out = '';
  private depth = 0;
  private sep = '';

  constructor(private readonly pretty: boolean) {}

  private eol(): void {
    if (!this.pretty) return;
    this.out += `\n${'    '.repeat(this.depth)}`;
  }

  private eor(): void {
    if (this.sep !== '') this.out += this.sep;
    this.sep = ',';
  }

  private begin(c: string): void {
    this.eor();
    this.out += c;
    this.depth++;
    this.sep = '';
  }

  private end(c: string): void {
    this.depth--;
    if (this.sep !== '') this.eol();
    this.out += c;
    this.sep = ',';
  }

  name(n: string): void {
    this.eor();
    this.eol();
    this.sep = '';
    this.out += `${JSON.stringify(n)}:${this.pretty ? ' ' : ''}`;
  }

  startObject(): void {
    this.begin('{');
  }

  endObject(): void {
    this.end('}');
  }

  startArray(): void {
    this.begin('[');
    if (this.pretty) this.out += ' ';
  }

  endArray(): void {
    if (this.pretty && this.sep !== '') this.out += ' ';
    this.sep = '';
    this.end(']');
  }

  scalar(text: string): void {
    this.eor();
    this.out += text;
  }

  value(v: JsonOut): void {
    if (v === null) this.scalar('null');
    else if (typeof v === 'string') this.scalar(JSON.stringify(v));
    else if (typeof v === 'number') this.scalar(Number.isFinite(v) ? String(v) : 'null');
    else if (typeof v === 'bigint' || typeof v === 'boolean') this.scalar(String(v));
    else if (v instanceof Raw) this.scalar(v.text);
    else if (Array.isArray(v)) {
      this.startArray();
      for (const x of v) this.value(x);
      this.endArray();
    } else {
      this.startObject();
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        this.name(k);
        this.value(x);
      }
      this.endObject();
    }
  }

  text(): string {
    return this.out;
  }
}

/** Writes a value the way `ip -j` (or `ip -j -p`) does, without the final newline. */
export function writeJson(v: JsonOut, pretty = false): string {
  const w = new Writer(pretty);
  w.value(v);
  return w.text();
}
