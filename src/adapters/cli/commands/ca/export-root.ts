/** `s2s ca export-root`: our root CA certificate as PEM, for partners to add to their trusted roots. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { toPem } from '../../../../ca/pem.ts';
import { emitPem } from '../pem-output.ts';

export function registerCaExportRootCommand(ca: Command, env: CliEnvironment): void {
  const cmd = ca
    .command('export-root')
    .description("print the CA's root certificate as PEM (for a partner's trusted roots)")
    .option('--output <file>', 'write it to this new file instead of standard output')
    .action(
      defineAction<{ output?: string }>(env, async (ctx) => {
        const { services } = await ctx.deployment();
        const { body } = await services.ca.authority.document();
        const chain = await services.ca.authority.caChain();
        const root = chain[chain.length - 1]!;
        emitPem(ctx, { thumbprint: body.root.thumbprint }, toPem(root), 'the root CA certificate');
      }),
    );
  example(
    cmd,
    's2s ca export-root > contoso-root.pem',
    's2s ca export-root --output contoso-root.pem   # then, on the partner: s2s trusted-root add --path contoso-root.pem',
  );
}
