/** `s2s certificate set` (Set-CsCertificate): assign now, or roll at an effective date. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { parseEffectiveDate, renderAssignments, splitTypes } from './certificate-output.ts';

interface SetOptions {
  type: string;
  thumbprint: string;
  identity?: string;
  roll?: boolean;
  effectiveDate?: string;
}

export function registerCertificateSetCommand(certificate: Command, env: CliEnvironment): void {
  const cmd = certificate
    .command('set')
    .description('assign a known certificate to usages (at once, or --roll at --effective-date)')
    .requiredOption('--type <usages>', 'usages (comma-separated)')
    .requiredOption('--thumbprint <sha1>', 'thumbprint of an imported certificate')
    .option('--identity <global|fqdn>', 'scope of the assignment', 'global')
    .option('--roll', 'stage it: it becomes current at --effective-date, the old one previous')
    .option(
      '--effective-date <ISO 8601>',
      'when the rolled certificate becomes current (≥ 24 h ahead recommended)',
    )
    .action(
      defineAction<SetOptions>(env, async ({ opts, printer, ...ctx }) => {
        const effectiveDate = parseEffectiveDate(opts.effectiveDate);
        const { services } = await ctx.deployment();
        const change = await services.certificates.set({
          usages: splitTypes(opts.type),
          thumbprint: opts.thumbprint,
          identity: opts.identity ?? 'global',
          ...(opts.roll ? { roll: true } : {}),
          ...(effectiveDate ? { effectiveDate } : {}),
        });
        printer.warnAll(change.warnings);
        printer.result({ assignments: change.assignments }, () => renderAssignments(change.assignments));
      }),
    );
  example(
    cmd,
    's2s certificate set --type OAuthTokenIssuer --thumbprint 1E6F9B4D… --identity global',
    's2s certificate set --type OAuthTokenIssuer --thumbprint 7A3C… --roll --effective-date 2030-01-31T12:00:00Z',
  );
}
