/** `s2s certificate get` (Get-CsCertificate): the assigned certificates, current, previous and staged. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { renderAssignments } from './certificate-output.ts';

interface GetOptions {
  type?: string;
  identity?: string;
}

export function registerCertificateGetCommand(certificate: Command, env: CliEnvironment): void {
  const cmd = certificate
    .command('get')
    .description('show the certificate assigned to each usage (current, previous, staged roll)')
    .option('--type <usage>', 'only this usage')
    .option('--identity <global|fqdn>', 'only this scope')
    .action(
      defineAction<GetOptions>(env, async ({ opts, printer, ...ctx }) => {
        const { services } = await ctx.deployment();
        const result = await services.certificates.get({
          ...(opts.type !== undefined ? { usage: opts.type } : {}),
          ...(opts.identity !== undefined ? { identity: opts.identity } : {}),
        });
        printer.warnAll(result.warnings);
        printer.result({ assignments: result.assignments }, () => renderAssignments(result.assignments));
      }),
    );
  example(cmd, 's2s certificate get --type OAuthTokenIssuer', 's2s certificate get --json');
}
