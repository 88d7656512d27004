/** `s2s ca` commands (not built yet). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerCaCommands(_program: Command, _env: CliEnvironment): void {}
