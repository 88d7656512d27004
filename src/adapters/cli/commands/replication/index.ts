/** `s2s replication` commands (not built yet). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerReplicationCommands(_program: Command, _env: CliEnvironment): void {}
