/**
 * Read-your-writes across the nodes of a pool (docs/storage.md "Consistency"): every successful write
 * answers with `x-s2s-version: <token>`; a request carrying `x-s2s-min-version: <token>` is served only
 * once this server has applied that version — it waits (at most 2 s, asking its replica to catch up at
 * once) and otherwise answers 503 ERR_STORE_VERSION_NOT_APPLIED with Retry-After. Reads without the
 * header are served at once from whatever the node has applied (eventual consistency, typically well
 * under a second behind).
 */
import type { FastifyInstance } from 'fastify';
import { sharedError } from '../core/index.ts';
import { storageError } from '../core/storage/index.ts';
import { httpErrorOf } from '../adapters/http/http-error.ts';
import type { DocumentStore } from '../store/document-store.ts';

/** Header names and the bound, each declared once. */
export const CONSISTENCY = {
  versionHeader: 'x-s2s-version',
  minVersionHeader: 'x-s2s-min-version',
  /** Longest a request waits for this node to reach its x-s2s-min-version (ms). */
  maxWaitMs: 2_000,
  /** Retry-After (seconds) of the 503 when the version did not arrive in time. */
  retryAfterSeconds: 1,
} as const;

/** What a pool node's replicated store adds (src/replication); other stores fall back to headVersion. */
interface VersionedStore {
  versionToken?(): number;
  waitForVersion?(version: number, ms: number): Promise<boolean>;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Installs the hooks on the app. */
export function installConsistencyHooks(
  app: FastifyInstance,
  store: DocumentStore & VersionedStore,
  maxWaitMs: number = CONSISTENCY.maxWaitMs,
): void {
  const token = async (): Promise<number> => store.versionToken?.() ?? (await store.headVersion());
  const reached = async (version: number): Promise<boolean> =>
    store.waitForVersion !== undefined
      ? store.waitForVersion(version, maxWaitMs)
      : (await store.headVersion()) >= version;

  // Callback-style hooks that return at once for the common request (no header, a read): an async
  // hook costs a promise and a microtask turn on every request (docs/server.md "Performance").
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.headers[CONSISTENCY.minVersionHeader];
    if (raw === undefined) return done();
    const text = Array.isArray(raw) ? raw[0] : raw;
    if (text === undefined || !/^\d{1,15}$/.test(text.trim())) {
      const { status, body } = httpErrorOf(
        sharedError(
          'ERR_INVALID_INPUT',
          `${CONSISTENCY.minVersionHeader} must be a version number returned in ${CONSISTENCY.versionHeader}`,
        ),
      );
      reply.code(status).header('cache-control', 'no-store').send(body);
      return;
    }
    const wanted = Number(text.trim());
    reached(wanted).then((ok) => {
      if (ok) return done();
      const { body } = httpErrorOf(
        storageError(
          'ERR_STORE_VERSION_NOT_APPLIED',
          `this server has not applied store version ${wanted} yet; retry shortly`,
          { wanted },
        ),
      );
      reply
        .code(503)
        .header('retry-after', String(CONSISTENCY.retryAfterSeconds))
        .header('cache-control', 'no-store')
        .send(body);
    }, done);
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const write = !READ_METHODS.has(request.method) && reply.statusCode < 400;
    if (!write && request.headers[CONSISTENCY.minVersionHeader] === undefined) return done(null, payload);
    token().then((version) => {
      reply.header(CONSISTENCY.versionHeader, String(version));
      done(null, payload);
    }, done);
  });
}
