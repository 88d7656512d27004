/**
 * `s2s certificate get` (Get-CsCertificate): the assigned certificates, current, previous and staged, with
 * what automatic renewal does next and when (docs/renewal.md), and partners whose certificates lapse soon.
 */
import type { Command } from 'commander';
import type { Warning } from '../../../../core/index.ts';
import type { RenewalStatus } from '../../../../services/index.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { renderAssignments } from './certificate-output.ts';

interface GetOptions {
  type?: string;
  identity?: string;
}

export function registerCertificateGetCommand(certificate: Command, env: CliEnvironment): void {
  const cmd = certificate
    .command('get')
    .description(
      'show the certificate assigned to each usage (current, previous, staged roll) and its next renewal action',
    )
    .option('--type <usage>', 'only this usage')
    .option('--identity <global|fqdn>', 'only this scope')
    .action(
      defineAction<GetOptions>(env, async ({ opts, printer, ...ctx }) => {
        const { services, clock } = await ctx.deployment();
        const result = await services.certificates.get({
          ...(opts.type !== undefined ? { usage: opts.type } : {}),
          ...(opts.identity !== undefined ? { identity: opts.identity } : {}),
        });
        const renewal = new Map(
          (await services.renewal.status()).map((s) => [`${s.identity}/${s.usage}`, s]),
        );
        const assignments = result.assignments.map((v) => {
          const s = renewal.get(`${v.Identity}/${v.Use}`);
          // Only under a renewal policy: without one, the output is Get-CsCertificate's as before.
          return s && s.renewalSource !== null ? { ...v, ...renewalFields(s) } : v;
        });
        const partners = opts.type === undefined ? await services.renewal.partnerExpiries() : [];
        printer.warnAll([
          ...result.warnings,
          ...[...renewal.values()].flatMap((s) => renewalWarnings(s, clock.now())),
          ...partners.map((p): Warning => ({
            code: 'WARN_PARTNER_CERTIFICATE_EXPIRES_SOON',
            message: `partner ${p.partner}: its newest signing certificate ${p.thumbprint} expires on ${p.notAfter}`,
            details: { ...p },
          })),
        ]);
        printer.result({ assignments, partnersExpiringSoon: partners }, () => renderAssignments(assignments));
      }),
    );
  example(cmd, 's2s certificate get --type OAuthTokenIssuer', 's2s certificate get --json');
}

/** Get-CsCertificate style properties of the renewal status. */
function renewalFields(s: RenewalStatus) {
  return {
    RenewalSource: s.renewalSource,
    NextAction: s.nextAction,
    NextActionDate: s.nextActionDate,
    RenewalFailures: s.failures,
    LastRenewalError: s.lastError ? `${s.lastError.code} at ${s.lastError.at}: ${s.lastError.message}` : null,
  };
}

function renewalWarnings(s: RenewalStatus, now: Date): Warning[] {
  if (s.failures > 0)
    return [
      {
        code: 'WARN_CERTIFICATE_RENEWAL_FAILING',
        message: `renewal of the ${s.usage} certificate (${s.identity}) failed ${s.failures} time(s); next attempt ${s.nextActionDate ?? 'unknown'}`,
        details: { usage: s.usage, identity: s.identity, failures: s.failures, lastError: s.lastError },
      },
    ];
  if (
    s.nextAction === 'renew-manually' &&
    s.nextActionDate !== null &&
    Date.parse(s.nextActionDate) <= now.getTime()
  )
    return [
      {
        code: 'WARN_CERTIFICATE_RENEWAL_MANUAL',
        message: `the ${s.usage} certificate (${s.identity}) is in its renewal window and its policy is manual: renew it by hand before ${s.notAfter}`,
        details: { usage: s.usage, identity: s.identity, notAfter: s.notAfter },
      },
    ];
  return [];
}
