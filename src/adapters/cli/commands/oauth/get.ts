/** `s2s oauth get` (Get-CsOAuthConfiguration). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { oauthRows } from './oauth-rows.ts';

export function registerOAuthGetCommand(oauth: Command, env: CliEnvironment): void {
  const cmd = oauth
    .command('get')
    .description('show the OAuth configuration (realm, service name, lifetimes, host names)')
    .action(
      defineAction<object>(env, async ({ printer, ...ctx }) => {
        const { services } = await ctx.deployment();
        const config = await services.oauth.get();
        printer.result({ oauth: config }, () => formatList(oauthRows(config)));
      }),
    );
  example(cmd, 's2s oauth get --json');
}
