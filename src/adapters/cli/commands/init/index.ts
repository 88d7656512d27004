/** `s2s init` commands (not built yet). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerInitCommand(_program: Command, _env: CliEnvironment): void {}
