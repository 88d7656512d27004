/**
 * An administrator's password: read from a file (or `-`, standard input), or generated and written to a
 * new file of mode 0600 — never from the command line, never printed (docs/admin.md "Passwords").
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import type { CliIo } from '../../cli-io.ts';
import { readSecretFile } from '../../secret-file.ts';

export interface PasswordFlags {
  passwordFile?: string;
  generatePassword?: string;
}

/** The password the flags name, or undefined when neither flag is given. */
export async function passwordFromFlags(opts: PasswordFlags, io: CliIo): Promise<string | undefined> {
  if (opts.passwordFile !== undefined && opts.generatePassword !== undefined)
    throw sharedError('ERR_USAGE', 'use either --password-file or --generate-password, not both');
  if (opts.passwordFile !== undefined) return readSecretFile(opts.passwordFile, io);
  if (opts.generatePassword === undefined) return undefined;
  const password = randomBytes(18).toString('base64url');
  try {
    await writeFile(opts.generatePassword, `${password}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    throw sharedError(
      'ERR_INVALID_INPUT',
      `cannot create ${opts.generatePassword} (${(err as { code?: string }).code ?? 'error'}): it must not exist yet`,
      { path: opts.generatePassword },
    );
  }
  return password;
}
