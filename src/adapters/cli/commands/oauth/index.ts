/** `s2s oauth …` (Get/Set-CsOAuthConfiguration; docs/protocol.md §5.2). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerOAuthGetCommand } from './get.ts';
import { registerOAuthSetCommand } from './set.ts';

export function registerOAuthCommands(program: Command, env: CliEnvironment): void {
  const oauth = program
    .command('oauth')
    .description('the global OAuth configuration: realm, service name, lifetimes');
  registerOAuthGetCommand(oauth, env);
  registerOAuthSetCommand(oauth, env);
}
