/** `s2s ca revoke`: revokes an issued certificate; it is listed in the CRL from then on. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import type { x509 } from '../../../../ca/index.ts';

/** CRLReason codes (RFC 5280 §5.3.1), as numbers: naming them loads no X.509 library. */
const REASONS: Readonly<Record<string, x509.X509CrlReason>> = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
};

export function registerCaRevokeCommand(ca: Command, env: CliEnvironment): void {
  const cmd = ca
    .command('revoke')
    .description('revoke a certificate issued by the CA (RFC 5280 reason codes)')
    .requiredOption('--serial <hex>', 'serial number as `s2s ca issued` shows it')
    .option('--reason <reason>', `one of ${Object.keys(REASONS).join(', ')}`, 'unspecified')
    .action(
      defineAction<{ serial: string; reason: string }>(env, async ({ opts, printer, deployment }) => {
        const reason = REASONS[opts.reason];
        if (reason === undefined)
          throw sharedError('ERR_USAGE', `--reason must be one of ${Object.keys(REASONS).join(', ')}`);
        const revoked = await (await deployment()).services.ca.authority.revoke(opts.serial, reason);
        printer.result(
          { serialNumber: revoked.serialNumber, revokedAt: revoked.revokedAt },
          () => `certificate ${revoked.serialNumber} (${revoked.subject}) revoked at ${revoked.revokedAt}`,
        );
      }),
    );
  example(cmd, 's2s ca revoke --serial 5f1c…e2 --reason superseded');
}
