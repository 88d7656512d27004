/** `s2s admin list`: every administrator. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { adminRows } from './admin-rows.ts';

export function registerAdminListCommand(admin: Command, env: CliEnvironment): void {
  const cmd = admin
    .command('list')
    .description('list the administrators')
    .action(
      defineAction(env, async ({ printer, deployment }) => {
        const { services } = await deployment();
        const admins = await services.admins.list();
        printer.result({ admins }, () =>
          admins.length ? admins.map((a) => formatList(adminRows(a))).join('\n\n') : 'no administrators',
        );
      }),
    );
  example(cmd, 's2s admin list --json');
}
