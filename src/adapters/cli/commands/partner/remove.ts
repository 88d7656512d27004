/** `s2s partner remove` (Remove-CsPartnerApplication). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerPartnerRemoveCommand(partner: Command, env: CliEnvironment): void {
  const cmd = partner
    .command('remove')
    .description('remove a partner application (its tokens are refused at once)')
    .requiredOption('--identity <name>', 'the partner to remove')
    .action(
      defineAction<{ identity: string }>(env, async (ctx) => {
        const { opts, printer } = ctx;
        const { services } = await ctx.deployment();
        await services.partners.remove(opts.identity);
        printer.result(
          { removed: opts.identity.trim().toLowerCase() },
          () => `removed partner ${opts.identity.trim().toLowerCase()}`,
        );
      }),
    );
  example(cmd, 's2s partner remove --identity microsoft.exchange');
}
