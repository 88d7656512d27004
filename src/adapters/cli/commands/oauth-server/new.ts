/** `s2s oauth-server new` (New-CsOAuthServer): registers an authorization server by its metadata URL. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { parseBoolean } from '../partner/partner-rows.ts';
import { printServer } from './server-rows.ts';

interface NewOptions {
  identity: string;
  metadataUrl: string;
  type?: string;
  realm?: string;
  allowInsecureHttp?: string | boolean;
  metadataRedirects?: string;
}

export function registerOAuthServerNewCommand(parent: Command, env: CliEnvironment): void {
  const cmd = parent
    .command('new')
    .description(
      'register an OAuth server (ACS, Microsoft Entra ID, any OpenID Connect server) by metadata URL',
    )
    .requiredOption('--identity <name>', 'a name for the server, e.g. microsoft.sts')
    .requiredOption(
      '--metadata-url <url>',
      'its metadata: an ACS /metadata/json/1 document or a /.well-known/openid-configuration URL (fetched now)',
    )
    .option('--type <type>', 'acs | oauth2 (default: oauth2 for a /.well-known/ URL, else acs)')
    .option('--realm <tenant>', 'the tenant id the server issues for (required when its metadata names none)')
    .option('--allow-insecure-http [bool]', 'allow a plain-http metadata URL (test hosts only)')
    .option('--metadata-redirects <policy>', 'same-origin (default) | public | any')
    .action(
      defineAction<NewOptions>(env, async (ctx) => {
        const { opts, printer } = ctx;
        const { services } = await ctx.deployment();
        const result = await services.oauthServers.create({
          identity: opts.identity,
          metadataUrl: opts.metadataUrl,
          type: opts.type,
          realm: opts.realm,
          allowInsecureHttp: parseBoolean(opts.allowInsecureHttp, '--allow-insecure-http'),
          metadataRedirects: opts.metadataRedirects,
        });
        printServer(printer, result);
      }),
    );
  example(
    cmd,
    's2s oauth-server new --identity microsoft.sts --metadata-url https://accounts.accesscontrol.windows.net/<tenant id>/metadata/json/1',
    's2s oauth-server new --identity entra --type oauth2 --metadata-url https://login.microsoftonline.com/<tenant id>/v2.0/.well-known/openid-configuration',
  );
}
