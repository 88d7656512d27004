/** `s2s trusted-root` commands (not built yet). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerTrustedRootCommands(_program: Command, _env: CliEnvironment): void {}
