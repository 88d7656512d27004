/**
 * `s2s server start` in one process (docs/server.md; `--workers 1`, or a one-core machine): opens the
 * deployment, bootstraps it when asked, starts the server, prints where it is, and shuts down gracefully
 * on SIGINT/SIGTERM.
 */
import { mkdirSync } from 'node:fs';
import type { CliIo } from '../adapters/cli/index.ts';
import type { ServerStartFlags, StartedServer } from '../adapters/cli/cli-context.ts';
import { resolveNodeConfig } from '../config/node-config.ts';
import { removeServerPid, writeServerPid } from '../config/server-pid-file.ts';
import { finishBootstrap, prepareBootstrap } from './bootstrap.ts';
import { bannerLines, describeServer } from './server-banner.ts';
import { openDeployment } from './deployment.ts';
import type { DeploymentOptions } from './deployment.ts';
import { createServerLogger } from './server-logger.ts';
import { untilStopSignal } from './stop-signal.ts';
import { startServer } from './server.ts';
import { serveInvokeRequests } from './replication-invoke.ts';
import type { RunningServer } from './server.ts';

/** Starts the server for the CLI; `closed` settles once a signal has shut it down. */
export async function startSingleServer(
  flags: ServerStartFlags,
  io: CliIo,
  options: DeploymentOptions = {},
): Promise<StartedServer> {
  const config = resolveNodeConfig(flags, io.env);
  if (flags.bootstrap) mkdirSync(config.home, { recursive: true, mode: 0o700 });
  const logger = createServerLogger();
  const deployment = await openDeployment(config, { logger, serverNode: true, ...options });
  let server: RunningServer | undefined;
  try {
    const report = flags.bootstrap ? await prepareBootstrap(deployment, io.env) : null;
    // Not ready (/readyz 503, reason `starting`) until start-up has finished; a start-up that fails
    // closes the listener and the process exits non-zero, never serving errors (docs/server.md).
    server = await startServer(deployment, {
      listen: config.listen,
      logger,
      startingUp: true,
      opsToken: io.env.S2S_OPS_TOKEN?.trim() || undefined,
      adminListen: flags.adminListen ?? (io.env.S2S_ADMIN_LISTEN?.trim() || undefined),
    });
    if (report) await finishBootstrap(deployment, report, server.host, server.port);
    server.markStarted();
    const details = describeServer(server, report);
    logger.info({ ...details, actions: report?.actions ?? [] }, 's2s server ready');
    // `s2s replication invoke` of this home: a request file and SIGUSR2 (docs/replication.md "Invoke").
    // Listening before the pid file names this process: an unhandled SIGUSR2 would end it.
    const stopInvokes = serveInvokeRequests(config.home, deployment.store, (fields, msg) =>
      logger.info(fields, msg),
    );
    writeServerPid(config.home, {
      pid: process.pid,
      url: server.url,
      node: config.nodeName,
      startedAt: new Date().toISOString(),
    });
    const runningServer = server;
    const closeAll = async () => {
      await runningServer.close();
      removeServerPid(config.home, process.pid);
      stopInvokes();
      await deployment.close();
    };
    return {
      url: server.url,
      details,
      lines: bannerLines(details, report),
      closed: untilStopSignal(logger, closeAll),
    };
  } catch (err) {
    logger.error({ code: (err as { code?: string }).code, err }, 's2s server start-up failed; stopping');
    await server?.close().catch(() => undefined);
    await deployment.close();
    throw err;
  }
}
