import type { GlobalOptions } from './aws';

/**
 * Where a command writes: results on stdout (a table or lines, or one JSON document with
 * --json), progress and warnings on stderr so `--json` output stays parseable.
 */
export class Output {
  private progressOpen = false;
  constructor(
    readonly opts: Pick<GlobalOptions, 'json'>,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  ) {}

  get json(): boolean {
    return this.opts.json === true;
  }

  /** A human line (suppressed with --json). */
  line(text = ''): void {
    if (this.json) return;
    this.endProgress();
    this.out.write(`${text}\n`);
  }

  /** The command's result: JSON with --json, else `human()` lines. */
  result(value: unknown, human: () => string | string[]): void {
    this.endProgress();
    if (this.json) {
      this.out.write(`${JSON.stringify(value, null, 2)}\n`);
      return;
    }
    const text = human();
    this.out.write(`${Array.isArray(text) ? text.join('\n') : text}\n`);
  }

  /** A progress note on stderr; on a terminal it replaces the previous one. */
  progress(text: string): void {
    if (this.err.isTTY) {
      this.err.write(`\r\x1b[2K${text}`);
      this.progressOpen = true;
    } else {
      this.err.write(`${text}\n`);
    }
  }

  warn(text: string): void {
    this.endProgress();
    this.err.write(`onair: ${text}\n`);
  }

  endProgress(): void {
    if (this.progressOpen) {
      this.err.write('\n');
      this.progressOpen = false;
    }
  }
}

/** A plain-text table: columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)].join('\n');
}

/** A stream key as shown without --reveal: its length and last 4 characters. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '•'.repeat(key.length);
  return `${'•'.repeat(8)}${key.slice(-4)} (${key.length} characters; --reveal shows it)`;
}

/** "12 s", "3 min 05 s". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
