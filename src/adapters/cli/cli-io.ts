/** Injected terminal streams, so commands are unit-testable without spawning a process (docs/architecture.md, convention 11). */
import { sharedError } from '../../core/shared/shared-errors.ts';
import { readStreamBounded } from './bounded-read.ts';

export interface OutputStream {
  write(text: string): unknown;
  /** True when attached to a terminal (progress displays, colours). */
  readonly isTTY?: boolean | undefined;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Environment variables (defaults to process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Reads standard input up to `maxBytes` (for `--password-file -`, token from stdin); more is refused
   * with `ERR_INPUT_TOO_LARGE` without reading the rest (docs/security.md §6.1).
   */
  readonly readStdin?: (maxBytes: number) => Promise<string>;
}

function stdinTooLarge(maxBytes: number) {
  return sharedError('ERR_INPUT_TOO_LARGE', `standard input holds more than ${maxBytes} bytes`, { maxBytes });
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    readStdin: async (maxBytes) =>
      (await readStreamBounded(process.stdin, maxBytes, () => stdinTooLarge(maxBytes))).toString('utf8'),
  };
}

/** In-memory streams for tests: `io.out()` / `io.err()` return what was written. */
export function memoryIo(env: Record<string, string | undefined> = {}, stdin = '') {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env,
    readStdin: async (maxBytes: number) =>
      (
        await readStreamBounded([Buffer.from(stdin, 'utf8')], maxBytes, () => stdinTooLarge(maxBytes))
      ).toString('utf8'),
  };
  return { io, out: () => out, err: () => err };
}
