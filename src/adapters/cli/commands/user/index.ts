/** `s2s user …`: the users of the storage service (resolved from act-as tokens, docs/protocol.md §2.6 step 5). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerUserAddCommand } from './add.ts';
import { registerUserGetCommand } from './get.ts';
import { registerUserListCommand } from './list.ts';
import { registerUserRemoveCommand } from './remove.ts';

export function registerUserCommands(program: Command, env: CliEnvironment): void {
  const user = program.command('user').description('users whose mailboxes the storage service holds');
  registerUserAddCommand(user, env);
  registerUserGetCommand(user, env);
  registerUserListCommand(user, env);
  registerUserRemoveCommand(user, env);
}
