/** `--password-file <f>` (`-` = standard input) / `--password-env <VAR>`: passwords never come from argv. */
import { readFileSync } from 'node:fs';
import { sharedError } from '../../../../core/index.ts';
import type { CliIo } from '../../cli-io.ts';

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
  if (opts.passwordFile === '-') {
    if (!io.readStdin)
      throw sharedError('ERR_USAGE', 'standard input is not available for --password-file -');
    return stripNewline(await io.readStdin());
  }
  try {
    return stripNewline(readFileSync(opts.passwordFile, 'utf8'));
  } catch {
    throw sharedError('ERR_USAGE', `cannot read the password file ${opts.passwordFile}`);
  }
}

/**
 * Drops one trailing LF or CRLF (what `echo` and editors add) and a leading UTF-8 byte order mark (what
 * Windows Notepad writes): neither is ever part of a real password. Anything else is kept verbatim.
 */
function stripNewline(text: string): string {
  return text.replace(/^\ufeff/, '').replace(/\r?\n$/, '');
}

/** Declares the two password flags on a command. */
export function passwordFlags<T extends { option(flags: string, description: string): T }>(cmd: T): T {
  return cmd
    .option('--password-file <file>', 'file holding the password (`-` reads standard input)')
    .option('--password-env <VAR>', 'environment variable holding the password');
}
