/**
 * The built-in CA over HTTPS (docs/ca.md "Enrollment protocol"):
 * - POST /ca/enroll — HTTP Basic CA account credentials (RFC 7617), JSON `{ template, csr }` with a PKCS#10
 *   PEM; answers the chain as `application/pem-certificate-chain` (RFC 8555 §9.1), leaf first.
 * - GET /ca/crl — the current CRL, DER (`application/pkix-crl`, RFC 5280 §5), a cached signed copy.
 * Each handler: parse → authenticate → act. Refusals answer `{ error: { code, message } }` and never echo
 * the password.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { S2sError, sharedError } from '../../../core/index.ts';
import type { CaService } from '../../../services/index.ts';

export interface CaRoutesOptions {
  readonly ca: CaService;
}

/** Largest accepted enrollment body, bytes (a 4096-bit request PEM is under 2 KiB). */
const BODY_LIMIT = 64 * 1024;
const STATUS: Readonly<Record<S2sError['category'], number>> = {
  usage: 400,
  not_found: 404,
  conflict: 409,
  refused: 403,
  unavailable: 503,
  internal: 500,
};

/** Refusals answered 429 Too Many Requests with Retry-After (RFC 6585 §4; docs/ca.md "Enrollment limits"). */
const RATE_LIMITED: ReadonlySet<string> = new Set(['ERR_CA_ACCOUNT_LOCKED', 'ERR_CA_ENROLL_RATE_LIMITED']);

/** Builds the CA plugin; pass it to createHttpApp's `extraRoutes`. */
export function caRoutes(options: CaRoutesOptions): FastifyPluginAsync {
  const { ca } = options;
  return async (app: FastifyInstance) => {
    app.post('/ca/enroll', { bodyLimit: BODY_LIMIT }, async (req, reply) => {
      try {
        const body = parseEnrollBody(req.body);
        const credentials = parseBasic(req.headers.authorization);
        if (!credentials) {
          return reply
            .code(401)
            .header('www-authenticate', 'Basic realm="s2s-ca", charset="UTF-8"')
            .send(errorBody(sharedError('ERR_USAGE', 'CA account credentials are required (HTTP Basic)')));
        }
        const chain = await ca.authority.enroll({ ...credentials, ...body, client: req.ip });
        return reply.code(200).type('application/pem-certificate-chain').send(chain);
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.get('/ca/crl', async (_req, reply) => {
      try {
        return reply
          .code(200)
          .type('application/pkix-crl')
          .header('cache-control', 'max-age=300')
          .send(await ca.authority.crl());
      } catch (err) {
        return sendError(reply, err);
      }
    });
  };
}

function parseEnrollBody(body: unknown): { template: string; csr: string } {
  const b = (body ?? {}) as { template?: unknown; csr?: unknown };
  if (typeof b.csr !== 'string' || b.csr.length === 0)
    throw sharedError('ERR_USAGE', 'the body needs "csr": a PKCS#10 request in PEM');
  if (b.template !== undefined && typeof b.template !== 'string')
    throw sharedError('ERR_USAGE', '"template" must be a template name');
  return {
    template: typeof b.template === 'string' && b.template !== '' ? b.template : 'WebServer',
    csr: b.csr,
  };
}

/** RFC 7617: `Basic base64(user ":" password)`. */
function parseBasic(header: string | undefined): { account: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { account: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function errorBody(err: S2sError) {
  return { error: { code: err.code, message: err.message } };
}

function sendError(reply: FastifyReply, err: unknown) {
  const failure =
    err instanceof S2sError ? err : sharedError('ERR_INTERNAL', 'the CA failed to process the request');
  const status = RATE_LIMITED.has(failure.code)
    ? 429
    : failure.code === 'ERR_CA_ACCOUNT_INVALID'
      ? 401
      : STATUS[failure.category];
  if (status === 401) reply.header('www-authenticate', 'Basic realm="s2s-ca", charset="UTF-8"');
  const retryAfter = failure.details.retryAfterSeconds;
  if (status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.code(status).send(errorBody(failure));
}
