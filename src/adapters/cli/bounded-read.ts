/**
 * Every administrator input the CLI reads (certificate files, password files, standard input) goes
 * through these readers: they stop after `maxBytes + 1` bytes whatever the input is — a regular file, a
 * FIFO, `/dev/zero`, a pipe on stdin — and never trust `stat` (a character device or a FIFO reports size
 * 0). The rule and its limits are in docs/security.md §6.1.
 */
import { open } from 'node:fs/promises';
import type { S2sError } from '../../core/index.ts';

/** How a bounded read names its refusals. */
export interface BoundedReadErrors {
  /** The input holds more than the cap. */
  readonly tooLarge: () => S2sError;
  /** The input cannot be opened or read (missing, a directory, no permission). */
  readonly unreadable: (cause: NodeJS.ErrnoException) => S2sError;
}

/** Reads at most `maxBytes` from `path`; more is refused by `errors.tooLarge` before it is buffered. */
export async function readFileBounded(
  path: string,
  maxBytes: number,
  errors: BoundedReadErrors,
): Promise<Buffer> {
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw errors.unreadable(err);
  });
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let total = 0;
    for (;;) {
      // position null: read from the current position, so FIFOs and character devices work too.
      const { bytesRead } = await handle
        .read(buffer, total, buffer.length - total, null)
        .catch((err: NodeJS.ErrnoException) => {
          throw errors.unreadable(err);
        });
      if (bytesRead === 0) return buffer.subarray(0, total);
      total += bytesRead;
      if (total > maxBytes) throw errors.tooLarge();
    }
  } finally {
    await handle.close();
  }
}

/** Reads a stream (standard input) up to `maxBytes`; one byte more is refused and the stream is left unread. */
export async function readStreamBounded(
  stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  maxBytes: number,
  tooLarge: () => S2sError,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    total += bytes.length;
    // Leaving the loop early (the throw) ends the iteration: the rest is never read.
    if (total > maxBytes) throw tooLarge();
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}
