/** `s2s user` commands (not built yet). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerUserCommands(_program: Command, _env: CliEnvironment): void {}
