/** `s2s certificate remove` (Remove-CsCertificate): un-assigns; the certificate stays known. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { renderAssignments, splitTypes } from './certificate-output.ts';

interface RemoveOptions {
  type: string;
  identity?: string;
  previous?: boolean;
}

export function registerCertificateRemoveCommand(certificate: Command, env: CliEnvironment): void {
  const cmd = certificate
    .command('remove')
    .description(
      'un-assign a usage (current, previous and staged), or with --previous only its previous certificate',
    )
    .requiredOption('--type <usages>', 'usages (comma-separated)')
    .option('--identity <global|fqdn>', 'scope of the assignment', 'global')
    .option('--previous', 'remove only the previous (rolled-out) certificate')
    .action(
      defineAction<RemoveOptions>(env, async ({ opts, printer, ...ctx }) => {
        const { services } = await ctx.deployment();
        const change = await services.certificates.remove({
          usages: splitTypes(opts.type),
          identity: opts.identity ?? 'global',
          previous: opts.previous === true,
        });
        printer.result({ assignments: change.assignments }, () =>
          change.assignments.length ? renderAssignments(change.assignments) : `un-assigned ${opts.type}`,
        );
      }),
    );
  example(cmd, 's2s certificate remove --type OAuthTokenIssuer --previous');
}
