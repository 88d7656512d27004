/**
 * A worker of `s2s server start --workers N` (docs/server.md "Workers"): forked by the primary
 * (server-primary.ts) with its slot and the primary's resolved settings in its environment, it opens the
 * deployment itself (the SQLite file in WAL mode, or PostgreSQL through this node's replica) and serves
 * on the shared address. Start-up is over when the primary says so (bootstrap runs there); slot 1 runs
 * the partner refresh and certificate renewal schedules. It prints nothing: its log lines carry
 * `worker` (its slot) and `pid`; the primary prints the banner.
 */
import cluster from 'node:cluster';
import type { CliIo } from '../adapters/cli/index.ts';
import { resolveNodeConfig } from '../config/node-config.ts';
import { S2sError } from '../core/shared/errors.ts';
import { openDeployment } from './deployment.ts';
import type { Deployment, DeploymentOptions } from './deployment.ts';
import { performInvokeRequest } from './replication-invoke.ts';
import { isClusterMessage, METRICS_GATHER_MS, WORKER_SLOT_ENV } from './server-cluster-messages.ts';
import type { PrimaryMessage, ReportedError, WorkerMessage } from './server-cluster-messages.ts';
import { createServerLogger } from './server-logger.ts';
import { ADMIN_DEFAULTS } from '../services/admin/admin-service.ts';
import type { LockoutDocument } from '../services/admin/admin-documents.ts';
import { startServer } from './server.ts';
import type { RunningServer } from './server.ts';

/** Whether this process is a worker forked by `s2s server start --workers N`. */
export function isServerWorker(env: Readonly<Record<string, string | undefined>>): boolean {
  return cluster.isWorker && Number(env[WORKER_SLOT_ENV]) >= 1;
}

/** Serves until the primary (or a signal) stops it; the process exit code. */
export async function runServerWorker(io: CliIo, options: DeploymentOptions): Promise<number> {
  const slot = Number(io.env[WORKER_SLOT_ENV]);
  const config = resolveNodeConfig({}, io.env);
  const logger = createServerLogger().child({ worker: slot, pid: process.pid });
  const send = (message: WorkerMessage) =>
    new Promise<void>((resolve) => {
      if (!process.connected || !process.send) return resolve();
      process.send(message, undefined, undefined, () => resolve());
    });

  // SIGTERM from the primary (or an operator), SIGINT from a terminal's Ctrl-C, which reaches the primary
  // too: either stops this worker gracefully, once. SIGUSR2 (`s2s replication invoke`) is the primary's.
  let stopRequested: ((signal: string) => void) | undefined;
  const stopSignal = new Promise<string>((resolve) => (stopRequested = resolve));
  const onSignal = (signal: NodeJS.Signals) => stopRequested?.(signal);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGUSR2', () => undefined);

  const unknownAdminNames = new SharedUnknownNames((name, lock) => {
    void send({ s2s: 'unknown-admin-name', name, lock });
  });
  let deployment: Deployment | undefined;
  let server: RunningServer | undefined;
  const gathers = new Map<number, (text: string) => void>();
  let gatherSeq = 0;
  process.on('message', (message: unknown) => {
    if (!isClusterMessage<PrimaryMessage>(message)) return;
    switch (message.s2s) {
      case 'started':
        server?.markStarted();
        break;
      case 'invoke':
        if (deployment)
          void performInvokeRequest(deployment.store, message).then((outcome) => {
            logger.info({ ...outcome }, 'replication invoke');
            return send({ s2s: 'invoked', outcome });
          });
        break;
      case 'collect-metrics':
        void server?.metrics.registry
          .metrics()
          .then((text) => send({ s2s: 'metrics', id: message.id, text }));
        break;
      case 'gathered-metrics':
        gathers.get(message.id)?.(message.text);
        break;
      case 'unknown-admin-name':
        unknownAdminNames.heard(message.name, message.lock);
        break;
    }
  });

  try {
    deployment = await openDeployment(config, {
      logger,
      serverNode: true,
      unknownAdminNames,
      ...options,
    });
    server = await startServer(deployment, {
      listen: config.listen,
      logger,
      startingUp: true,
      opsToken: io.env.S2S_OPS_TOKEN?.trim() || undefined,
      adminListen: io.env.S2S_ADMIN_LISTEN?.trim() || undefined,
      schedules: slot === 1,
    });
  } catch (err) {
    const error = reported(err);
    logger.error({ code: error.code, err }, 's2s worker start-up failed');
    await server?.close().catch(() => undefined);
    await deployment?.close().catch(() => undefined);
    await send({ s2s: 'failed', error });
    return exit(1);
  }

  const running = server;
  // /metrics answers with every worker's series (a scrape reaches one worker); its own when the primary is slow.
  running.metrics.joinWorkers(
    { id: slot, pid: process.pid },
    () =>
      new Promise<string>((resolve) => {
        const id = ++gatherSeq;
        const own = () => {
          gathers.delete(id);
          void running.metrics.registry.metrics().then(resolve);
        };
        const timer = setTimeout(own, METRICS_GATHER_MS + 1_000);
        gathers.set(id, (text) => {
          clearTimeout(timer);
          gathers.delete(id);
          resolve(text);
        });
        if (!process.connected) own();
        else void send({ s2s: 'gather-metrics', id });
      }),
  );
  await send({
    s2s: 'listening',
    url: running.url,
    adminUrl: running.adminUrl,
    host: running.host,
    port: running.port,
  });
  const signal = await stopSignal;
  logger.info({ signal }, 's2s worker shutting down');
  await running.close();
  await deployment.close();
  logger.info({}, 's2s worker stopped');
  return exit(0);
}

/**
 * Leaves the cluster: node:cluster ends a worker whose channel to the primary closes, which is also how a
 * worker whose primary died ends (no orphans). A handle something forgot to close cannot keep it alive.
 */
function exit(code: number): number {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 5_000).unref();
  if (process.connected) cluster.worker?.disconnect();
  return code;
}

/**
 * The sign-in failures of unknown administrator names (AdminService), shared by the workers: each failure
 * remembered here is told to the others through the primary, and theirs are taken in, so an unknown name
 * locks out after the same number of failures as a real one, whichever workers the attempts reach
 * (docs/admin.md "Sign-in and lockout": the lockout must not tell which names exist).
 */
class SharedUnknownNames extends Map<string, LockoutDocument> {
  readonly #tell: (name: string, lock: LockoutDocument) => void;

  constructor(tell: (name: string, lock: LockoutDocument) => void) {
    super();
    this.#tell = tell;
  }

  override set(name: string, lock: LockoutDocument): this {
    super.set(name, lock);
    this.#tell(name, lock);
    return this;
  }

  /** Another worker's failure: remembered as the newest entry, the oldest ones forgotten beyond the limit. */
  heard(name: string, lock: LockoutDocument): void {
    super.delete(name);
    super.set(name, lock);
    for (const oldest of this.keys()) {
      if (this.size <= ADMIN_DEFAULTS.unknownNamesRemembered) break;
      super.delete(oldest);
    }
  }
}

/** A start-up failure as the primary reports it to the operator (the CLI's error line). */
function reported(err: unknown): ReportedError {
  if (err instanceof S2sError) {
    let details: Record<string, unknown> | undefined;
    try {
      details = JSON.parse(JSON.stringify(err.details)) as Record<string, unknown>;
    } catch {
      details = undefined;
    }
    return { code: err.code, category: err.category, message: err.message, fix: err.fix, details };
  }
  const message =
    err instanceof Error ? `${err.name}: ${err.message.split('\n')[0] ?? ''}` : 'unexpected failure';
  return { code: 'ERR_INTERNAL', category: 'internal', message };
}
