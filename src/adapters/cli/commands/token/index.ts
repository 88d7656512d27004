/** `s2s token` commands (not built yet). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerTokenCommands(_program: Command, _env: CliEnvironment): void {}
