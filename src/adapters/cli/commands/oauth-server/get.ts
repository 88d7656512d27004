/** `s2s oauth-server get|list` (Get-CsOAuthServer): servers, the partners trusted through each, refresh state. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { serverJson, serverRows } from './server-rows.ts';

export function registerOAuthServerGetCommands(parent: Command, env: CliEnvironment): void {
  for (const verb of ['get', 'list'] as const) {
    const cmd = parent
      .command(verb)
      .description(
        verb === 'get'
          ? 'show one OAuth server (or all), the partners using it and the state of its metadata refresh'
          : 'list every OAuth server',
      )
      .option('--identity <name>', 'only this server')
      .action(
        defineAction<{ identity?: string }>(env, async (ctx) => {
          const { opts, printer } = ctx;
          const { services } = await ctx.deployment();
          const views =
            opts.identity === undefined
              ? await services.oauthServers.list()
              : [await services.oauthServers.get(opts.identity)];
          printer.result({ oauthServers: views.map(serverJson) }, () =>
            views.length === 0
              ? 'no OAuth servers'
              : views.map((v) => formatList(serverRows(v))).join('\n\n'),
          );
        }),
      );
    example(cmd, `s2s oauth-server ${verb}`, `s2s oauth-server ${verb} --identity microsoft.sts --json`);
  }
}
