/**
 * The administration API (docs/admin.md "API"): HTTPS JSON under /admin/api/v1, one route per operation of
 * the table in src/core/admin/admin-operations.ts (`POST /admin/api/v1/operations/<id>` with
 * `{"args": [...]}`), the console's session endpoints, and the OpenAPI document. Every request is
 * authenticated — a Bearer API token, or the session cookie with its CSRF token for anything but GET — and
 * every operation goes through the gateway, which checks the role and audits. Refusals: 401
 * ERR_ADMIN_UNAUTHENTICATED / ERR_ADMIN_SIGN_IN_FAILED, 403 ERR_ADMIN_FORBIDDEN / ERR_ADMIN_CSRF, 429
 * ERR_ADMIN_LOCKED (docs/errors.md).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  ADMIN_OPERATIONS,
  S2sError,
  adminError,
  decodeWire,
  encodeWire,
  redactStoredSecrets,
  roleAllows,
  sharedError,
} from '../../../core/index.ts';
import type { AdminRole, AuditActor } from '../../../core/index.ts';
import { httpErrorOf } from '../http-error.ts';
import { adminOpenApi } from './admin-openapi.ts';

export const ADMIN_API_PREFIX = '/admin/api/v1';
/** `__Host-`: the browser keeps it only when Secure, Path=/ and without Domain (RFC 6265bis §4.1.3.2). */
export const SESSION_COOKIE = '__Host-s2s_session';
/** Largest request body of an operation, bytes (a PFX or a chain travels base64-encoded in it). */
const OPERATION_BODY_LIMIT = 8 * 1024 * 1024;

/** What the routes call (satisfied by the deployment's gateway and AdminService). */
export interface AdminApiPort {
  invoke(actor: AuditActor, id: string, args: readonly unknown[]): Promise<unknown>;
  signIn(
    name: string,
    password: string,
    from: string,
  ): Promise<{ sessionId: string; csrfToken: string; admin: string; role: AdminRole; expiresAt: string }>;
  session(
    sessionId: string,
  ): Promise<{ name: string; role: AdminRole; csrfHash: string; expiresAt: string } | undefined>;
  csrfMatches(session: { csrfHash: string }, csrfToken: string): boolean;
  csrfFor(sessionId: string): string;
  signOut(sessionId: string, actor: AuditActor): Promise<void>;
  verifyToken(text: string): Promise<{ name: string; role: AdminRole } | undefined>;
  changeOwnPassword(name: string, current: string, next: string, actor: AuditActor): Promise<void>;
  /** Records a refused request of a signed-in administrator (a failed CSRF check) in the audit log. */
  auditRefusal(actor: AuditActor, what: string, code: string): Promise<void>;
}

interface Caller {
  readonly actor: AuditActor;
  readonly sessionId?: string;
  readonly csrfHash?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** More routes served under the administration API's authentication, headers and error edge (the console's). */
export interface AdminRoutesOptions {
  readonly extraRoutes?: readonly FastifyPluginAsync[];
}

export function adminRoutes(api: AdminApiPort, options: AdminRoutesOptions = {}): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    // First: routes capture the error handler in force when they are added (and the console's routes are
    // registered with an await, which adds the ones before them at once).
    app.setErrorHandler(async (err, request, reply) => {
      const { status, body } = httpErrorOf(err);
      if (status >= 500) request.log.error({ code: body.code, err: (err as Error).name }, 'request failed');
      if (status === 401) reply.header('www-authenticate', 'Bearer realm="s2s-admin"');
      const details = err instanceof S2sError && body.code === err.code ? err.details : {};
      if (err instanceof S2sError && err.code === 'ERR_ADMIN_LOCKED')
        reply.header(
          'retry-after',
          String(typeof details.retryAfterSeconds === 'number' ? details.retryAfterSeconds : 30),
        );
      return reply
        .code(status)
        .type('application/json; charset=utf-8')
        .send({ ...body, details: encodeWire(details) ?? {} });
    });
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith(`${ADMIN_API_PREFIX}/`) && request.url !== ADMIN_API_PREFIX) return;
      reply
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .header('x-frame-options', 'DENY')
        .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    });

    app.get(`${ADMIN_API_PREFIX}/openapi.json`, async () => adminOpenApi());

    app.post(`${ADMIN_API_PREFIX}/session`, async (request, reply) => {
      requireJson(request);
      refuseCrossOrigin(request);
      const body = (request.body ?? {}) as { name?: unknown; password?: unknown };
      if (typeof body.name !== 'string' || typeof body.password !== 'string')
        throw adminError('ERR_ADMIN_SIGN_IN_FAILED', 'the administrator name or password is wrong');
      const signedIn = await api.signIn(body.name, body.password, request.ip);
      return reply
        .header(
          'set-cookie',
          `${SESSION_COOKIE}=${signedIn.sessionId}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${Math.max(
            0,
            Math.floor((Date.parse(signedIn.expiresAt) - Date.now()) / 1000),
          )}`,
        )
        .send({
          admin: signedIn.admin,
          role: signedIn.role,
          csrfToken: signedIn.csrfToken,
          expiresAt: signedIn.expiresAt,
        });
    });

    app.get(`${ADMIN_API_PREFIX}/session`, async (request) => {
      const caller = await authenticate(api, request);
      const who = { admin: caller.actor.name, role: caller.actor.role, kind: caller.actor.kind };
      // The CSRF token again, for a console page that was reloaded (the cookie is HttpOnly; scripts cannot read it).
      return caller.sessionId === undefined ? who : { ...who, csrfToken: api.csrfFor(caller.sessionId) };
    });

    app.delete(`${ADMIN_API_PREFIX}/session`, async (request, reply) => {
      const caller = await authenticate(api, request);
      if (caller.sessionId !== undefined) await api.signOut(caller.sessionId, caller.actor);
      return reply
        .header('set-cookie', `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`)
        .send({ signedOut: true });
    });

    // Any role changes its own password; an API token has none. Every session of the administrator ends.
    app.post(`${ADMIN_API_PREFIX}/session/password`, async (request, reply) => {
      const caller = await authenticate(api, request);
      requireJson(request);
      if (caller.sessionId === undefined)
        throw adminError(
          'ERR_ADMIN_FORBIDDEN',
          'an API token has no password to change; sign in as an administrator',
        );
      const body = (request.body ?? {}) as { currentPassword?: unknown; newPassword?: unknown };
      if (typeof body.currentPassword !== 'string' || typeof body.newPassword !== 'string')
        throw sharedError('ERR_USAGE', 'the body must be {"currentPassword": "…", "newPassword": "…"}');
      await api.changeOwnPassword(caller.actor.name, body.currentPassword, body.newPassword, caller.actor);
      return reply
        .header('set-cookie', `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`)
        .send({ changed: true, signedOut: true });
    });

    app.get(`${ADMIN_API_PREFIX}/operations`, async (request) => {
      const caller = await authenticate(api, request);
      const role = caller.actor.role;
      return {
        role,
        operations: ADMIN_OPERATIONS.filter((o) => role !== null && roleAllows(role, o)).map((o) => ({
          id: o.id,
          effect: o.effect,
          command: o.command,
        })),
      };
    });

    app.post<{ Params: { id: string } }>(
      `${ADMIN_API_PREFIX}/operations/:id`,
      { bodyLimit: OPERATION_BODY_LIMIT },
      async (request) => {
        const caller = await authenticate(api, request);
        requireJson(request);
        const body = (request.body ?? {}) as { args?: unknown };
        const args = body.args === undefined ? [] : body.args;
        if (!Array.isArray(args) || args.length > 8)
          throw sharedError('ERR_USAGE', 'the body must be {"args": [...]} (at most 8 arguments)');
        const result = await api
          .invoke(caller.actor, request.params.id, decodeWire(args) as unknown[])
          .catch((err: unknown) => {
            // A service reading a member of a missing or malformed argument: the caller's input, not a fault.
            if (err instanceof TypeError)
              throw sharedError(
                'ERR_USAGE',
                `the arguments do not fit ${request.params.id} (see GET ${ADMIN_API_PREFIX}/openapi.json)`,
              );
            throw err;
          });
        return { result: encodeWire(redactStoredSecrets(result)) ?? null };
      },
    );

    for (const plugin of options.extraRoutes ?? []) await app.register(plugin);
  };
}

/** The caller of a request: an API token, or a session cookie (CSRF-checked for anything but GET). */
export async function authenticate(api: AdminApiPort, request: FastifyRequest): Promise<Caller> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const principal = m ? await api.verifyToken(m[1]!) : undefined;
    if (!principal) {
      // Not an audit entry: anyone on the network could grow the store with them (docs/admin.md "Audit log").
      request.log.warn({ event: 'admin_unauthenticated', credential: 'token', from: request.ip }, 'refused');
      throw adminError(
        'ERR_ADMIN_UNAUTHENTICATED',
        'the API token is not valid (unknown, altered, revoked or expired)',
      );
    }
    return {
      actor: { kind: 'token', name: principal.name, role: principal.role, from: request.ip, via: 'api' },
    };
  }
  const sessionId = cookie(request, SESSION_COOKIE);
  const session = sessionId === undefined ? undefined : await api.session(sessionId);
  if (!session || sessionId === undefined)
    throw adminError(
      'ERR_ADMIN_UNAUTHENTICATED',
      'sign in first (POST /admin/api/v1/session) or send an API token (Authorization: Bearer …)',
    );
  const actor: AuditActor = {
    kind: 'admin',
    name: session.name,
    role: session.role,
    from: request.ip,
    via: 'console',
  };
  if (!SAFE_METHODS.has(request.method)) {
    try {
      refuseCrossOrigin(request);
      if (request.headers['content-type'] !== undefined) requireJson(request);
      const csrf = request.headers['x-csrf-token'];
      if (typeof csrf !== 'string' || !api.csrfMatches(session, csrf))
        throw adminError('ERR_ADMIN_CSRF', "the X-CSRF-Token header is missing or is not this session's");
    } catch (err) {
      // A forged request riding an administrator's session: recorded under that administrator.
      await api.auditRefusal(actor, `${request.method} ${request.url.split('?')[0] ?? ''}`, 'ERR_ADMIN_CSRF');
      throw err;
    }
  }
  return { actor, sessionId, csrfHash: session.csrfHash };
}

/** A browser's cross-site request (Origin of another site, or Sec-Fetch-Site cross-site / same-site) is refused. */
function refuseCrossOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  const own = `https://${request.headers.host ?? ''}`;
  if (origin !== undefined && origin !== own)
    throw adminError('ERR_ADMIN_CSRF', 'the request comes from another origin');
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    throw adminError('ERR_ADMIN_CSRF', 'the request comes from another site');
}

function requireJson(request: FastifyRequest): void {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type))
    throw adminError('ERR_ADMIN_CSRF', 'administration requests must be application/json');
}

/** One cookie's value; a name present twice (a cookie planted for a parent domain) counts as absent. */
function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  const values = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1));
  return values.length === 1 ? values[0] : undefined;
}
