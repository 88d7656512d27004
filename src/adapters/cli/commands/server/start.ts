/** `s2s server start`: runs the HTTPS server until SIGINT/SIGTERM (docs/server.md). */
import type { Command } from 'commander';
import { withProgress } from '../../progress.ts';
import { defineAction, example } from '../../cli-context.ts';
import type { CliEnvironment } from '../../cli-context.ts';
import { sharedError } from '../../../../core/shared/shared-errors.ts';

interface StartFlags {
  listen?: string;
  adminListen?: string;
  bootstrap?: boolean;
  workers?: string;
}

export function registerServerStartCommand(server: Command, env: CliEnvironment): void {
  const cmd = server
    .command('start')
    .description('serve HTTPS with the WebServicesInternal (else Default) certificate until interrupted')
    .option('--listen <host:port>', 'listen address (env S2S_LISTEN, default 127.0.0.1:8443)')
    .option(
      '--admin-listen <host:port>',
      'serve the administration API only on this management address (env S2S_ADMIN_LISTEN)',
    )
    .option(
      '--workers <n>',
      'server processes, 1-64 (env S2S_WORKERS, default one per core; 1 serves in this process)',
    )
    .option(
      '--bootstrap',
      'on a fresh deployment: initialize the store, create self-managed certificates and a demo user',
    )
    .action(
      defineAction<StartFlags>(env, async ({ opts, printer }) => {
        if (!env.startServer) throw sharedError('ERR_USAGE', 'this environment cannot start a server');
        const start = (f: Parameters<typeof env.startServer>[0]) => env.startServer!(f);
        const flags = {
          ...opts,
          listen: opts.listen,
          adminListen: opts.adminListen,
          workers: opts.workers,
          bootstrap: opts.bootstrap === true,
        };
        const started = opts.bootstrap
          ? await withProgress(
              env.io,
              printer.json,
              'Bootstrapping (store, master key, certificates) and starting the server',
              () => start(flags),
            )
          : await start(flags);
        printer.result({ ...started.details }, () => started.lines.join('\n'));
        await started.closed;
      }),
    );
  example(
    cmd,
    'npm start        # = s2s server start --bootstrap',
    's2s server start --listen 0.0.0.0:443 --node fe01.contoso.com',
    's2s server start --workers 4   # four server processes (default: one per core)',
  );
}
