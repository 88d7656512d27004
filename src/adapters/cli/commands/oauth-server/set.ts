/** `s2s oauth-server set` (Set-CsOAuthServer): changes a server; a new URL, type or realm is fetched and checked now. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { parseBoolean } from '../partner/partner-rows.ts';
import { printServer } from './server-rows.ts';

interface SetOptions {
  identity: string;
  metadataUrl?: string;
  type?: string;
  realm?: string;
  allowInsecureHttp?: string | boolean;
  metadataRedirects?: string;
}

export function registerOAuthServerSetCommand(parent: Command, env: CliEnvironment): void {
  const cmd = parent
    .command('set')
    .description('change an OAuth server (a new metadata URL, type or realm is fetched now)')
    .requiredOption('--identity <name>', 'the server to change')
    .option('--metadata-url <url>', 'a new metadata URL')
    .option('--type <type>', 'acs | oauth2')
    .option('--realm <tenant>', 'the tenant id')
    .option('--allow-insecure-http [bool]', 'allow a plain-http metadata URL (test hosts only)')
    .option('--metadata-redirects <policy>', 'same-origin | public | any')
    .action(
      defineAction<SetOptions>(env, async (ctx) => {
        const { opts, printer } = ctx;
        const { services } = await ctx.deployment();
        const result = await services.oauthServers.update(opts.identity, {
          metadataUrl: opts.metadataUrl,
          type: opts.type,
          realm: opts.realm,
          allowInsecureHttp: parseBoolean(opts.allowInsecureHttp, '--allow-insecure-http'),
          metadataRedirects: opts.metadataRedirects,
        });
        printServer(printer, result);
      }),
    );
  example(cmd, 's2s oauth-server set --identity microsoft.sts --realm 52aa6841-b76b-4ed4-a3d7-a259fce1dfa2');
}
