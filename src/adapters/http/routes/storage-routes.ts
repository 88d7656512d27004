/**
 * The storage service over HTTPS (docs/storage.md): JSON under `/storage/v1`, every call but the
 * OpenAPI document authenticated with an S2S bearer token. Each handler is the same list of named steps
 * (docs/architecture.md, convention 10): parse → authenticate → authorize (resolve the acting user, docs/protocol.md §2.6
 * step 5) → act. Refusals keep Exchange's wire shape: 401 + WWW-Authenticate + x-ms-diagnostics (§6.2).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  S2sError,
  diagnosticCategory,
  diagnosticCategoryCode,
  formatMsDiagnostics,
  sharedError,
} from '../../../core/index.ts';
import type { S2sPrincipal, ValidationOutcome } from '../../../core/index.ts';
import { httpErrorOf, sendRefusal } from '../http-error.ts';
import { requestUrlOf } from '../s2s-auth.ts';
import type { BearerValidator } from '../s2s-auth.ts';
import {
  MAILBOX_FOLDERS,
  normalizeSip,
  STORAGE_API_PREFIX,
  STORAGE_ERRORS,
  storageOpenApi,
} from '../../../core/storage/index.ts';
import type { StorageScope } from '../../../core/storage/index.ts';
import type { StorageService } from '../../../services/index.ts';

export type { BearerValidator };

export interface StorageRoutesOptions {
  readonly storage: StorageService;
  readonly tokens: BearerValidator;
  /**
   * The origin the OpenAPI document names for a request on `requestUrl`: a configured host name, never the
   * request's Host (docs/security.md "Host header"); the server passes `metadata.publishedOrigin`.
   */
  readonly publishedOrigin: (requestUrl: string) => Promise<string>;
  /** Told of every authentication outcome (metrics). */
  readonly onAuthResult?: ((outcome: ValidationOutcome) => void) | undefined;
}

/** Largest accepted request body, bytes (an item is at most 64 Ki characters of body plus a subject). */
const BODY_LIMIT = 256 * 1024;

type Params = { sip: string; folder: string; id: string };

/** Builds the storage plugin; register it on the HTTPS app. */
export function storageRoutes(options: StorageRoutesOptions): FastifyPluginAsync {
  const { storage } = options;
  return async (app: FastifyInstance) => {
    const authorized = async (req: FastifyRequest, reply: FastifyReply, scope: StorageScope) => {
      const principal = await authenticate(app, options, req, reply);
      if (!principal) return null;
      return storage.authorize(principal, scope);
    };
    const mailbox = (req: FastifyRequest) =>
      ({ kind: 'mailbox', owner: normalizeSip((req.params as Params).sip) }) as const;

    app.get(`${STORAGE_API_PREFIX}/openapi.json`, async (req) =>
      storageOpenApi(await options.publishedOrigin(requestUrlOf(req))),
    );

    app.get(
      `${STORAGE_API_PREFIX}/folders`,
      guard(options, async (req, reply) => {
        if (!(await authorized(req, reply, { kind: 'app' }))) return;
        return { folders: [...MAILBOX_FOLDERS] };
      }),
    );

    const items = `${STORAGE_API_PREFIX}/users/:sip/folders/:folder/items`;
    app.post(
      items,
      { bodyLimit: BODY_LIMIT },
      guard(options, async (req, reply) => {
        const access = await authorized(req, reply, mailbox(req));
        if (!access) return;
        const p = req.params as Params;
        const item = await storage.createItem(p.sip, p.folder, req.body, access.createdBy);
        return reply
          .code(201)
          .header('location', `${req.url.replace(/\/+$/, '')}/${item.id}`)
          .send(item);
      }),
    );
    app.get(
      items,
      guard(options, async (req, reply) => {
        if (!(await authorized(req, reply, mailbox(req)))) return;
        const p = req.params as Params;
        const q = (req.query ?? {}) as { limit?: unknown; cursor?: unknown };
        return storage.listItems(p.sip, p.folder, { limit: q.limit, cursor: q.cursor });
      }),
    );
    app.get(
      `${items}/:id`,
      guard(options, async (req, reply) => {
        if (!(await authorized(req, reply, mailbox(req)))) return;
        const p = req.params as Params;
        // JSON text kept per store version (docs/storage.md "Read model"): sent as is, not serialized again.
        return reply
          .type('application/json; charset=utf-8')
          .send(await storage.getItemJson(p.sip, p.folder, p.id));
      }),
    );
    app.delete(
      `${items}/:id`,
      guard(options, async (req, reply) => {
        const access = await authorized(req, reply, mailbox(req));
        if (!access) return;
        const p = req.params as Params;
        await storage.deleteItem(p.sip, p.folder, p.id, access.createdBy);
        return reply.code(204).send();
      }),
    );
  };
}

/**
 * Authenticates the bearer token with the app's `requireS2sAuth` preHandler when the app has one (it
 * answers 401 with the challenge and x-ms-diagnostics itself), else with the validator directly.
 */
async function authenticate(
  app: FastifyInstance,
  options: StorageRoutesOptions,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<S2sPrincipal | null> {
  if (app.hasDecorator('requireS2sAuth')) {
    await app.requireS2sAuth(req, reply);
    return reply.sent ? null : req.s2sPrincipal;
  }
  const outcome = await options.tokens.validate({
    authorization: req.headers.authorization,
    requestUrl: requestUrlOf(req),
  });
  options.onAuthResult?.(outcome);
  if (outcome.ok) return outcome.principal;
  await sendRefusal(reply, outcome.refusal);
  return null;
}

/** Maps any failure of a handler to its HTTP answer, once. */
function guard(
  options: StorageRoutesOptions,
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      return await handler(req, reply);
    } catch (err) {
      const failure =
        err instanceof S2sError ? err : sharedError('ERR_INTERNAL', 'the storage request failed');
      if (!(err instanceof S2sError)) req.log.error({ err }, 'storage request failed');
      return sendFailure(options, req, reply, failure);
    }
  };
}

/** User-resolution refusals are 401s with Exchange's invalid_user diagnostics (6001–6003); others by category. */
async function sendFailure(
  options: StorageRoutesOptions,
  req: FastifyRequest,
  reply: FastifyReply,
  failure: S2sError,
) {
  const diagnostic = (STORAGE_ERRORS as Record<string, { diagnostic?: { code: number; category: string } }>)[
    failure.code
  ]?.diagnostic;
  const { status, body } = httpErrorOf(failure);
  if (!diagnostic) return reply.code(status).send(body);
  // The challenge is the validator's own (an empty bearer gets the bare challenge naming realm and issuers).
  const challenge = await options.tokens.validate({ authorization: 'Bearer', requestUrl: requestUrlOf(req) });
  const bare = challenge.ok ? 'Bearer' : challenge.refusal.wwwAuthenticate;
  return sendRefusal(reply, {
    code: body.code,
    diagnostic: {
      code: diagnostic.code,
      category: diagnosticCategory(diagnostic.code),
      categoryCode: diagnosticCategoryCode(diagnostic.code),
    },
    message: body.error_description,
    status: 401,
    wwwAuthenticate: /error=/.test(bare) ? bare : `${bare}, error="invalid_token"`,
    msDiagnostics: formatMsDiagnostics(diagnostic.code, failure.message),
  });
}
