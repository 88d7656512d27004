/** `s2s test …`: end-to-end checks of a configuration (Test-Cs… cmdlets). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerStorageConnectivityCommand } from './storage-connectivity.ts';

export function registerTestCommands(program: Command, env: CliEnvironment): void {
  const test = program.command('test').description('end-to-end checks of the S2S configuration');
  registerStorageConnectivityCommand(test, env);
}
