/** The operational endpoints of a front-end server: `/healthz` (liveness), `/readyz` (readiness) and `/metrics`. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Clock } from '../core/index.ts';
import type { Services } from '../services/index.ts';
import type { ServerMetrics } from './server-metrics.ts';
import { readinessNow } from './server-readiness.ts';

export interface OperationsRoutesOptions {
  readonly services: Services;
  readonly clock: Clock;
  readonly headVersion: () => Promise<number>;
  readonly metrics: ServerMetrics;
}

/** Builds the plugin. `/readyz` answers 200 for `ready` and `degraded` (still serving), 503 for `unavailable`. */
export function operationsRoutes(options: OperationsRoutesOptions): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get('/healthz', async (_req, reply) =>
      reply.header('cache-control', 'no-store').send({ status: 'ok' }),
    );
    app.get('/readyz', async (_req, reply) => {
      const readiness = await readinessNow(options.services, options.headVersion, options.clock);
      return reply
        .code(readiness.status === 'unavailable' ? 503 : 200)
        .header('cache-control', 'no-store')
        .send(readiness);
    });
    app.get('/metrics', async (_req, reply) => {
      const text = await options.metrics.registry.metrics();
      return reply.type(options.metrics.registry.contentType).header('cache-control', 'no-store').send(text);
    });
  };
}
