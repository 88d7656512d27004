/** `s2s oauth` commands (not built yet). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerOAuthCommands(_program: Command, _env: CliEnvironment): void {}
