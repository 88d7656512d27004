/** `s2s oauth-server remove` (Remove-CsOAuthServer): refused while partners are trusted through it. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerOAuthServerRemoveCommand(parent: Command, env: CliEnvironment): void {
  const cmd = parent
    .command('remove')
    .description('remove an OAuth server (its tokens are refused at once; refused while partners use it)')
    .requiredOption('--identity <name>', 'the server to remove')
    .action(
      defineAction<{ identity: string }>(env, async (ctx) => {
        const { opts, printer } = ctx;
        const { services } = await ctx.deployment();
        await services.oauthServers.remove(opts.identity);
        const id = opts.identity.trim().toLowerCase();
        printer.result({ removed: id }, () => `removed OAuth server ${id}`);
      }),
    );
  example(cmd, 's2s oauth-server remove --identity microsoft.sts');
}
