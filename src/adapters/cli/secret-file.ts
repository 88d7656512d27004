/**
 * Reads a secret (a password) from a file or from standard input (`-`): secrets never sit on a command
 * line. One rule for every command: a leading UTF-8 byte order mark (Windows Notepad) and one trailing
 * LF or CRLF (what `echo` and editors add) are dropped; anything else is the secret, verbatim. A file
 * larger than {@link SECRET_FILE_MAX_BYTES} (say `/dev/zero` by mistake) is refused before it is read whole.
 */
import { open } from 'node:fs/promises';
import { sharedError } from '../../core/index.ts';
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
  if (Buffer.byteLength(raw, 'utf8') > SECRET_FILE_MAX_BYTES) {
    throw sharedError(
      'ERR_INVALID_INPUT',
      `the password in ${path === '-' ? 'standard input' : path} is longer than ${SECRET_FILE_MAX_BYTES} bytes`,
      { path },
    );
  }
  const secret = raw.replace(/^\ufeff/, '').replace(/\r?\n$/, '');
  if (secret === '' && options.allowEmpty !== true) {
    throw sharedError('ERR_INVALID_INPUT', `the password file ${path} is empty`, { path });
  }
  return secret;
}

async function readStdin(io: CliIo): Promise<string> {
  if (!io.readStdin) throw sharedError('ERR_USAGE', 'standard input is not available for the password');
  return io.readStdin();
}

/** Reads at most SECRET_FILE_MAX_BYTES + 1 bytes, so an endless or huge file is refused, never read whole. */
async function readCapped(path: string): Promise<string> {
  const handle = await open(path, 'r').catch(() => {
    throw sharedError('ERR_INVALID_INPUT', `cannot read the password file ${path}`, { path });
  });
  try {
    const buffer = Buffer.alloc(SECRET_FILE_MAX_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0).catch(() => {
      throw sharedError('ERR_INVALID_INPUT', `cannot read the password file ${path}`, { path });
    });
    if (bytesRead > SECRET_FILE_MAX_BYTES) {
      throw sharedError(
        'ERR_INVALID_INPUT',
        `the password file ${path} is larger than ${SECRET_FILE_MAX_BYTES} bytes`,
        { path },
      );
    }
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
