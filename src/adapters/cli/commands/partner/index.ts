/** `s2s partner` commands (not built yet). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerPartnerCommands(_program: Command, _env: CliEnvironment): void {}
