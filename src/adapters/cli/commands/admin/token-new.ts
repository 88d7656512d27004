/** `s2s admin token new`: a named API token with a role and an expiry, shown once (stored hashed). */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { tokenRows } from './admin-rows.ts';

interface NewOptions {
  name: string;
  role: string;
  expires: string;
  output?: string;
}

export function registerAdminTokenNewCommand(token: Command, env: CliEnvironment): void {
  const cmd = token
    .command('new')
    .description('create an API token for the administration API; it is shown once, only its hash is kept')
    .requiredOption('--name <name>', 'what the token is for (it appears in the audit log as token:<name>)')
    .requiredOption('--role <role>', 'full | certificate | partner | read-only')
    .requiredOption('--expires <when>', 'a duration (90d, 12h) or an ISO 8601 date, at most 366 days ahead')
    .option('--output <file>', 'write the token to this new file (mode 0600) instead of standard output')
    .action(
      defineAction<NewOptions>(env, async ({ opts, printer, deployment }) => {
        const { services } = await deployment();
        const created = await services.admins.newToken({
          name: opts.name,
          role: opts.role,
          expires: opts.expires,
        });
        if (opts.output !== undefined) {
          try {
            await writeFile(opts.output, `${created.token}\n`, { mode: 0o600, flag: 'wx' });
          } catch (err) {
            throw sharedError(
              'ERR_INVALID_INPUT',
              `cannot create ${opts.output} (${(err as { code?: string }).code ?? 'error'}); token ${created.tokenInfo.id} was created: revoke it with s2s admin token revoke --id ${created.tokenInfo.id}`,
              { path: opts.output },
            );
          }
          printer.result(
            { tokenInfo: created.tokenInfo, output: opts.output },
            () => `${formatList(tokenRows(created.tokenInfo))}\nthe token was written to ${opts.output}`,
          );
          return;
        }
        printer.result(
          { token: created.token, tokenInfo: created.tokenInfo },
          () => `${formatList(tokenRows(created.tokenInfo))}\n\n${created.token}\n(shown once: store it now)`,
        );
      }),
    );
  example(
    cmd,
    's2s admin token new --name ci --role certificate --expires 90d --output ./ci.token',
    's2s admin token new --name auditor --role read-only --expires 2027-06-30T00:00:00Z',
  );
}
