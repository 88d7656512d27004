/** `s2s certificate` commands (not built yet). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerCertificateCommands(_program: Command, _env: CliEnvironment): void {}
