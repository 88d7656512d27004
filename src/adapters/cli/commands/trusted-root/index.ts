/** `s2s trusted-root add|list|export|remove`: the deployment's trusted root CAs (docs/ca.md). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerTrustedRootAddCommand } from './add.ts';
import { registerTrustedRootListCommand } from './list.ts';
import { registerTrustedRootExportCommand } from './export.ts';
import { registerTrustedRootRemoveCommand } from './remove.ts';

export function registerTrustedRootCommands(program: Command, env: CliEnvironment): void {
  const root = program
    .command('trusted-root')
    .description('root CAs the deployment trusts (certificate status, enrollment and metadata TLS)');
  registerTrustedRootAddCommand(root, env);
  registerTrustedRootListCommand(root, env);
  registerTrustedRootExportCommand(root, env);
  registerTrustedRootRemoveCommand(root, env);
}
