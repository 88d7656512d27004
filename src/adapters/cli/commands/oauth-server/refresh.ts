/** `s2s oauth-server refresh`: fetches a server's metadata now (its keys; the last good ones kept on failure). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerOAuthServerRefreshCommand(parent: Command, env: CliEnvironment): void {
  const cmd = parent
    .command('refresh')
    .description("fetch an OAuth server's metadata now")
    .requiredOption('--identity <name>', 'the server to refresh')
    .action(
      defineAction<{ identity: string }>(env, async (ctx) => {
        const { opts, printer } = ctx;
        const { services } = await ctx.deployment();
        const res = await services.oauthServers.refresh(opts.identity);
        printer.result(
          { ...res },
          () => `${res.identity}: ${res.outcome}${res.keysChanged ? ' (keys changed)' : ''}`,
        );
      }),
    );
  example(cmd, 's2s oauth-server refresh --identity microsoft.sts');
}
