/** `s2s metadata …`: our authentication metadata document (docs/protocol.md §1). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerMetadataShowCommand } from './show.ts';

export function registerMetadataCommands(program: Command, env: CliEnvironment): void {
  const metadata = program
    .command('metadata')
    .description('our authentication metadata document, OIDC discovery and JWKS');
  registerMetadataShowCommand(metadata, env);
}
