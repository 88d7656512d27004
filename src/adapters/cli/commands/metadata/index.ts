/** `s2s metadata` commands (not built yet). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerMetadataCommands(_program: Command, _env: CliEnvironment): void {}
