/** `s2s server stop`: asks the server of this S2S_HOME to stop (SIGTERM) and waits until it has. */
import type { Command } from 'commander';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { storageError } from '../../../../core/storage/storage-errors.ts';
import { processRunning, readServerPid } from '../../../../config/server-pid-file.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';

export function registerServerStopCommand(server: Command, env: CliEnvironment): void {
  const cmd = server
    .command('stop')
    .description('stop the server of this S2S_HOME gracefully and wait for it')
    .option('--wait <seconds>', 'how long to wait for it to finish', '30')
    .action(
      defineAction<{ wait: string }>(env, async ({ opts, printer }) => {
        const waitSeconds = Number(opts.wait);
        if (!Number.isFinite(waitSeconds) || waitSeconds <= 0)
          throw sharedError('ERR_USAGE', `--wait ${opts.wait} is not a positive number of seconds`);
        const { home } = env.resolveConfig(opts);
        const record = readServerPid(home);
        if (!record || !processRunning(record.pid))
          throw storageError('ERR_SERVER_NOT_RUNNING', `no server runs for ${home}`, { home });
        process.kill(record.pid, 'SIGTERM');
        // The wait is the operator's choice; the server's own shutdown decides when it ends.
        const deadline = Date.now() + waitSeconds * 1000;
        while (processRunning(record.pid)) {
          if (Date.now() > deadline)
            throw storageError(
              'ERR_SERVER_STOP_TIMEOUT',
              `pid ${record.pid} still runs ${waitSeconds} s after SIGTERM`,
              { pid: record.pid },
            );
          await new Promise((r) => setTimeout(r, 100));
        }
        printer.result({ stopped: true, pid: record.pid }, () => `stopped the server (pid ${record.pid})`);
      }),
    );
  example(cmd, 's2s server stop', 's2s server stop --wait 60 --json');
}
