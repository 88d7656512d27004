/** `s2s token …`: issue a token for a partner, explain why a token is accepted or refused (docs/protocol.md §2). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerTokenNewCommand } from './new.ts';
import { registerTokenTestCommand } from './test.ts';

export function registerTokenCommands(program: Command, env: CliEnvironment): void {
  const token = program.command('token').description('issue S2S tokens and explain their validation');
  registerTokenNewCommand(token, env);
  registerTokenTestCommand(token, env);
}
