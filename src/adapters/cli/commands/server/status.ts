/** `s2s server status`: whether a server runs for this S2S_HOME, its pid and URL (from the pid file). */
import type { Command } from 'commander';
import { storageError } from '../../../../core/storage/storage-errors.ts';
import { processRunning, readServerPid } from '../../../../config/server-pid-file.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';

export function registerServerStatusCommand(server: Command, env: CliEnvironment): void {
  const cmd = server
    .command('status')
    .description('show whether the server of this S2S_HOME runs (exit 3 when it does not)')
    .action(
      defineAction(env, async ({ opts, printer }) => {
        const { home } = env.resolveConfig(opts);
        const record = readServerPid(home);
        if (!record || !processRunning(record.pid))
          throw storageError(
            'ERR_SERVER_NOT_RUNNING',
            record
              ? `the server of ${home} (pid ${record.pid}) is not running any more`
              : `no server runs for ${home}`,
            { home },
          );
        printer.result({ running: true, ...record }, () =>
          formatList({
            Running: true,
            Pid: record.pid,
            Url: record.url,
            Node: record.node,
            StartedAt: record.startedAt,
            ...(record.workers ? { Workers: `${record.workers} (pid ${record.pid} is their primary)` } : {}),
          }),
        );
      }),
    );
  example(cmd, 's2s server status', 's2s server status --json');
}
