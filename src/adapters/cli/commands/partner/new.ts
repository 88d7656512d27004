/** `s2s partner new` (New-CsPartnerApplication): registers a partner by metadata URL or by static certificate. */
import { readCertificateInput } from '../../certificate-input.ts';
import type { Command } from 'commander';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { printPartner, sharedPartnerInput } from './partner-rows.ts';

interface NewOptions {
  identity: string;
  trustLevel: string;
  metadataUrl?: string;
  applicationIdentifier?: string;
  realm?: string;
  certificateFile?: string;
  acceptSecurityIdentifierInformation?: string | boolean;
  enabled?: string;
  allowInsecureHttp?: string | boolean;
  metadataRedirects?: string;
  storageUrl?: string;
  useOauthServer?: string;
}

export function registerPartnerNewCommand(partner: Command, env: CliEnvironment): void {
  const cmd = partner
    .command('new')
    .description(
      'register a partner application (Exchange, SharePoint, another s2s) by metadata URL or certificate',
    )
    .requiredOption('--identity <name>', 'a name for the partner, e.g. microsoft.exchange')
    .option('--trust-level <level>', 'Full | Application | User', 'Full')
    .option('--metadata-url <url>', "the partner's metadata document (fetched now; refreshed every 12 h)")
    .option(
      '--application-identifier <id>',
      "the partner's principal id (with --realm and --certificate-file)",
    )
    .option('--realm <realm>', "the partner's realm (with --application-identifier)")
    .option('--certificate-file <path>', "the partner's signing certificate: .cer (DER), PEM or base64")
    .option(
      '--accept-security-identifier-information [bool]',
      'accept SIDs in nameid from this partner (default false)',
    )
    .option('--enabled <bool>', 'true | false (default true)')
    .option('--allow-insecure-http [bool]', 'allow a plain-http metadata URL (test hosts only)')
    .option(
      '--metadata-redirects <policy>',
      'where metadata fetches may follow a redirect: same-origin (default) | public (other origins on public addresses) | any',
    )
    .option('--storage-url <url>', "base URL of the partner's storage service")
    .option(
      '--use-oauth-server <name>',
      'trust the partner through this OAuth server (with --application-identifier, optionally --realm)',
    )
    .action(
      defineAction<NewOptions>(env, async (ctx) => {
        const { opts, printer } = ctx;
        const certificate =
          opts.certificateFile === undefined ? undefined : await readCertificateFile(opts.certificateFile);
        const { services } = await ctx.deployment();
        const result = await services.partners.create({
          identity: opts.identity,
          trustLevel: opts.trustLevel,
          metadataUrl: opts.metadataUrl,
          applicationIdentifier: opts.applicationIdentifier,
          realm: opts.realm,
          certificate,
          ...sharedPartnerInput(opts),
          storageUrl: opts.storageUrl,
          useOAuthServer: opts.useOauthServer,
        });
        printPartner(printer, result);
      }),
    );
  example(
    cmd,
    's2s partner new --identity microsoft.exchange --trust-level Full --metadata-url https://mail.contoso.com/autodiscover/metadata/json/1',
    's2s partner new --identity microsoft.exchange --application-identifier 00000002-0000-0ff1-ce00-000000000000 --use-oauth-server microsoft.sts',
    's2s partner new --identity lab.exchange --application-identifier 00000002-0000-0ff1-ce00-000000000000 --realm lab.test --certificate-file exchange-auth.cer',
  );
}

/** Reads a certificate file (bounded, docs/security.md §6.1); a missing file is a usage error naming the path. */
export function readCertificateFile(path: string): Promise<Buffer> {
  return readCertificateInput(path, (err) =>
    sharedError('ERR_USAGE', `cannot read certificate file ${path} (${err.code ?? 'error'})`, { path }),
  );
}
