/** `s2s ca template list|add|remove`: certificate templates (WebServer by default). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import type { SanPolicy } from '../../../../ca/index.ts';

interface AddOptions {
  name: string;
  displayName?: string;
  keyUsage: string;
  eku?: string;
  validityDays: string;
  sanPolicy: string;
  allowWildcard?: boolean;
  allowIpAddresses?: boolean;
  minKeySize: string;
}

const list = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

export function registerCaTemplateCommands(ca: Command, env: CliEnvironment): void {
  const template = ca.command('template').description('certificate templates of the CA');
  example(
    template
      .command('list')
      .description('list the templates')
      .action(
        defineAction(env, async ({ printer, deployment }) => {
          const templates = await (await deployment()).services.ca.authority.listTemplates();
          printer.result({ templates }, () =>
            templates
              .map(
                (t) =>
                  `${t.name.padEnd(20)} ${t.keyUsages.join('+')}  EKU ${t.extendedKeyUsages.join('+') || '-'}  ${t.validityDays} days  SANs ${t.sanPolicy}`,
              )
              .join('\n'),
          );
        }),
      ),
    's2s ca template list',
  );
  example(
    template
      .command('add')
      .description('add a custom template')
      .requiredOption('--name <name>', 'template name (what `--template` takes)')
      .option('--display-name <text>', 'display name')
      .option('--key-usage <list>', 'key usages, comma-separated', 'digitalSignature,keyEncipherment')
      .option('--eku <list>', 'extended key usages: serverAuth, clientAuth, … or OIDs, comma-separated')
      .option('--validity-days <days>', 'validity in days', '730')
      .option('--san-policy <policy>', 'copy | dns-only | none', 'copy')
      .option('--min-key-size <bits>', 'smallest RSA key accepted', '2048')
      .option('--allow-wildcard', 'enrollment may certify wildcard names (*.domain)')
      .option('--allow-ip-addresses', 'enrollment may certify IP addresses')
      .action(
        defineAction<AddOptions>(env, async ({ opts, printer, deployment }) => {
          const validityDays = Number(opts.validityDays);
          const minimumRsaKeySize = Number(opts.minKeySize);
          if (!Number.isInteger(validityDays) || !Number.isInteger(minimumRsaKeySize))
            throw sharedError('ERR_USAGE', '--validity-days and --min-key-size take whole numbers');
          const added = await (
            await deployment()
          ).services.ca.authority.addTemplate({
            name: opts.name,
            displayName: opts.displayName ?? opts.name,
            keyUsages: list(opts.keyUsage),
            extendedKeyUsages: list(opts.eku),
            validityDays,
            sanPolicy: opts.sanPolicy as SanPolicy,
            minimumRsaKeySize,
            ...(opts.allowWildcard ? { allowWildcard: true } : {}),
            ...(opts.allowIpAddresses ? { allowIpAddresses: true } : {}),
          });
          printer.result({ template: added }, () => `template ${added.name} added`);
        }),
      ),
    's2s ca template add --name WebServerClient --eku serverAuth,clientAuth --validity-days 365',
  );
  example(
    template
      .command('remove')
      .description('remove a custom template')
      .requiredOption('--name <name>', 'template name')
      .action(
        defineAction<{ name: string }>(env, async ({ opts, printer, deployment }) => {
          await (await deployment()).services.ca.authority.removeTemplate(opts.name);
          printer.result({ removed: opts.name }, () => `template ${opts.name} removed`);
        }),
      ),
    's2s ca template remove --name WebServerClient',
  );
}
