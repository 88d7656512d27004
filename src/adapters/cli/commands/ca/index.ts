/** `s2s ca …`: the deployment's built-in certification authority (docs/ca.md). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerCaInitCommand } from './init.ts';
import { registerCaShowCommand } from './show.ts';
import { registerCaExportRootCommand } from './export-root.ts';
import { registerCaTemplateCommands } from './template.ts';
import { registerCaAccountCommands } from './account.ts';
import { registerCaIssuedCommand } from './issued.ts';
import { registerCaRevokeCommand } from './revoke.ts';
import { registerCaCrlCommand } from './crl.ts';

export function registerCaCommands(program: Command, env: CliEnvironment): void {
  const ca = program
    .command('ca')
    .description('the built-in certification authority: init, templates, accounts, revocation, CRL');
  registerCaInitCommand(ca, env);
  registerCaShowCommand(ca, env);
  registerCaExportRootCommand(ca, env);
  registerCaTemplateCommands(ca, env);
  registerCaAccountCommands(ca, env);
  registerCaIssuedCommand(ca, env);
  registerCaRevokeCommand(ca, env);
  registerCaCrlCommand(ca, env);
}
