/** `s2s user list`: every provisioned user. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { userRows } from './add.ts';

export function registerUserListCommand(user: Command, env: CliEnvironment): void {
  const cmd = user
    .command('list')
    .description('list the provisioned users')
    .action(
      defineAction(env, async ({ printer, deployment }) => {
        const { services } = await deployment();
        const users = await services.storage.listUsers();
        printer.result({ users }, () =>
          users.length ? users.map((u) => formatList(userRows(u))).join('\n\n') : 'no users',
        );
      }),
    );
  example(cmd, 's2s user list --json');
}
