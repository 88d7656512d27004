/**
 * The primary of `s2s server start --workers N` (docs/server.md "Workers"): N worker processes
 * (node:cluster) each open the deployment and listen on the same address; node:cluster's primary accepts
 * and hands the connections to them round-robin (Node 20 has no SO_REUSEPORT). This process does the
 * once-only work — bootstrap before the workers start (so they never race to bootstrap), the banner once
 * every worker listens, the pid file naming itself, `s2s replication invoke` for every worker — and
 * supervises: a worker that dies is replaced (with a back-off when they keep dying young), SIGINT/SIGTERM
 * stops every worker gracefully. It never serves a request and never opens the store, except to bootstrap.
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { CliIo } from '../adapters/cli/index.ts';
import type { ServerStartFlags, StartedServer } from '../adapters/cli/cli-context.ts';
import { resolveNodeConfig } from '../config/node-config.ts';
import type { NodeConfig } from '../config/node-config.ts';
import { removeServerPid, writeServerPid } from '../config/server-pid-file.ts';
import { S2sError } from '../core/shared/errors.ts';
import type { ErrorCategory } from '../core/shared/errors.ts';
import { storageError } from '../core/storage/storage-errors.ts';
import type { BootstrapReport } from './bootstrap.ts';
import type { Deployment, DeploymentOptions } from './deployment.ts';
import { mergeExpositions } from './metrics-merge.ts';
import { readInvokeRequest, writeInvokeOutcome } from './replication-invoke-files.ts';
import type { InvokeOutcome, InvokeRequest } from './replication-invoke-files.ts';
import { bannerLines, describeServer } from './server-banner.ts';
import { isClusterMessage, METRICS_GATHER_MS, WORKER_SLOT_ENV } from './server-cluster-messages.ts';
import type { PrimaryMessage, ReportedError, WorkerMessage } from './server-cluster-messages.ts';
import { createServerLogger } from './server-logger.ts';
import { untilStopSignal } from './stop-signal.ts';

/** The supervisor's timings, each declared once with its unit. */
export const PRIMARY_DEFAULTS = {
  /** A worker that served at least this long (ms) before it died is replaced at once. */
  stableAfterMs: 30_000,
  /** The pause (ms) before replacing a worker that died sooner; doubles with each such death in a row. */
  restartDelayMs: 1_000,
  /** The longest such pause (ms). */
  restartDelayMaxMs: 60_000,
  /**
   * How long (ms) stopping waits for the workers before it kills them: their own grace for open
   * requests (5 s, SERVER_DEFAULTS.shutdownGraceMs in server.ts) and closing their store, with room.
   */
  stopWaitMs: 15_000,
} as const;

/** The s2s binary: workers run the same command, and bin/s2s.mjs chooses the build as it did for this one. */
const S2S_BIN = fileURLToPath(new URL('../../bin/s2s.mjs', import.meta.url));

/** Where the first worker listens (every worker listens on the same address). */
interface Listening {
  readonly url: string;
  readonly adminUrl: string;
  readonly host: string;
  readonly port: number;
}

/** One of the N places a worker serves in; a replacement takes the slot of the worker it replaces. */
interface Slot {
  readonly id: number;
  worker: Worker | undefined;
  exited: Promise<void> | undefined;
  /** When its current worker reported listening. */
  listenedAt: number | undefined;
  /** Its current worker's start-up error, when it reported one. */
  error: ReportedError | undefined;
  /** Workers of this slot that died before serving `stableAfterMs`, in a row. */
  earlyDeaths: number;
  restart: NodeJS.Timeout | undefined;
}

/** Starts N workers and returns once every one of them listens and start-up (bootstrap) has finished. */
export async function startServerPrimary(
  flags: ServerStartFlags,
  io: CliIo,
  options: DeploymentOptions,
  workers: number,
): Promise<StartedServer> {
  const config = resolveNodeConfig(flags, io.env);
  const adminListen = flags.adminListen ?? (io.env.S2S_ADMIN_LISTEN?.trim() || undefined);
  const logger = createServerLogger().child({ worker: 0, pid: process.pid });
  // Bootstrap before any worker opens the store: the workers find it done and never race for it.
  let bootstrap: { deployment: Deployment; report: BootstrapReport } | undefined;
  if (flags.bootstrap) {
    mkdirSync(config.home, { recursive: true, mode: 0o700 });
    const { openDeployment } = await import('./deployment.ts');
    const { prepareBootstrap } = await import('./bootstrap.ts');
    const deployment = await openDeployment(config, { logger, serverNode: true, ...options });
    try {
      bootstrap = { deployment, report: await prepareBootstrap(deployment, io.env) };
    } catch (err) {
      await deployment.close();
      throw err;
    }
  }
  const report = bootstrap?.report ?? null;
  // Port 0 is chosen here, once: node:cluster shares a port 0 listener only while a worker holds it, so a
  // replacement started after the last worker died would otherwise get another port than the pid file names.
  const pool = new WorkerPool(
    { ...config, listen: await choosePort(config.listen) },
    adminListen === undefined ? undefined : await choosePort(adminListen),
    workers,
    logger,
  );
  let stopInvokes: (() => void) | undefined;
  try {
    const first = await pool.start();
    if (bootstrap) {
      const { finishBootstrap } = await import('./bootstrap.ts');
      await finishBootstrap(bootstrap.deployment, bootstrap.report, first.host, first.port);
      const opened = bootstrap.deployment;
      bootstrap = undefined;
      await opened.close();
    }
    pool.markStarted();
    const details = { ...describeServer(first, report), workers: String(workers) };
    logger.info(
      { ...details, workers, pids: pool.pids(), actions: report?.actions ?? [] },
      's2s server ready',
    );
    // `s2s replication invoke`: the request reaches every worker's replica (docs/replication.md "Invoke").
    // Listening before the pid file names this process: an unhandled SIGUSR2 would end it.
    const onInvoke = () => pool.invoke(config.home);
    process.on('SIGUSR2', onInvoke);
    stopInvokes = () => process.off('SIGUSR2', onInvoke);
    writeServerPid(config.home, {
      pid: process.pid,
      url: first.url,
      node: config.nodeName,
      startedAt: new Date().toISOString(),
      workers,
    });
    return {
      url: first.url,
      details,
      lines: bannerLines(details, report),
      closed: untilStopSignal(logger, async () => {
        await pool.stop();
        removeServerPid(config.home, process.pid);
        stopInvokes?.();
      }),
    };
  } catch (err) {
    logger.error({ code: (err as { code?: string }).code, err }, 's2s server start-up failed; stopping');
    stopInvokes?.();
    await pool.stop();
    await bootstrap?.deployment.close();
    throw err;
  }
}

/** An `s2s replication invoke` request on its way through the workers. */
interface PendingInvoke {
  readonly request: InvokeRequest;
  readonly waiting: Set<Slot>;
  readonly outcomes: Map<number, InvokeOutcome>;
}

/** A /metrics gathering on its way through the workers. */
interface PendingGather {
  readonly requester: Worker;
  readonly requestId: number;
  readonly waiting: Set<Slot>;
  readonly texts: Map<number, string>;
  readonly timer: NodeJS.Timeout;
}

/** The N workers: forks them, hears them, replaces them, stops them. */
class WorkerPool {
  readonly #config: NodeConfig;
  readonly #logger: Logger;
  readonly #slots: Slot[];
  readonly #listen: string;
  readonly #adminListen: string | undefined;
  /** starting: not every worker listens yet; listening: all did, start-up (bootstrap) goes on; running: started. */
  #phase: 'starting' | 'listening' | 'running' | 'stopping' = 'starting';
  #first: Listening | undefined;
  #onStart: { resolve(first: Listening): void; reject(err: Error): void } | undefined;
  readonly #invokes = new Map<string, PendingInvoke>();
  readonly #gathers = new Map<number, PendingGather>();
  #gatherSeq = 0;

  constructor(config: NodeConfig, adminListen: string | undefined, workers: number, logger: Logger) {
    this.#config = config;
    this.#listen = config.listen;
    this.#adminListen = adminListen;
    this.#logger = logger;
    this.#slots = Array.from({ length: workers }, (_, i) => ({
      id: i + 1,
      worker: undefined,
      exited: undefined,
      listenedAt: undefined,
      error: undefined,
      earlyDeaths: 0,
      restart: undefined,
    }));
  }

  /** Forks every worker; resolves once all listen, rejects with the first one's start-up error. */
  start(): Promise<Listening> {
    // The workers run the s2s binary again (not the script that happens to be argv[1], e.g. a test runner).
    cluster.setupPrimary({ exec: S2S_BIN, args: ['server', 'start'] });
    const started = new Promise<Listening>((resolve, reject) => (this.#onStart = { resolve, reject }));
    for (const slot of this.#slots) this.#fork(slot);
    return started;
  }

  /** Start-up (bootstrap included) has finished: every worker may report ready. */
  markStarted(): void {
    this.#phase = 'running';
    for (const slot of this.#slots) this.#send(slot, { s2s: 'started' });
  }

  /** The pids of the workers running now. */
  pids(): number[] {
    return this.#slots.flatMap((s) => (s.worker?.process.pid ? [s.worker.process.pid] : []));
  }

  /** Stops every worker (SIGTERM: each finishes its open requests), killing those still running after `stopWaitMs`. */
  async stop(): Promise<void> {
    this.#phase = 'stopping';
    const running = this.#slots.filter((s) => s.worker !== undefined);
    for (const slot of this.#slots) clearTimeout(slot.restart);
    for (const slot of running) slot.worker?.process.kill('SIGTERM');
    const all = Promise.all(running.map(async (s) => s.exited));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), PRIMARY_DEFAULTS.stopWaitMs);
    });
    if ((await Promise.race([all, late])) === 'late') {
      for (const slot of this.#slots) {
        if (!slot.worker) continue;
        this.#logger.warn(
          { slot: slot.id, workerPid: slot.worker.process.pid, waitedMs: PRIMARY_DEFAULTS.stopWaitMs },
          'worker still running after SIGTERM; killing it',
        );
        slot.worker.process.kill('SIGKILL');
      }
      await all;
    }
    clearTimeout(timer);
  }

  /** `s2s replication invoke`: asks every worker, then writes one outcome for the CLI. */
  invoke(home: string): void {
    const request = readInvokeRequest(home);
    if (!request || this.#invokes.has(request.id)) return;
    const targets = this.#slots.filter((s) => s.worker !== undefined && s.listenedAt !== undefined);
    const pending: PendingInvoke = { request, waiting: new Set(targets), outcomes: new Map() };
    this.#invokes.set(request.id, pending);
    for (const slot of targets) this.#send(slot, { s2s: 'invoke', id: request.id, rebuild: request.rebuild });
    this.#settleInvoke(pending, home);
  }

  #fork(slot: Slot): void {
    slot.restart = undefined;
    slot.listenedAt = undefined;
    slot.error = undefined;
    const worker = cluster.fork({
      [WORKER_SLOT_ENV]: String(slot.id),
      // The primary's resolved settings (flags included): the worker reads them as its environment.
      S2S_HOME: this.#config.home,
      S2S_STORE: this.#config.store,
      S2S_NODE: this.#config.nodeName,
      S2S_LISTEN: this.#listen,
      S2S_ADMIN_LISTEN: this.#adminListen ?? '',
    });
    slot.worker = worker;
    slot.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: unknown) => {
      if (isClusterMessage<WorkerMessage>(message)) this.#heard(slot, worker, message);
    });
    // A failed send to a worker that is going away; its exit is handled below.
    worker.on('error', () => undefined);
    // After the channel closed too: a start-up error sent just before exiting has been heard by then.
    worker.once('exit', (code: number | null, signal: string | null) => {
      const settle = () => this.#exited(slot, worker, code, signal);
      if (worker.isConnected()) worker.once('disconnect', settle);
      else settle();
    });
  }

  #heard(slot: Slot, worker: Worker, message: WorkerMessage): void {
    if (slot.worker !== worker) return;
    switch (message.s2s) {
      case 'listening':
        this.#listening(slot, message);
        break;
      case 'failed':
        slot.error = message.error;
        break;
      case 'invoked': {
        const pending = this.#invokes.get(message.outcome.id);
        if (!pending?.waiting.delete(slot)) break;
        pending.outcomes.set(slot.id, message.outcome);
        this.#settleInvoke(pending, this.#config.home);
        break;
      }
      case 'gather-metrics':
        this.#gather(worker, message.id);
        break;
      case 'unknown-admin-name':
        // One lockout per unknown name for the whole server, as for real names (docs/admin.md "Lockout").
        for (const other of this.#slots) if (other !== slot) this.#send(other, message);
        break;
      case 'metrics': {
        const pending = this.#gathers.get(message.id);
        if (!pending?.waiting.delete(slot)) break;
        pending.texts.set(slot.id, message.text);
        this.#settleGather(message.id);
        break;
      }
    }
  }

  #listening(slot: Slot, where: Listening): void {
    slot.listenedAt = Date.now();
    this.#first ??= where;
    if (this.#phase === 'starting') {
      if (this.#slots.every((s) => s.listenedAt !== undefined)) {
        this.#phase = 'listening';
        this.#onStart?.resolve(this.#first);
      }
      return;
    }
    this.#logger.info({ slot: slot.id, workerPid: slot.worker?.process.pid }, 'worker replaced');
    if (this.#phase === 'running') this.#send(slot, { s2s: 'started' });
  }

  #exited(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    if (slot.worker !== worker) return;
    const lived = slot.listenedAt === undefined ? 0 : Date.now() - slot.listenedAt;
    const error = slot.error;
    slot.worker = undefined;
    slot.listenedAt = undefined;
    for (const pending of this.#invokes.values()) {
      if (!pending.waiting.delete(slot)) continue;
      pending.outcomes.set(slot.id, {
        id: pending.request.id,
        rebuilt: false,
        appliedVersion: 0,
        error: { code: 'ERR_REPLICA_UNAVAILABLE', message: 'the worker ended before it answered' },
      });
      this.#settleInvoke(pending, this.#config.home);
    }
    for (const [id, pending] of this.#gathers) if (pending.waiting.delete(slot)) this.#settleGather(id);
    if (this.#phase === 'stopping') {
      // SIGTERM is how it was stopped (a worker still loading has no handler for it yet).
      if (code !== 0 && signal !== 'SIGTERM')
        this.#logger.warn({ slot: slot.id, code, signal }, 'worker ended abnormally while stopping');
      return;
    }
    if (this.#phase === 'starting') {
      this.#onStart?.reject(startupError(slot.id, worker.process.pid, code, signal, error));
      return;
    }
    // Running: replace it. At once after a long life; with a doubling pause when they keep dying young.
    if (lived >= PRIMARY_DEFAULTS.stableAfterMs) slot.earlyDeaths = 0;
    else slot.earlyDeaths += 1;
    const delayMs =
      slot.earlyDeaths === 0
        ? 0
        : Math.min(
            PRIMARY_DEFAULTS.restartDelayMaxMs,
            PRIMARY_DEFAULTS.restartDelayMs * 2 ** Math.min(slot.earlyDeaths - 1, 16),
          );
    this.#logger.error(
      {
        slot: slot.id,
        workerPid: worker.process.pid,
        code,
        signal,
        ...(error ? { error: error.code, reason: error.message } : {}),
        livedMs: lived,
        restartInMs: delayMs,
      },
      'worker ended; replacing it',
    );
    slot.restart = setTimeout(() => {
      if (this.#phase !== 'stopping') this.#fork(slot);
    }, delayMs);
  }

  #settleInvoke(pending: PendingInvoke, home: string): void {
    if (pending.waiting.size > 0) return;
    this.#invokes.delete(pending.request.id);
    const outcome = combineOutcomes(pending.request, pending.outcomes);
    this.#logger.info({ ...outcome, workers: pending.outcomes.size }, 'replication invoke');
    writeInvokeOutcome(home, outcome);
  }

  #gather(requester: Worker, requestId: number): void {
    const id = ++this.#gatherSeq;
    const targets = this.#slots.filter((s) => s.worker !== undefined && s.listenedAt !== undefined);
    const timer = setTimeout(() => this.#settleGather(id, true), METRICS_GATHER_MS).unref();
    this.#gathers.set(id, { requester, requestId, waiting: new Set(targets), texts: new Map(), timer });
    for (const slot of targets) this.#send(slot, { s2s: 'collect-metrics', id });
    this.#settleGather(id);
  }

  #settleGather(id: number, timedOut = false): void {
    const pending = this.#gathers.get(id);
    if (!pending || (pending.waiting.size > 0 && !timedOut)) return;
    this.#gathers.delete(id);
    clearTimeout(pending.timer);
    if (timedOut)
      this.#logger.warn(
        { missingWorkers: [...pending.waiting].map((s) => s.id) },
        '/metrics answered without the workers that did not send their series in time',
      );
    const texts = [...pending.texts.entries()].sort(([a], [b]) => a - b).map(([, text]) => text);
    const message: PrimaryMessage = {
      s2s: 'gathered-metrics',
      id: pending.requestId,
      text: mergeExpositions(texts),
    };
    if (pending.requester.isConnected()) pending.requester.send(message);
  }

  #send(slot: Slot, message: PrimaryMessage): void {
    if (slot.worker?.isConnected()) slot.worker.send(message);
  }
}

/** One outcome for the CLI: the first failure, or success with the lowest version any worker applied. */
function combineOutcomes(request: InvokeRequest, outcomes: Map<number, InvokeOutcome>): InvokeOutcome {
  const all = [...outcomes.entries()].sort(([a], [b]) => a - b);
  if (all.length === 0)
    return {
      id: request.id,
      rebuilt: false,
      appliedVersion: 0,
      error: { code: 'ERR_REPLICA_UNAVAILABLE', message: 'no worker of this server is running' },
    };
  const appliedVersion = Math.min(...all.map(([, o]) => o.appliedVersion));
  const failed = all.find(([, o]) => o.error !== undefined);
  if (failed) {
    const [slot, outcome] = failed;
    return {
      id: request.id,
      rebuilt: false,
      appliedVersion,
      error: { code: outcome.error!.code, message: `worker ${slot}: ${outcome.error!.message}` },
    };
  }
  return { id: request.id, rebuilt: all.every(([, o]) => o.rebuilt), appliedVersion };
}

/** The error `s2s server start` fails with when a worker could not start: the worker's own, when it said. */
function startupError(
  slot: number,
  pid: number | undefined,
  code: number | null,
  signal: string | null,
  reported: ReportedError | undefined,
): S2sError {
  if (reported)
    return new S2sError(
      reported.code,
      reported.category as ErrorCategory,
      reported.message,
      { ...reported.details, worker: slot },
      reported.fix === undefined ? undefined : { fix: reported.fix },
    );
  return storageError(
    'ERR_SERVER_WORKER_EXITED',
    `worker ${slot} (pid ${pid ?? '?'}) ended during start-up (${signal ? `signal ${signal}` : `exit code ${code}`}) without reporting why; its output above may say`,
    { worker: slot, pid, code, signal },
  );
}

/**
 * `host:0` with a free port of that host in place of 0 (found by listening on it for a moment); any other
 * address as given — and one that cannot be listened on is left for the workers to report (ERR_SERVER_LISTEN).
 */
async function choosePort(address: string): Promise<string> {
  const m = /^(\[[^\]]+\]|[^:]+):0$/.exec(address.trim());
  if (!m) return address;
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port: 0, exclusive: true }, resolve);
    });
    const bound = probe.address();
    return typeof bound === 'object' && bound ? `${m[1]}:${bound.port}` : address;
  } catch {
    return address;
  } finally {
    await new Promise((resolve) => probe.close(resolve));
  }
}
