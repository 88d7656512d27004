/** `s2s admin token list`: every API token (never a secret): state, role, expiry. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { tokenRows } from './admin-rows.ts';

export function registerAdminTokenListCommand(token: Command, env: CliEnvironment): void {
  const cmd = token
    .command('list')
    .description('list API tokens: active, expired or revoked')
    .action(
      defineAction(env, async ({ printer, deployment }) => {
        const { services } = await deployment();
        const tokens = await services.admins.listTokens();
        printer.result({ tokens }, () =>
          tokens.length ? tokens.map((t) => formatList(tokenRows(t))).join('\n\n') : 'no API tokens',
        );
      }),
    );
  example(cmd, 's2s admin token list --json');
}
