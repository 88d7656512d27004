/**
 * The front-end server (docs/server.md): HTTPS with the WebServicesInternal (else Default)
 * certificate, serving the metadata and discovery documents, the storage service, the CA endpoints,
 * health, readiness and Prometheus metrics. Certificate changes take effect without a restart (the
 * secure context is replaced when the resolved certificate changes); partner metadata is refreshed and
 * certificates are renewed (docs/renewal.md) in the background.
 */
import { consoleRoutes } from '../adapters/http/routes/console-routes.ts';
import { consoleDirectory } from './console-directory.ts';
import { startPartnerRefreshSchedule } from './partner-refresh-schedule.ts';
import { startRenewalSchedule } from './renewal-schedule.ts';
import type { Server as HttpsServer } from 'node:https';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { createHttpApp } from '../adapters/http/index.ts';
import { loggableUrl } from '../adapters/http/loggable-url.ts';
import { storageRoutes } from '../adapters/http/routes/storage-routes.ts';
import { caRoutes } from '../adapters/http/routes/ca-routes.ts';
import { adminRoutes, authenticate } from '../adapters/http/routes/admin-routes.ts';
import { consoleApiRoutes } from '../adapters/http/routes/console-api-routes.ts';
import { consoleDashboard } from './console-dashboard.ts';
import type { AdminApiPort } from '../adapters/http/routes/admin-routes.ts';
import { storageError } from '../core/storage/index.ts';
import type { Deployment } from './deployment.ts';
import { createServerLogger } from './server-logger.ts';
import { ServerMetrics } from './server-metrics.ts';
import { operationsRoutes } from './server-routes.ts';
import { installConsistencyHooks } from './server-consistency.ts';
import { storeHealthFacts, WriteHealth } from './store-health.ts';
import { credentialsFingerprint, resolveTlsCredentials } from './server-tls.ts';
import type { SigningMaterialSource, TlsCredentials } from './server-tls.ts';

/** Timings, each declared once with its unit. */
export const SERVER_DEFAULTS = {
  /** Milliseconds between re-resolutions of the TLS certificate (a staged roll becomes current by the clock, with no store change). */
  tlsRecheckMs: 30_000,
  /** Milliseconds between partner metadata refresh ticks. */
  refreshTickMs: 60_000,
  /** Milliseconds between automatic certificate renewal passes (docs/renewal.md). */
  renewalTickMs: 60_000,
  /** Milliseconds open connections get to finish on shutdown. */
  shutdownGraceMs: 5_000,
} as const;

export interface ServerStartOptions {
  /** `host:port`; port 0 picks a free one. */
  readonly listen: string;
  readonly logger?: PinoLogger | undefined;
  readonly refreshTickMs?: number | undefined;
  readonly tlsRecheckMs?: number | undefined;
  readonly renewalTickMs?: number | undefined;
  /** Start-up still has steps after listening: /readyz answers `not-ready` (reason `starting`) until markStarted(). */
  readonly startingUp?: boolean | undefined;
  /** The operations token (env S2S_OPS_TOKEN): detailed /readyz, and required by /metrics when set. */
  readonly opsToken?: string | undefined;
  /**
   * `host:port` of a separate management listener for the administration API (env S2S_ADMIN_LISTEN);
   * then the partner-facing listener does not serve it. Unset: /admin/api/v1 is served on `listen`.
   */
  readonly adminListen?: string | undefined;
  /** Routes an embedding application serves beside s2s's, behind the same authentication (`app.requireS2sAuth`). */
  readonly extraRoutes?: readonly FastifyPluginAsync[] | undefined;
  /**
   * Whether this server runs the partner metadata refresh and certificate renewal schedules (default true).
   * `s2s server start --workers N` runs them in one worker only (docs/server.md "Workers"); the TLS
   * re-check runs in every server regardless.
   */
  readonly schedules?: boolean | undefined;
}

export interface RunningServer {
  /** `https://host:port` as listened on. */
  readonly url: string;
  /** Where the administration API is served (`url` unless a management listener was asked for). */
  readonly adminUrl: string;
  readonly host: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly metrics: ServerMetrics;
  /** Re-resolves the TLS certificate now (also done on every store change). */
  reloadTls(): Promise<void>;
  /** Start-up has finished: /readyz may report ready from now on. */
  markStarted(): void;
  close(): Promise<void>;
}

/** Starts the server over an open deployment; resolves once it listens. */
export async function startServer(
  deployment: Deployment,
  options: ServerStartOptions,
): Promise<RunningServer> {
  const { services, clock, config, store } = deployment;
  const logger = options.logger ?? createServerLogger();
  const certificates: SigningMaterialSource = services.certificates;
  let tls = await resolveTlsCredentials(certificates, config.nodeName);
  if (!tls) {
    throw storageError(
      'ERR_SERVER_NO_CERTIFICATE',
      `no certificate with a private key is assigned to WebServicesInternal or Default for ${config.nodeName} or globally`,
    );
  }
  const metrics = new ServerMetrics(services, clock, config.nodeName);
  let started = options.startingUp !== true;
  const writeHealth = deployment.writeHealth ?? new WriteHealth();
  const api = adminApi(deployment);
  // The console and its two resources live with the administration API (its listener, its sign-in).
  const admin = adminRoutes(api, {
    extraRoutes: [
      consoleApiRoutes({
        authenticate: (request) => authenticate(api, request),
        invoke: (actor, id, args) => api.invoke(actor, id, args),
        dashboard: () =>
          consoleDashboard({
            services,
            store,
            clock,
            storeHealth: () => storeHealthFacts(store, writeHealth),
            refusals: () => metrics.refusals(),
          }),
      }),
      consoleRoutes({ directory: consoleDirectory() }),
    ],
  });
  const app = await createHttpApp({
    services: { metadata: services.metadata, tokens: services.tokens },
    logger,
    onAuthResult: metrics.onAuthResult,
    https: { key: tls.key, cert: tls.cert },
    requestLogging: false, // one access line per request instead, written by instrument()
    extraRoutes: [
      storageRoutes({
        storage: services.storage,
        tokens: services.tokens,
        publishedOrigin: (url) => services.metadata.publishedOrigin(url),
      }),
      caRoutes({ ca: services.ca }),
      operationsRoutes({
        services,
        clock,
        storeHealth: () => storeHealthFacts(store, writeHealth),
        metrics,
        started: () => started,
        opsToken: options.opsToken,
      }),
      ...(options.adminListen ? [] : [admin]),
      ...(options.extraRoutes ?? []),
    ],
  });
  instrument(app, metrics, logger);
  const adminApp = options.adminListen
    ? await createHttpApp({
        services: { metadata: services.metadata, tokens: services.tokens },
        logger,
        https: { key: tls.key, cert: tls.cert },
        requestLogging: false,
        extraRoutes: [admin],
      })
    : undefined;
  if (adminApp) instrument(adminApp, metrics, logger);
  installConsistencyHooks(app, store);
  // Newly built tokens only: a token served again from the issuer's cache was issued once already.
  const stopCountingIssued = services.tokens.onIssued((e) => {
    if (!e.cached) metrics.recordIssued(e.partner);
  });
  const { host, port } = await listen(app, options.listen);
  let adminUrl = `https://${hostForUrl(host)}:${port}`;
  if (adminApp && options.adminListen) {
    try {
      const bound = await listen(adminApp, options.adminListen);
      adminUrl = `https://${hostForUrl(bound.host)}:${bound.port}`;
    } catch (err) {
      await closeApp(app);
      throw err;
    }
  }
  const reloadTls = async () => {
    const next = await resolveTlsCredentials(certificates, config.nodeName);
    if (!next || credentialsFingerprint(next) === credentialsFingerprint(tls)) return;
    (app.server as HttpsServer).setSecureContext({ key: next.key, cert: next.cert });
    if (adminApp) (adminApp.server as HttpsServer).setSecureContext({ key: next.key, cert: next.cert });
    logger.info(
      { thumbprint: next.thumbprint, usage: next.usage, identity: next.identity },
      'TLS certificate replaced',
    );
    tls = next;
  };
  const stopWatching = watchTls(
    deployment,
    logger,
    reloadTls,
    options.tlsRecheckMs ?? SERVER_DEFAULTS.tlsRecheckMs,
  );
  // Not in a worker that leaves the schedules to another one (`schedules: false`).
  const idle = { stop: async (): Promise<void> => undefined };
  const startRefresh: typeof startPartnerRefreshSchedule =
    options.schedules === false ? () => idle : startPartnerRefreshSchedule;
  const startRenewal: typeof startRenewalSchedule =
    options.schedules === false ? () => idle : startRenewalSchedule;
  const refreshSchedule = startRefresh(
    {
      refreshDue: async () => [
        ...(await services.partners.refreshDue()),
        ...(await services.oauthServers.refreshDue()),
      ],
      settle: async () => {
        await Promise.all([services.partners.settle(), services.oauthServers.settle()]);
      },
    },
    logger,
    options.refreshTickMs ?? SERVER_DEFAULTS.refreshTickMs,
  );
  const renewalSchedule = startRenewal(
    services.renewal,
    logger,
    options.renewalTickMs ?? SERVER_DEFAULTS.renewalTickMs,
  );
  logTls(logger, tls, `https://${hostForUrl(host)}:${port}`);
  return {
    url: `https://${hostForUrl(host)}:${port}`,
    adminUrl,
    host,
    port,
    app,
    metrics,
    reloadTls,
    markStarted: () => {
      started = true;
    },
    close: async () => {
      stopWatching();
      stopCountingIssued();
      await refreshSchedule.stop();
      await renewalSchedule.stop();
      if (adminApp) await closeApp(adminApp);
      await closeApp(app);
    },
  };
}

/**
 * Request ids on every answer, one access log line per request and the latency histogram.
 * Callback-style hooks: fastify calls them synchronously, where an async hook costs a promise and a
 * microtask turn per request and per hook. The access line is flat (no nested req/res objects for the
 * redaction wildcards to walk) and replaces fastify's two lines per request: at level info those two
 * cost ≈ 50 µs of CPU per request (BENCHMARKS.md), about a third of an authenticated storage GET.
 */
function instrument(app: FastifyInstance, metrics: ServerMetrics, logger: PinoLogger): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    const ms = reply.elapsedTime;
    metrics.observeRequest(request.method, route, reply.statusCode, ms / 1000);
    if (logger.isLevelEnabled('info')) {
      request.log.info(
        {
          method: request.method,
          url: loggableUrl(request.url),
          statusCode: reply.statusCode,
          responseTime: ms,
          remoteAddress: request.ip,
        },
        'request completed',
      );
    }
    done();
  });
}

async function listen(app: FastifyInstance, address: string): Promise<{ host: string; port: number }> {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(address.trim());
  if (!m) throw storageError('ERR_SERVER_LISTEN', `--listen must be host:port, got '${address}'`);
  const host = m[1]!.replace(/^\[|\]$/g, '');
  try {
    await app.listen({ host, port: Number(m[2]) });
  } catch (err) {
    await app.close().catch(() => {});
    throw storageError(
      'ERR_SERVER_LISTEN',
      `cannot listen on ${address}: ${(err as { code?: string }).code ?? (err as Error).message}`,
      { listen: address },
    );
  }
  const bound = app.server.address();
  return { host, port: typeof bound === 'object' && bound ? bound.port : Number(m[2]) };
}

/** Re-resolves TLS on store changes (debounced) and periodically (roll effective dates). */
function watchTls(
  deployment: Deployment,
  logger: PinoLogger,
  reload: () => Promise<void>,
  everyMs: number,
): () => void {
  let pending: Promise<void> | null = null;
  const run = () => {
    pending ??= reload()
      .catch((err: unknown) =>
        logger.warn(
          { err: (err as Error).name, code: (err as { code?: string }).code },
          'TLS certificate reload failed',
        ),
      )
      .finally(() => (pending = null));
  };
  const unsubscribe = deployment.store.subscribe(run);
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}

async function closeApp(app: FastifyInstance): Promise<void> {
  const force = setTimeout(
    () => (app.server as HttpsServer).closeAllConnections(),
    SERVER_DEFAULTS.shutdownGraceMs,
  );
  force.unref();
  (app.server as HttpsServer).closeIdleConnections();
  await app.close();
  clearTimeout(force);
}

function logTls(logger: PinoLogger, tls: TlsCredentials, url: string): void {
  logger.info(
    {
      url,
      thumbprint: tls.thumbprint,
      usage: tls.usage,
      identity: tls.identity,
      notAfter: tls.notAfter.toISOString(),
    },
    's2s server listening',
  );
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The administration API over a deployment: its gateway (roles, audit) and its administrators' sign-in. */
function adminApi(deployment: Deployment): AdminApiPort {
  const admins = deployment.services.admins;
  return {
    invoke: (actor, id, args) => deployment.gateway.invoke(actor, id, args),
    signIn: (name, password, from) => admins.signIn(name, password, from),
    session: (id) => admins.session(id),
    csrfMatches: (session, token) => admins.csrfMatches(session, token),
    csrfFor: (id) => admins.csrfFor(id),
    signOut: (id, actor) => admins.signOut(id, actor),
    verifyToken: (text) => admins.verifyToken(text),
    changeOwnPassword: (name, current, next, actor) => admins.changeOwnPassword(name, current, next, actor),
    auditRefusal: async (actor, what, code) => {
      await deployment.services.audit
        .append({
          actor,
          operation: 'session.request',
          command: what,
          args: {},
          outcome: 'refused',
          error: { code, message: 'request refused' },
        })
        .catch(() => undefined);
    },
  };
}
