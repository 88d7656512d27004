/** `s2s certificate delete`: forgets a certificate (refused while it is assigned). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

interface DeleteOptions {
  thumbprint: string;
}

export function registerCertificateDeleteCommand(certificate: Command, env: CliEnvironment): void {
  const cmd = certificate
    .command('delete')
    .description('delete a certificate and its sealed key from the store (refused while assigned)')
    .requiredOption('--thumbprint <sha1>', 'the certificate')
    .action(
      defineAction<DeleteOptions>(env, async ({ opts, printer, ...ctx }) => {
        const { services } = await ctx.deployment();
        await services.certificates.delete({ thumbprint: opts.thumbprint });
        printer.result({ deleted: opts.thumbprint }, () => `deleted ${opts.thumbprint}`);
      }),
    );
  example(cmd, 's2s certificate delete --thumbprint 1E6F9B4D…');
}
