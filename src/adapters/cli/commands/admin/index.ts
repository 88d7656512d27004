/** `s2s admin …`: administrators, roles and API tokens of the administration API (docs/admin.md). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerAdminAddCommand } from './add.ts';
import { registerAdminSetCommand } from './set.ts';
import { registerAdminGetCommand } from './get.ts';
import { registerAdminListCommand } from './list.ts';
import { registerAdminRemoveCommand } from './remove.ts';
import { registerAdminRoleCommands } from './role-list.ts';
import { registerAdminTokenNewCommand } from './token-new.ts';
import { registerAdminTokenListCommand } from './token-list.ts';
import { registerAdminTokenRevokeCommand } from './token-revoke.ts';

export function registerAdminCommands(program: Command, env: CliEnvironment): void {
  const admin = program.command('admin').description('administrators, roles and API tokens');
  registerAdminAddCommand(admin, env);
  registerAdminSetCommand(admin, env);
  registerAdminGetCommand(admin, env);
  registerAdminListCommand(admin, env);
  registerAdminRemoveCommand(admin, env);
  registerAdminRoleCommands(admin, env);
  const token = admin.command('token').description('API tokens for the administration API');
  registerAdminTokenNewCommand(token, env);
  registerAdminTokenListCommand(token, env);
  registerAdminTokenRevokeCommand(token, env);
}
