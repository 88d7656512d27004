/**
 * Output of every command: a human rendering, or with `--json` one JSON document on stdout.
 * Warnings go to stderr as `warning <CODE>: <text>` and into the JSON document's `warnings`.
 */
import type { CliIo } from './cli-io.ts';
import { ALL_ERRORS } from '../../core/error-catalog.ts';
import type { S2sError } from '../../core/index.ts';
import type { Warning } from '../../core/index.ts';

export class Printer {
  readonly #io: CliIo;
  readonly json: boolean;
  readonly #warnings: Warning[] = [];

  constructor(io: CliIo, json: boolean) {
    this.#io = io;
    this.json = json;
  }

  /** Records a warning (printed at once in human mode, collected for --json). */
  warn(warning: Warning): void {
    this.#warnings.push(warning);
    if (!this.json) this.#io.stderr.write(`warning ${warning.code}: ${warning.message}\n`);
  }

  warnAll(warnings: readonly Warning[]): void {
    for (const w of warnings) this.warn(w);
  }

  /** Prints the command's result: `render` in human mode, `{ ok: true, ...data, warnings }` with --json. */
  result(data: Record<string, unknown>, render: () => string): void {
    if (this.json) {
      this.#io.stdout.write(`${JSON.stringify({ ok: true, ...data, warnings: this.#warnings }, null, 2)}\n`);
    } else {
      const text = render();
      if (text) this.#io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  /** Progress/status line for humans (suppressed with --json so stdout stays one JSON document). */
  info(line: string): void {
    if (!this.json) this.#io.stderr.write(`${line}\n`);
  }

  /**
   * Prints a failure: one line on stderr ending with the fix that applies (the error's own, else its
   * catalog entry's), or the JSON error document (with `fix`) on stdout with --json.
   */
  failure(err: S2sError): void {
    const fix = err.fix ?? ALL_ERRORS[err.code]?.fix;
    if (this.json) {
      const error = { ...err.toJSON(), ...(fix ? { fix } : {}) };
      this.#io.stdout.write(`${JSON.stringify({ ok: false, error, warnings: this.#warnings }, null, 2)}\n`);
    } else {
      this.#io.stderr.write(`error ${err.code}: ${err.message}${fix ? ` — fix: ${fix}` : ''}\n`);
    }
  }
}

/** Renders rows as `Key : value` lines, the way PowerShell's Format-List does. */
export function formatList(rows: Record<string, unknown>): string {
  const keys = Object.keys(rows);
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)} : ${formatValue(rows[k])}`).join('\n');
}

function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => formatValue(x)).join(', ');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}
