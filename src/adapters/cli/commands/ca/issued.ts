/** `s2s ca issued`: the issuance log. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerCaIssuedCommand(ca: Command, env: CliEnvironment): void {
  const cmd = ca
    .command('issued')
    .description('list every certificate the CA issued (serial, subject, template, account, revocation)')
    .action(
      defineAction(env, async ({ printer, deployment }) => {
        const issued = (await (await deployment()).services.ca.authority.issued()).map(
          ({ certificate: _der, ...rest }) => rest,
        );
        printer.result({ issued }, () =>
          issued
            .map(
              (i) =>
                `${i.serialNumber}  ${i.subject}  ${i.template}  ${i.account ?? 'local'}  ${i.issuedAt}${i.revokedAt ? `  REVOKED ${i.revokedAt}` : ''}`,
            )
            .join('\n'),
        );
      }),
    );
  example(cmd, 's2s ca issued', 's2s ca issued --json');
}
