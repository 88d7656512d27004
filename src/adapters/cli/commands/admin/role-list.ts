/** `s2s admin role list`: the roles and what each may do. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerAdminRoleCommands(admin: Command, env: CliEnvironment): void {
  const role = admin.command('role').description('administrator roles');
  const cmd = role
    .command('list')
    .description('list the roles and the operations each may run')
    .action(
      defineAction(env, async ({ printer, deployment }) => {
        const { services } = await deployment();
        const roles = await services.admins.roles();
        printer.result({ roles }, () =>
          roles
            .map((r) => `${r.role.padEnd(12)} ${r.description} (${r.operations.length} operations)`)
            .join('\n'),
        );
      }),
    );
  example(cmd, 's2s admin role list', 's2s admin role list --json');
}
