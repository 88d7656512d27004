/** `s2s admin token revoke`: a token stops working at once (on every pool node once replicated). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { tokenRows } from './admin-rows.ts';

export function registerAdminTokenRevokeCommand(token: Command, env: CliEnvironment): void {
  const cmd = token
    .command('revoke')
    .description('revoke an API token')
    .requiredOption('--id <id>', 'the token id (s2s admin token list)')
    .action(
      defineAction<{ id: string }>(env, async ({ opts, printer, deployment }) => {
        const { services } = await deployment();
        const revoked = await services.admins.revokeToken(opts.id);
        printer.result({ tokenInfo: revoked }, () => formatList(tokenRows(revoked)));
      }),
    );
  example(cmd, 's2s admin token revoke --id 3f2a9c0d5e6b7a81');
}
