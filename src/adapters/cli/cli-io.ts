/** Injected terminal streams, so commands are unit-testable without spawning a process (conventions.md §11). */

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
  /** Reads standard input completely (for `--password-file -`, token from stdin, prompts). */
  readonly readStdin?: () => Promise<string>;
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
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
    readStdin: async () => stdin,
  };
  return { io, out: () => out, err: () => err };
}
