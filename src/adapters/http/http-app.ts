/**
 * The fastify application of s2s (docs/metadata.md; the serving process: docs/server.md): metadata and discovery
 * routes, the `requireS2sAuth` preHandler, the routes other modules pass in, and one error mapping.
 */
import Fastify, { LogController } from 'fastify';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { partnerError } from '../../core/partners/partner-errors.ts';
import { safeClientErrorHandler } from './client-error.ts';
import { httpErrorOf } from './http-error.ts';
import { SAFE_LOG_SERIALIZERS } from './safe-log-serializers.ts';
import { installS2sAuth } from './s2s-auth.ts';
import { lazyChildLoggerFactory } from './lazy-request-logger.ts';
import type { AuthResultListener, BearerValidator } from './s2s-auth.ts';
import { metadataRoutes } from './routes/metadata-routes.ts';
import type { PublishedDocuments } from './routes/metadata-routes.ts';

/** The services the app calls. */
export interface HttpAppServices {
  readonly metadata: PublishedDocuments;
  readonly tokens: BearerValidator;
}

export interface HttpAppOptions {
  readonly services: HttpAppServices;
  /**
   * A pino logger; none: no logging. Used through a child with safe serializers: never headers, query
   * strings, raw request bytes or foreign error messages (docs/security.md "Secrets in logs").
   */
  readonly logger?: FastifyBaseLogger | undefined;
  /** More plugins (storage routes, CA routes), registered in order. */
  readonly extraRoutes?: readonly FastifyPluginAsync[] | undefined;
  /** Told of every authentication outcome (metrics). */
  readonly onAuthResult?: AuthResultListener | undefined;
  /** TLS options; without them the app speaks plain http (tests with inject, or behind a TLS terminator). */
  readonly https?: HttpsServerOptions | undefined;
  /** Largest request body, bytes (default 1 MiB). */
  readonly bodyLimit?: number | undefined;
  /**
   * fastify's own two lines per request ("incoming request", "request completed"); default true. The
   * server turns them off and writes one access line per request itself (src/main/server.ts).
   */
  readonly requestLogging?: boolean | undefined;
}

/** Builds the app (not listening); call `app.listen()` or `app.inject()`. */
export async function createHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const logger = options.logger?.child({}, { serializers: SAFE_LOG_SERIALIZERS });
  const base = {
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    return503OnClosing: true,
    ...(options.requestLogging === false
      ? { logController: new LogController({ disableRequestLogging: true }) }
      : {}),
    ...(logger ? { loggerInstance: logger, childLoggerFactory: lazyChildLoggerFactory } : { logger: false }),
    clientErrorHandler: safeClientErrorHandler(logger),
    frameworkErrors: badUrlHandler,
  };
  // The HTTPS and plain instances differ only in their raw server type, which no route depends on.
  const app: FastifyInstance = options.https ? Fastify({ ...base, https: options.https }) : Fastify(base);
  installS2sAuth(app, options.services.tokens, options.onAuthResult);
  app.setErrorHandler(async (err, request, reply) => {
    const { status, body } = httpErrorOf(err);
    if (status >= 500) request.log.error({ code: body.code, err: (err as Error).name }, 'request failed');
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const { status, body } = httpErrorOf(
      partnerError('ERR_HTTP_NOT_FOUND', `no route answers ${request.method} ${request.url.split('?')[0]}`),
    );
    return reply.code(status).send(body);
  });
  await app.register(metadataRoutes(options.services.metadata));
  for (const plugin of options.extraRoutes ?? []) await app.register(plugin);
  return app;
}

/**
 * Router failures before any route runs (a path that does not percent-decode, a parameter over the length
 * limit): fastify's own answers repeat the path in the body; ours never do (docs/security.md).
 */
async function badUrlHandler(err: Error, _request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const code = (err as { code?: string }).code;
  const failure =
    code === 'FST_ERR_BAD_URL' || code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? partnerError('ERR_HTTP_BAD_URL', 'the request path is not a valid URL path')
      : err;
  const { status, body } = httpErrorOf(failure);
  await reply.code(status).type('application/json; charset=utf-8').send(body);
}
