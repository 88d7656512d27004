/** `s2s partner set` (Set-CsPartnerApplication): changes a partner; a new metadata URL is fetched at once. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { readCertificateFile } from './new.ts';
import { printPartner, sharedPartnerInput } from './partner-rows.ts';

interface SetOptions {
  identity: string;
  trustLevel?: string;
  metadataUrl?: string;
  certificateFile?: string;
  acceptSecurityIdentifierInformation?: string | boolean;
  enabled?: string;
  allowInsecureHttp?: string | boolean;
  metadataRedirects?: string;
  storageUrl?: string;
}

export function registerPartnerSetCommand(partner: Command, env: CliEnvironment): void {
  const cmd = partner
    .command('set')
    .description('change a partner application')
    .requiredOption('--identity <name>', 'the partner to change')
    .option('--trust-level <level>', 'Full | Application | User')
    .option('--metadata-url <url>', 'a new metadata URL (must name the same service name and realm)')
    .option('--certificate-file <path>', 'replace the static signing certificate')
    .option('--accept-security-identifier-information [bool]', 'true | false')
    .option('--enabled <bool>', 'true | false')
    .option('--allow-insecure-http [bool]', 'true | false (test hosts only)')
    .option(
      '--metadata-redirects <policy>',
      'same-origin | public | any (where metadata fetches may follow a redirect)',
    )
    .option('--storage-url <url>', 'base URL of the partner\'s storage service ("" clears it)')
    .action(
      defineAction<SetOptions>(env, async (ctx) => {
        const { opts, printer } = ctx;
        const certificate =
          opts.certificateFile === undefined ? undefined : await readCertificateFile(opts.certificateFile);
        const { services } = await ctx.deployment();
        const result = await services.partners.update(opts.identity, {
          trustLevel: opts.trustLevel,
          metadataUrl: opts.metadataUrl,
          certificate,
          ...sharedPartnerInput(opts),
          storageUrl:
            opts.storageUrl === undefined ? undefined : opts.storageUrl === '' ? null : opts.storageUrl,
        });
        printPartner(printer, result);
      }),
    );
  example(
    cmd,
    's2s partner set --identity microsoft.exchange --enabled false',
    's2s partner set --identity microsoft.sharepoint --trust-level Application',
  );
}
