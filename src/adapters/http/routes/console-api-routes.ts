/**
 * The two administration API resources the web console needs beyond the operations (docs/console.md):
 * - GET /admin/api/v1/dashboard — the dashboard in one call, for any signed-in role (names, dates, states and
 *   codes only: nothing secret).
 * - POST /admin/api/v1/connectivity-test — the storage connectivity test with its steps streamed as
 *   NDJSON (`{"event": …}` per step start and end, then `{"report": …}` or `{"error": …}`), run through the
 *   operations gateway as `storage.testConnectivity`, so the role check and the audit entry are the same as
 *   for the CLI.
 * Authentication, CSRF and the error edge are the administration routes' (admin-routes.ts).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { S2sError, adminOperation, roleAllows, sharedError } from '../../../core/index.ts';
import type { AuditActor } from '../../../core/index.ts';
import { ADMIN_API_PREFIX } from './admin-routes.ts';

export interface ConsoleApiOptions {
  /** The administration API's caller check (API token or session cookie + CSRF). */
  readonly authenticate: (request: FastifyRequest) => Promise<{ readonly actor: AuditActor }>;
  /** The operations gateway. */
  readonly invoke: (actor: AuditActor, id: string, args: readonly unknown[]) => Promise<unknown>;
  readonly dashboard: () => Promise<unknown>;
}

export function consoleApiRoutes(options: ConsoleApiOptions): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get(`${ADMIN_API_PREFIX}/dashboard`, async (request) => {
      await options.authenticate(request);
      return options.dashboard();
    });

    app.post(`${ADMIN_API_PREFIX}/connectivity-test`, async (request, reply) => {
      const { actor } = await options.authenticate(request);
      const body = (request.body ?? {}) as { sipUri?: unknown; partner?: unknown; folder?: unknown };
      if (typeof body.sipUri !== 'string' || (body.partner !== undefined && typeof body.partner !== 'string'))
        throw sharedError('ERR_USAGE', 'the body must be {"sipUri": "sip:…", "partner"?: "<identity>"}');
      // The role is checked before the stream starts, so a refusal is an ordinary 403 answer.
      const operation = adminOperation('storage.testConnectivity');
      if (!operation || actor.role === null || !roleAllows(actor.role, operation))
        await options.invoke(actor, 'storage.testConnectivity', []); // refused and audited by the gateway
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      const line = (value: unknown) => out.write(`${JSON.stringify(value)}\n`);
      try {
        const report = await options.invoke(actor, 'storage.testConnectivity', [
          {
            sipUri: body.sipUri,
            ...(typeof body.partner === 'string' ? { partner: body.partner } : {}),
            ...(typeof body.folder === 'string' ? { folder: body.folder } : {}),
            deleteItem: true,
            onStep: (event: unknown) => line({ event }),
          },
        ]);
        line({ report });
      } catch (err) {
        const e = err instanceof S2sError ? err : sharedError('ERR_INTERNAL', 'the connectivity test failed');
        line({
          error: {
            code: e.code,
            message: e.category === 'internal' ? 'internal error' : e.message,
            ...(e.fix ? { fix: e.fix } : {}),
            ...(Array.isArray(e.details.steps) ? { steps: e.details.steps } : {}),
          },
        });
      } finally {
        out.end();
      }
    });
  };
}
