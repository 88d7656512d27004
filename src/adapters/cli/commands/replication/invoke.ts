/**
 * `s2s replication invoke [--rebuild]` [Invoke-CsManagementStoreReplication]: this node (S2S_HOME,
 * --node) re-syncs its replica with the central store now, or rebuilds it from one full consistent copy
 * (docs/replication.md "Invoke"). Through the running server of the home when there is one.
 */
import type { Command } from 'commander';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';

interface InvokeFlags {
  rebuild?: boolean;
  wait: string;
}

export function registerReplicationInvokeCommand(replication: Command, env: CliEnvironment): void {
  example(
    replication
      .command('invoke')
      .description(
        "re-sync this node's local replica with the central store now, or with --rebuild replace it with a full copy (through the running server of this S2S_HOME, else directly)",
      )
      .option('--rebuild', 'rebuild the replica from one full consistent copy of the central store')
      .option('--wait <seconds>', "how long to wait for the running server's answer", '60')
      .action(
        defineAction<InvokeFlags>(env, async ({ opts, printer }) => {
          const waitS = Number(opts.wait);
          if (!Number.isFinite(waitS) || waitS <= 0)
            throw sharedError(
              'ERR_INVALID_INPUT',
              `--wait must be a positive number of seconds, got ${opts.wait}`,
            );
          if (!env.invokeReplication)
            throw sharedError('ERR_USAGE', 'this environment has no replica to invoke');
          const result = await env.invokeReplication(opts, {
            rebuild: opts.rebuild === true,
            waitMs: waitS * 1000,
          });
          printer.result({ ...result }, () =>
            formatList({
              Node: result.node,
              Action: result.rebuilt ? 'rebuilt from a full copy of the central store' : 're-synced',
              Through:
                result.via === 'server'
                  ? `the running server (pid ${result.pid})`
                  : 'this command (no server runs)',
              AppliedVersion: result.appliedVersion,
            }),
          );
        }),
      ),
    's2s replication invoke --node lync-fe01.litwareinc.com',
    's2s replication invoke --rebuild --json',
  );
}
