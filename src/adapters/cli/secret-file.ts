/**
 * Reads a secret (a password) from a file or from standard input (`-`): secrets never sit on a command
 * line. One rule for every command: a leading UTF-8 byte order mark (Windows Notepad) and one trailing
 * LF or CRLF (what `echo` and editors add) are dropped; anything else is the secret, verbatim. At most
 * {@link SECRET_FILE_MAX_BYTES} are read, whatever the input is (`/dev/zero`, a FIFO, an endless pipe):
 * one byte more is refused with `ERR_INPUT_TOO_LARGE` (docs/security.md §6.1).
 */
import { sharedError } from '../../core/shared/shared-errors.ts';
import { readFileBounded } from './bounded-read.ts';
import type { CliIo } from './cli-io.ts';

/** No password is longer than this. */
export const SECRET_FILE_MAX_BYTES = 64 * 1024;

/** The secret held by `path` (`-` = standard input). `allowEmpty` for PFX files, which may have an empty password. */
export async function readSecretFile(
  path: string,
  io: CliIo,
  options: { allowEmpty?: boolean } = {},
): Promise<string> {
  const raw = path === '-' ? await readStdin(io) : await readCapped(path);
  const secret = raw.replace(/^\ufeff/, '').replace(/\r?\n$/, '');
  if (secret === '' && options.allowEmpty !== true) {
    throw sharedError('ERR_INVALID_INPUT', `the password file ${path} is empty`, { path });
  }
  return secret;
}

async function readStdin(io: CliIo): Promise<string> {
  if (!io.readStdin) throw sharedError('ERR_USAGE', 'standard input is not available for the password');
  return io.readStdin(SECRET_FILE_MAX_BYTES);
}

async function readCapped(path: string): Promise<string> {
  const bytes = await readFileBounded(path, SECRET_FILE_MAX_BYTES, {
    tooLarge: () =>
      sharedError(
        'ERR_INPUT_TOO_LARGE',
        `the password file ${path} is larger than ${SECRET_FILE_MAX_BYTES} bytes`,
        {
          path,
        },
      ),
    unreadable: () => sharedError('ERR_INVALID_INPUT', `cannot read the password file ${path}`, { path }),
  });
  return bytes.toString('utf8');
}
