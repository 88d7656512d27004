/** `s2s certificate import` (Import-CsCertificate): PFX, PEM or DER; with --type also assigned. */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { certificateError } from '../../../../core/certificates/certificate-errors.ts';
import { readCertificateInput } from '../../certificate-input.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { parseEffectiveDate, renderAssignments, splitTypes } from './certificate-output.ts';
import { passwordFlags, readPassword } from './password-source.ts';
import type { PasswordOptions } from './password-source.ts';
import { withProgress } from '../../progress.ts';

interface ImportOptions extends PasswordOptions {
  path: string;
  keyPath?: string;
  type?: string;
  identity?: string;
  exportable?: boolean;
  friendlyName?: string;
  roll?: boolean;
  effectiveDate?: string;
}

/** Reads a certificate file with the size cap applied while reading (docs/security.md §6.1). */
export function readCertificateImportFile(path: string): Promise<Buffer> {
  return readCertificateInput(path, () =>
    certificateError('ERR_CERTIFICATE_FILE_NOT_FOUND', `cannot read ${path}`, { path }),
  );
}

export function registerCertificateImportCommand(certificate: Command, env: CliEnvironment): void {
  const cmd = passwordFlags(
    certificate
      .command('import')
      .description('import a certificate (PFX/PKCS#12, PEM certificate + key, DER) and optionally assign it')
      .requiredOption('--path <file>', 'the PFX, PEM or DER file')
      .option('--key-path <file>', 'a separate PEM private key file'),
  )
    .option('--type <usages>', 'assign to these usages (comma-separated), e.g. OAuthTokenIssuer')
    .option('--identity <global|fqdn>', 'scope of the assignment', 'global')
    .option('--exportable', 'allow `certificate export` of the private key later')
    .option('--friendly-name <name>', "friendly name (default: the file's, else CN and expiry)")
    .option('--roll', 'stage the assignment as a roll (needs --effective-date)')
    .option('--effective-date <ISO 8601>', 'when a rolled certificate becomes current')
    .action(
      defineAction<ImportOptions>(env, async ({ opts, printer, io, ...ctx }) => {
        const file = await readCertificateImportFile(opts.path);
        const keyFile =
          opts.keyPath === undefined ? undefined : await readCertificateImportFile(opts.keyPath);
        const password = await readPassword(opts, io);
        const effectiveDate = parseEffectiveDate(opts.effectiveDate);
        const { services } = await ctx.deployment();
        const result = await withProgress(io, printer.json, `Importing ${basename(opts.path)}`, () =>
          services.certificates.import({
            file,
            fileName: basename(opts.path),
            usages: splitTypes(opts.type),
            identity: opts.identity ?? 'global',
            exportable: opts.exportable === true,
            ...(keyFile ? { keyFile } : {}),
            ...(password !== undefined ? { password } : {}),
            ...(opts.friendlyName ? { friendlyName: opts.friendlyName } : {}),
            ...(opts.roll ? { roll: true } : {}),
            ...(effectiveDate ? { effectiveDate } : {}),
          }),
        );
        printer.warnAll(result.warnings);
        printer.result({ ...result, warnings: undefined }, () =>
          result.certificate
            ? [
                formatList({
                  Thumbprint: result.thumbprint,
                  Subject: result.certificate.subject,
                  NotAfter: result.certificate.notAfter,
                  Imported: result.created ? 'new' : 'already known',
                }),
                result.assignments.length ? renderAssignments(result.assignments) : '',
              ]
                .filter(Boolean)
                .join('\n\n')
            : `certificate ${result.thumbprint} completed a certificate request`,
        );
      }),
    );
  example(
    cmd,
    's2s certificate import --path ServerToServerAuth.pfx --password-env PFX_PASSWORD --type OAuthTokenIssuer --identity global',
    's2s certificate import --path web.pem --key-path web.key --type WebServicesInternal,WebServicesExternal --identity fe01.contoso.com',
  );
}
