/** `s2s oauth get` (Get-CsOAuthConfiguration). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { oauthRows } from './oauth-rows.ts';

export function registerOAuthGetCommand(oauth: Command, env: CliEnvironment): void {
  const cmd = oauth
    .command('get')
    .description(
      'show the OAuth configuration (realm, service name, lifetimes, host names) and the OAuth servers with their partners',
    )
    .action(
      defineAction<object>(env, async ({ printer, ...ctx }) => {
        const { services } = await ctx.deployment();
        const config = await services.oauth.get();
        // Which partners go through which OAuth server (docs/hybrid.md), as Get-CsOAuthServer lists them.
        const servers = (await services.oauthServers.list()).map((v) => ({
          identity: v.server.identity,
          type: v.server.type,
          realm: v.server.realm,
          partners: v.partners,
        }));
        printer.result({ oauth: config, oauthServers: servers }, () =>
          formatList({
            ...oauthRows(config),
            OAuthServers: servers.map(
              (s) =>
                `${s.identity} (${s.type}, tenant ${s.realm}): ${s.partners.length > 0 ? s.partners.join(', ') : 'no partner'}`,
            ),
          }),
        );
      }),
    );
  example(cmd, 's2s oauth get --json');
}
