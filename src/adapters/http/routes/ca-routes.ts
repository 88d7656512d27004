/**
 * The built-in CA over HTTPS (docs/ca.md "Enrollment protocol"):
 * - POST /ca/enroll — HTTP Basic CA account credentials (RFC 7617), JSON `{ template, csr }` with a PKCS#10
 *   PEM; answers the chain as `application/pem-certificate-chain` (RFC 8555 §9.1), leaf first.
 * - GET /ca/crl — the current CRL, DER (`application/pkix-crl`, RFC 5280 §5), a cached signed copy.
 * Each handler: parse → authenticate → act. Refusals are mapped by the one error edge (http-error.ts:
 * `{ error, error_description, code }`, internal causes hidden) and never echo the password.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { S2sError, sharedError } from '../../../core/index.ts';
import type { CaService } from '../../../services/index.ts';
import { httpErrorOf } from '../http-error.ts';

export interface CaRoutesOptions {
  readonly ca: CaService;
}

/** Largest accepted enrollment body, bytes (a 4096-bit request PEM is under 2 KiB). */
const BODY_LIMIT = 64 * 1024;
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
            .send(
              httpErrorOf(sharedError('ERR_USAGE', 'CA account credentials are required (HTTP Basic)')).body,
            );
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

function sendError(reply: FastifyReply, err: unknown) {
  const { status, body } = httpErrorOf(err);
  if (status === 401) reply.header('www-authenticate', 'Basic realm="s2s-ca", charset="UTF-8"');
  const retryAfter = err instanceof S2sError ? err.details.retryAfterSeconds : undefined;
  if (status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.code(status).send(body);
}
