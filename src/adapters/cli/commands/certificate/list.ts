/** `s2s certificate list`: every certificate in the store, assigned or not. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { renderCertificates } from './certificate-output.ts';

export function registerCertificateListCommand(certificate: Command, env: CliEnvironment): void {
  const cmd = certificate
    .command('list')
    .description('list every certificate in the store, with where it is assigned')
    .action(
      defineAction<object>(env, async ({ printer, ...ctx }) => {
        const { services } = await ctx.deployment();
        const certificates = await services.certificates.list();
        printer.result({ certificates }, () => renderCertificates(certificates));
      }),
    );
  example(cmd, 's2s certificate list --json');
}
