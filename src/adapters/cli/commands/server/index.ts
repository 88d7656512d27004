/** `s2s server` commands (not built yet). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerServerCommands(_program: Command, _env: CliEnvironment): void {}
