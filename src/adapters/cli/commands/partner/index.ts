/** `s2s partner …` (New/Get/Set/Remove-CsPartnerApplication; docs/protocol.md §5.1). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerPartnerNewCommand } from './new.ts';
import { registerPartnerGetCommand } from './get.ts';
import { registerPartnerSetCommand } from './set.ts';
import { registerPartnerRemoveCommand } from './remove.ts';
import { registerPartnerRefreshCommand } from './refresh.ts';
import { registerPartnerTestCommand } from './test.ts';

export function registerPartnerCommands(program: Command, env: CliEnvironment): void {
  const partner = program
    .command('partner')
    .description('partner applications: the servers whose tokens we accept');
  registerPartnerNewCommand(partner, env);
  registerPartnerGetCommand(partner, env);
  registerPartnerSetCommand(partner, env);
  registerPartnerRemoveCommand(partner, env);
  registerPartnerRefreshCommand(partner, env);
  registerPartnerTestCommand(partner, env);
}
