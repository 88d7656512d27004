/** Reads a password from a file (first line) or stdin (`-`), so secrets never sit on a command line. */
import { readFile } from 'node:fs/promises';
import { sharedError } from '../../../../core/index.ts';
import type { CliIo } from '../../cli-io.ts';

export async function readSecretFile(path: string, io: CliIo): Promise<string> {
  let text: string;
  if (path === '-') {
    if (!io.readStdin) throw sharedError('ERR_USAGE', 'standard input is not available for the password');
    text = await io.readStdin();
  } else {
    text = await readFile(path, 'utf8').catch(() => {
      throw sharedError('ERR_INVALID_INPUT', `cannot read the password file ${path}`, { path });
    });
  }
  // A leading UTF-8 byte order mark (Windows Notepad) is never part of a password.
  const line = text.replace(/^\ufeff/, '').split(/\r?\n/)[0] ?? '';
  if (line === '') throw sharedError('ERR_INVALID_INPUT', `the password file ${path} is empty`, { path });
  return line;
}
