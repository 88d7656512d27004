/** `s2s audit …`: the audit log of every change (docs/admin.md "Audit log"). */
import type { Command } from 'commander';
import type { CliEnvironment } from '../../cli-context.ts';
import { registerAuditListCommand } from './list.ts';
import { registerAuditPruneCommand } from './prune.ts';

export function registerAuditCommands(program: Command, env: CliEnvironment): void {
  const audit = program
    .command('audit')
    .description('the audit log: every change, who made it, and refusals');
  registerAuditListCommand(audit, env);
  registerAuditPruneCommand(audit, env);
}
