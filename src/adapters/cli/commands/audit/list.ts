/** `s2s audit list`: the audit log, oldest first, by time and actor. */
import type { Command } from 'commander';
import type { AuditEntry } from '../../../../core/index.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

interface ListOptions {
  since?: string;
  actor?: string;
  limit?: string;
}

export function registerAuditListCommand(audit: Command, env: CliEnvironment): void {
  const cmd = audit
    .command('list')
    .description('list audit entries: who, role, from where, what, before/after (secrets redacted), outcome')
    .option('--since <when>', 'an ISO 8601 date or an age (24h, 7d, 30m)')
    .option('--actor <name>', 'only this actor (administrator, token:<name>, or OS user)')
    .option('--limit <n>', 'at most this many, the newest (default 1000)')
    .action(
      defineAction<ListOptions>(env, async ({ opts, printer, deployment }) => {
        const { services } = await deployment();
        const entries = await services.audit.list({
          since: opts.since,
          actor: opts.actor,
          ...(opts.limit === undefined ? {} : { limit: Number(opts.limit) }),
        });
        printer.result({ entries }, () =>
          entries.length ? entries.map(auditLine).join('\n') : 'no audit entries',
        );
      }),
    );
  example(cmd, 's2s audit list --since 24h', 's2s audit list --actor alice --json');
}

/** One human line per entry, then one indented line per changed document. */
export function auditLine(e: AuditEntry): string {
  const who = `${e.actor.name} (${e.actor.role ?? 'no role'}, ${e.actor.via} from ${e.actor.from})`;
  const head = `${e.at}  ${e.outcome.padEnd(7)}  ${who}  ${e.operation}${e.command ? ` [${e.command}]` : ''}${
    e.error ? `  ${e.error.code}` : ''
  }`;
  const changes = e.changes.map(
    (c) => `    ${c.op} ${c.kind}/${c.key}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`,
  );
  return [head, ...changes].join('\n');
}
