/** `s2s oauth set` (Set-CsOAuthConfiguration). */
import type { Command } from 'commander';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import type { OAuthConfigurationPatch } from '../../../../services/index.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { parseDurationSeconds } from './duration.ts';
import { oauthRows } from './oauth-rows.ts';

interface SetOptions {
  realm?: string;
  serviceName?: string;
  tokenLifetime?: string;
  outerTokenLifetime?: string;
  clockSkew?: string;
  maxTokenLifetime?: string;
  hostNames?: string;
  sha1Policy?: string;
  metadataRefresh?: string;
  force?: boolean;
}

function toPatch(o: SetOptions): OAuthConfigurationPatch {
  if (o.sha1Policy !== undefined && o.sha1Policy !== 'warn' && o.sha1Policy !== 'error') {
    throw sharedError('ERR_INVALID_INPUT', '--sha1-policy is warn or error');
  }
  const patch: OAuthConfigurationPatch = {};
  if (o.realm !== undefined) patch.realm = o.realm;
  if (o.serviceName !== undefined) patch.serviceName = o.serviceName;
  if (o.tokenLifetime !== undefined)
    patch.actorTokenLifetimeSeconds = parseDurationSeconds(o.tokenLifetime, '--token-lifetime');
  if (o.outerTokenLifetime !== undefined)
    patch.outerTokenLifetimeSeconds = parseDurationSeconds(o.outerTokenLifetime, '--outer-token-lifetime');
  if (o.clockSkew !== undefined) patch.clockSkewSeconds = parseDurationSeconds(o.clockSkew, '--clock-skew');
  if (o.maxTokenLifetime !== undefined)
    patch.maxTokenLifetimeSeconds = parseDurationSeconds(o.maxTokenLifetime, '--max-token-lifetime');
  if (o.hostNames !== undefined)
    patch.hostNames = o.hostNames
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
  if (o.sha1Policy !== undefined) patch.sha1CertificatePolicy = o.sha1Policy;
  if (o.metadataRefresh !== undefined)
    patch.metadataRefreshSeconds = parseDurationSeconds(o.metadataRefresh, '--metadata-refresh');
  if (Object.keys(patch).length === 0)
    throw sharedError('ERR_USAGE', 'nothing to change: pass at least one setting (see --help)');
  return patch;
}

export function registerOAuthSetCommand(oauth: Command, env: CliEnvironment): void {
  const cmd = oauth
    .command('set')
    .description('change the OAuth configuration')
    .option(
      '--realm <sip domain>',
      'the OAuth realm (changing it re-keys partner trust: needs --force while partners exist)',
    )
    .option('--service-name <guid>', 'our principal id')
    .option('--token-lifetime <duration>', 'actor / app-only token lifetime (seconds, or 30s, 15m, 8h, 1d)')
    .option('--outer-token-lifetime <duration>', 'outer (user) token lifetime')
    .option('--clock-skew <duration>', 'allowed clock skew when validating tokens')
    .option(
      '--max-token-lifetime <duration>',
      'longest lifetime (exp − nbf) of a token we accept, actor or outer (default 24h, the maximum; the clock skew is added)',
    )
    .option('--host-names <a,b>', 'host names partners address us by (replaces the list)')
    .option('--sha1-policy <warn|error>', 'SHA-1 signed certificates: warn or refuse')
    .option('--metadata-refresh <duration>', 'partner metadata refresh period')
    .option('--force', 'allow changing realm or service name while partners trust the current issuer')
    .action(
      defineAction<SetOptions>(env, async ({ opts, printer, ...ctx }) => {
        const patch = toPatch(opts);
        const { services } = await ctx.deployment();
        const { config, warnings } = await services.oauth.update(patch, { force: opts.force === true });
        printer.warnAll(warnings);
        printer.result({ oauth: config }, () => formatList(oauthRows(config)));
      }),
    );
  example(
    cmd,
    's2s oauth set --token-lifetime 8h --clock-skew 5m --host-names s2s.contoso.com,pool.contoso.com',
    's2s oauth set --sha1-policy error',
  );
}
