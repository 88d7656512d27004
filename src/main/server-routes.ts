/**
 * The operational endpoints of a front-end server (docs/server.md): `/healthz` (liveness), `/readyz`
 * (readiness) and `/metrics`. Without the operations token (`S2S_OPS_TOKEN`) `/readyz` answers status
 * and reason codes only; with it, the checks and their details. When the token is set, `/metrics`
 * requires it (docs/security.md).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Clock } from '../core/index.ts';
import { storageError } from '../core/storage/index.ts';
import { httpErrorOf } from '../adapters/http/http-error.ts';
import type { Services } from '../services/index.ts';
import type { ServerMetrics } from './server-metrics.ts';
import { publicReadiness, readinessNow, startingReadiness } from './server-readiness.ts';
import type { StoreHealthFacts } from './server-readiness.ts';

export interface OperationsRoutesOptions {
  readonly services: Services;
  readonly clock: Clock;
  readonly storeHealth: () => Promise<StoreHealthFacts>;
  readonly metrics: ServerMetrics;
  /** False while start-up is still running: /readyz is then never ready. */
  readonly started?: () => boolean;
  /** The operations token; undefined: /metrics is open and /readyz details are never served. */
  readonly opsToken?: string | undefined;
}

/** Builds the plugin. `/readyz` answers 200 for `ready` and `degraded` (still serving), 503 for `not-ready`. */
export function operationsRoutes(options: OperationsRoutesOptions): FastifyPluginAsync {
  const expected = options.opsToken ? digest(options.opsToken) : undefined;
  const authorized = (req: FastifyRequest): boolean => {
    if (expected === undefined) return false;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    return m !== null && timingSafeEqual(digest(m[1]!), expected);
  };
  return async (app: FastifyInstance) => {
    app.get('/healthz', async (_req, reply) =>
      reply.header('cache-control', 'no-store').send({ status: 'ok' }),
    );
    app.get('/readyz', async (req, reply) => {
      const readiness =
        options.started?.() === false
          ? startingReadiness()
          : await readinessNow(options.services, options.storeHealth, options.clock);
      return reply
        .code(readiness.status === 'not-ready' ? 503 : 200)
        .header('cache-control', 'no-store')
        .send(authorized(req) ? withWorker(readiness, options.metrics) : publicReadiness(readiness));
    });
    app.get('/metrics', async (req, reply) => {
      if (expected !== undefined && !authorized(req))
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="s2s-operations"')
          .header('cache-control', 'no-store')
          .send(
            httpErrorOf(
              storageError('ERR_SERVER_OPS_TOKEN', 'this server requires its operations token for /metrics'),
            ).body,
          );
      const text = await options.metrics.exposition();
      return reply.type(options.metrics.registry.contentType).header('cache-control', 'no-store').send(text);
    });
  };
}

/** The detailed answer names the worker that gave it (`--workers N`: each worker answers for itself). */
function withWorker<T extends object>(readiness: T, metrics: ServerMetrics): T {
  const worker = metrics.worker;
  return worker ? { ...readiness, worker: { id: worker.id, pid: worker.pid } } : readiness;
}

/** Fixed-length digests, so the comparison takes the same time whatever the presented token's length. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
