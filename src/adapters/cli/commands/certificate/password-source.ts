/** `--password-file <f>` (`-` = standard input) / `--password-env <VAR>`: passwords never come from argv. */
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import type { CliIo } from '../../cli-io.ts';
import { readSecretFile } from '../../secret-file.ts';

/** The password flags. */
export interface PasswordOptions {
  passwordFile?: string;
  passwordEnv?: string;
}

/** Reads the password named by the flags (one trailing newline and a BOM dropped), or undefined when none is given. */
export async function readPassword(opts: PasswordOptions, io: CliIo): Promise<string | undefined> {
  if (opts.passwordFile !== undefined && opts.passwordEnv !== undefined) {
    throw sharedError('ERR_USAGE', 'pass either --password-file or --password-env, not both');
  }
  if (opts.passwordEnv !== undefined) {
    const value = io.env[opts.passwordEnv];
    if (value === undefined)
      throw sharedError('ERR_USAGE', `environment variable ${opts.passwordEnv} is not set`);
    return value;
  }
  if (opts.passwordFile === undefined) return undefined;
  return readSecretFile(opts.passwordFile, io, { allowEmpty: true });
}

/** Declares the two password flags on a command. */
export function passwordFlags<T extends { option(flags: string, description: string): T }>(cmd: T): T {
  return cmd
    .option('--password-file <file>', 'file holding the password (`-` reads standard input)')
    .option('--password-env <VAR>', 'environment variable holding the password');
}
