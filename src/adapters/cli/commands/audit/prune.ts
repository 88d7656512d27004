/** `s2s audit prune`: deletes entries older than an age (at least one day); the pruning is itself audited. */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerAuditPruneCommand(audit: Command, env: CliEnvironment): void {
  const cmd = audit
    .command('prune')
    .description('delete audit entries older than an age (at least 1d); recorded as an audit entry itself')
    .requiredOption('--older-than <age>', 'an age (90d, 48h) or an ISO 8601 date')
    .action(
      defineAction<{ olderThan: string }>(env, async ({ opts, printer, deployment }) => {
        const { services } = await deployment();
        const result = await services.audit.prune({ olderThan: opts.olderThan });
        printer.result(
          result,
          () =>
            `${result.deleted} audit entr${result.deleted === 1 ? 'y' : 'ies'} before ${result.before} deleted`,
        );
      }),
    );
  example(cmd, 's2s audit prune --older-than 365d');
}
