/** `s2s test` commands (not built yet). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerTestCommands(_program: Command, _env: CliEnvironment): void {}
