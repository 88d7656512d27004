/** `s2s admin get`: one administrator (never its password hash). */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { adminRows } from './admin-rows.ts';

export function registerAdminGetCommand(admin: Command, env: CliEnvironment): void {
  const cmd = admin
    .command('get')
    .description('show one administrator: role, state, failed sign-ins, lockout')
    .requiredOption('--name <name>', 'the administrator')
    .action(
      defineAction<{ name: string }>(env, async ({ opts, printer, deployment }) => {
        const { services } = await deployment();
        const found = await services.admins.get(opts.name);
        printer.result({ admin: found }, () => formatList(adminRows(found)));
      }),
    );
  example(cmd, 's2s admin get --name alice');
}
