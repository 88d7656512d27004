/**
 * `s2s test storage-connectivity` [Test-CsExStorageConnectivity] (docs/protocol.md §5.5): writes a test item
 * into a user's mailbox on the partner, reads it back and optionally deletes it, step by step.
 */
import type { Command } from 'commander';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { S2sError } from '../../../../core/shared/errors.ts';
import type { ConnectivityStep } from '../../../../services/storage/connectivity-steps.ts';
import { formatStep, listrProgress, plainProgress } from './connectivity-progress.ts';
import type { ConnectivityProgress } from './connectivity-progress.ts';

interface ConnectivityFlags {
  sipUri: string;
  partner?: string;
  folder: string;
  deleteItem?: boolean;
}

export function registerStorageConnectivityCommand(test: Command, env: CliEnvironment): void {
  const cmd = test
    .command('storage-connectivity')
    .description(
      "write a test item into a user's mailbox on the partner's storage service (and delete it with --delete-item)",
    )
    .requiredOption('--sip-uri <sip uri>', 'the user, e.g. sip:kenmyer@litwareinc.com')
    .option(
      '--partner <identity>',
      'partner application to test (default: the only Exchange partner, else the only partner)',
    )
    .option('--folder <folder>', 'ConversationHistory, Inbox or Dumpster', 'ConversationHistory')
    .option('--delete-item', 'delete the test item afterwards')
    .action(
      defineAction<ConnectivityFlags>(env, async ({ opts, printer, io, deployment }) => {
        const { services } = await deployment();
        const progress = chooseProgress(printer.json, io.stderr);
        try {
          const report = await services.storage.testConnectivity({
            sipUri: opts.sipUri,
            partner: opts.partner,
            folder: opts.folder,
            deleteItem: opts.deleteItem,
            onStep: (e) => progress?.onStep(e),
          });
          await progress?.finish();
          if (!report.deleted)
            printer.warn({
              code: 'WARN_TEST_ITEM_LEFT',
              message: `test item ${report.itemId} was left in ${report.folder} on ${report.partner}`,
            });
          printer.result(
            { ...report, passed: true },
            () => `storage connectivity to ${report.partner} for ${report.sipUri}: passed`,
          );
        } catch (err) {
          await progress?.finish();
          throw explain(err);
        }
      }),
    );
  example(
    cmd,
    's2s test storage-connectivity --sip-uri sip:kenmyer@litwareinc.com --delete-item',
    's2s test storage-connectivity --sip-uri sip:kenmyer@litwareinc.com --partner exchange --folder Inbox --json',
  );
}

function chooseProgress(
  json: boolean,
  stderr: { write(s: string): unknown; isTTY?: boolean | undefined },
): ConnectivityProgress | null {
  if (json) return null;
  // listr2 redraws on the process's own terminal stream; any other stream gets plain lines.
  return stderr === process.stderr && process.stderr.isTTY
    ? listrProgress(process.stderr)
    : plainProgress(stderr);
}

/** Adds the failing step's fix to the one-line message (the steps stay in `details` for --json). */
function explain(err: unknown): unknown {
  if (!(err instanceof S2sError)) return err;
  const steps = (err.details.steps ?? []) as ConnectivityStep[];
  const failed = steps.find((s) => s.status === 'failed');
  if (!failed?.error?.fix) return err;
  return new S2sError(err.code, err.category, `${err.message} — fix: ${failed.error.fix}`, err.details, {
    cause: err,
  });
}

export { formatStep };
