/** `s2s certificate policy set`: the automatic renewal policy of a usage (docs/renewal.md). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { readSecretFile } from '../../secret-file.ts';
import { parseDurationSeconds } from '../oauth/duration.ts';
import { renderPolicies } from './policy-output.ts';

interface PolicySetOptions {
  type: string;
  ca: string;
  renewBefore?: string;
  rollLead?: string;
  template?: string;
  caAccount?: string;
  caPasswordFile?: string;
  acmeEmail?: string;
}

export function registerCertificatePolicySetCommand(policy: Command, env: CliEnvironment): void {
  const cmd = policy
    .command('set')
    .description(
      'renew a usage automatically (or, with --ca manual, only warn) before its certificate expires',
    )
    .requiredOption('--type <usage>', 'OAuthTokenIssuer, WebServicesInternal, WebServicesExternal or Default')
    .requiredOption(
      '--ca <source>',
      'internal, an https:// enrollment URL of another s2s, acme:<https directory URL>, or manual',
    )
    .option('--renew-before <duration>', 'start renewing this long before expiry (30d, 720h, …; default 30d)')
    .option('--roll-lead <duration>', 'stage the successor this long before it signs (default 48h)')
    .option('--template <name>', 'CA template (built-in CA and enrollment; default WebServer)')
    .option('--ca-account <name>', 'enrollment account on the other s2s CA')
    .option(
      '--ca-password-file <path>',
      'file holding the enrollment password, or - for stdin (stored sealed)',
    )
    .option('--acme-email <address>', 'ACME account contact')
    .action(
      defineAction<PolicySetOptions>(env, async ({ opts, printer, ...ctx }) => {
        const renewBeforeSeconds =
          opts.renewBefore === undefined
            ? undefined
            : parseDurationSeconds(opts.renewBefore, '--renew-before');
        const rollLeadSeconds =
          opts.rollLead === undefined ? undefined : parseDurationSeconds(opts.rollLead, '--roll-lead');
        const caPassword =
          opts.caPasswordFile === undefined ? undefined : await readSecretFile(opts.caPasswordFile, ctx.io);
        const { services } = await ctx.deployment();
        const result = await services.renewal.setPolicy({
          usage: opts.type,
          ca: opts.ca,
          renewBeforeSeconds,
          rollLeadSeconds,
          template: opts.template,
          caAccount: opts.caAccount,
          caPassword,
          acmeEmail: opts.acmeEmail,
        });
        printer.warnAll(result.warnings);
        printer.result({ policy: result.policy }, () => renderPolicies([result.policy]));
      }),
    );
  example(
    cmd,
    's2s certificate policy set --type OAuthTokenIssuer --renew-before 30d --roll-lead 48h --ca internal',
    's2s certificate policy set --type WebServicesExternal --ca acme:https://acme-v02.api.letsencrypt.org/directory --acme-email pki@contoso.com',
    's2s certificate policy set --type Default --ca https://ca.contoso.com:8443 --ca-account enroller --ca-password-file ./pw',
  );
}
