/**
 * `s2s partner test --identity …` (Test-CsPartnerApplication-like): the trust with one partner in both
 * directions, step by step — its metadata and keys, a token for it, and a call to its metadata-protected
 * endpoint — without touching a mailbox (docs/storage.md "Partner trust test").
 */
import type { Command } from 'commander';
import { S2sError } from '../../../../core/shared/errors.ts';
import type { PartnerTestStep } from '../../../../services/storage/partner-trust-test.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

function line(step: PartnerTestStep): string {
  const mark = step.status === 'passed' ? '✔' : step.status === 'failed' ? '✖' : '↓';
  const info = step.status === 'failed' ? step.error?.message : step.detail;
  return `${mark} ${step.title}${info ? ` — ${info}` : ''}`;
}

export function registerPartnerTestCommand(partner: Command, env: CliEnvironment): void {
  example(
    partner
      .command('test')
      .description(
        'check the trust with a partner: fetch its metadata, issue a token for it and call its metadata-protected endpoint (exit 0 only when every step passed)',
      )
      .requiredOption('--identity <name>', 'the partner application (s2s partner get)')
      .action(
        defineAction<{ identity: string }>(env, async ({ opts, printer, io, deployment }) => {
          const { services } = await deployment();
          try {
            const report = await services.storage.testPartnerTrust(opts.identity);
            printer.result({ ...report, passed: true }, () =>
              [...report.steps.map(line), `trust with ${report.partner}: passed`].join('\n'),
            );
          } catch (err) {
            if (!(err instanceof S2sError) || !Array.isArray(err.details.steps)) throw err;
            const steps = err.details.steps as PartnerTestStep[];
            if (!printer.json) io.stdout.write(`${steps.map(line).join('\n')}\n`);
            const fix = steps.find((s) => s.status === 'failed')?.error?.fix;
            throw fix
              ? new S2sError(err.code, err.category, `${err.message} — fix: ${fix}`, err.details, {
                  cause: err,
                })
              : err;
          }
        }),
      ),
    's2s partner test --identity microsoft.exchange',
    's2s partner test --identity microsoft.exchange --json',
  );
}
