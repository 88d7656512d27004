/** `s2s certificate export`: the certificate, chain and key as a password-protected PFX (exportable only). */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { passwordFlags, readPassword } from './password-source.ts';
import type { PasswordOptions } from './password-source.ts';

interface ExportOptions extends PasswordOptions {
  thumbprint: string;
  path: string;
  legacy?: boolean;
}

export function registerCertificateExportCommand(certificate: Command, env: CliEnvironment): void {
  const cmd = passwordFlags(
    certificate
      .command('export')
      .description('write an exportable certificate with its private key to a password-protected PFX')
      .requiredOption('--thumbprint <sha1>', 'the certificate')
      .requiredOption('--path <pfx>', 'file to create (not overwritten)'),
  )
    .option('--legacy', '3DES / SHA-1 MAC, for Windows Server 2016 and older')
    .action(
      defineAction<ExportOptions>(env, async ({ opts, printer, io, ...ctx }) => {
        const password = await readPassword(opts, io);
        const { services } = await ctx.deployment();
        const pfx = await services.certificates.export({
          thumbprint: opts.thumbprint,
          password,
          legacy: opts.legacy === true,
        });
        try {
          writeFileSync(opts.path, pfx, { mode: 0o600, flag: 'wx' });
        } catch (err) {
          const exists = (err as NodeJS.ErrnoException).code === 'EEXIST';
          throw sharedError(
            'ERR_INVALID_INPUT',
            exists ? `${opts.path} exists; choose another --path` : `cannot write ${opts.path}`,
          );
        }
        printer.result(
          {
            path: opts.path,
            bytes: pfx.length,
            format: opts.legacy ? 'pkcs12-3des-sha1' : 'pkcs12-aes256-sha256',
          },
          () => `wrote ${opts.path}`,
        );
      }),
    );
  example(cmd, 's2s certificate export --thumbprint 1E6F9B4D… --path oauth.pfx --password-file - < pass.txt');
}
