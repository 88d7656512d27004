/**
 * Authentication of incoming S2S calls (docs/protocol.md §2.6, §6.2): a preHandler that hands the
 * `Authorization` header and the request URL to the token validator and either attaches the principal
 * to the request or answers 401 with the challenge (`WWW-Authenticate`) and `x-ms-diagnostics`.
 */
import { sendRefusal } from './http-error.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { S2sPrincipal, ValidationOutcome } from '../../core/index.ts';

/** The part of TokenService the HTTP adapter uses (docs/metadata.md). */
export interface BearerValidator {
  validate(input: {
    authorization: string | undefined;
    requestUrl: string;
  }): ValidationOutcome | Promise<ValidationOutcome>;
  /**
   * The same verdict synchronously when it needs no store read (TokenService.validateNow), else null;
   * optional: without it every request takes `validate`.
   */
  validateNow?(input: { authorization: string | undefined; requestUrl: string }): ValidationOutcome | null;
}

/** Told of every authentication outcome (metrics); must not throw. */
export type AuthResultListener = (outcome: ValidationOutcome, request: FastifyRequest) => void;

/**
 * A fastify preHandler. It finishes synchronously (calling `done`, no promise) when the validator can
 * decide at once — the common case: a cached acceptance or a verification in line — and returns a
 * promise otherwise. Called directly without `done`, it may be awaited either way.
 */
export type S2sAuthHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
  done?: (err?: Error) => void,
) => Promise<void> | undefined;

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: authenticates the S2S bearer token; on success `request.s2sPrincipal` is set. */
    requireS2sAuth: S2sAuthHandler;
  }
  interface FastifyRequest {
    /** The authenticated caller, set by `requireS2sAuth`. */
    s2sPrincipal: S2sPrincipal | null;
  }
}

/** The URL the request was made on, as the validator checks the audience host against it. */
export function requestUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${request.url}`;
}

/** Builds the preHandler. */
export function s2sAuthHandler(tokens: BearerValidator, onAuthResult?: AuthResultListener): S2sAuthHandler {
  const conclude = (outcome: ValidationOutcome, request: FastifyRequest, reply: FastifyReply): boolean => {
    notify(onAuthResult, outcome, request);
    if (outcome.ok) {
      request.s2sPrincipal = outcome.principal;
      return true;
    }
    sendRefusal(reply, outcome.refusal);
    return false;
  };
  return (request, reply, done) => {
    const input = { authorization: request.headers.authorization, requestUrl: requestUrlOf(request) };
    const now = tokens.validateNow?.(input) ?? null;
    if (now !== null) {
      // A refusal has been sent: the chain stops there (fastify: a hook that replied does not call done).
      if (conclude(now, request, reply)) done?.();
      return undefined;
    }
    return Promise.resolve(tokens.validate(input)).then((outcome) => {
      conclude(outcome, request, reply);
    });
  };
}

/** Registers `requireS2sAuth` and `request.s2sPrincipal` on the root instance (visible to every plugin). */
export function installS2sAuth(
  app: FastifyInstance,
  tokens: BearerValidator,
  onAuthResult?: AuthResultListener,
): void {
  app.decorateRequest('s2sPrincipal', null);
  app.decorate('requireS2sAuth', s2sAuthHandler(tokens, onAuthResult));
}

function notify(
  listener: AuthResultListener | undefined,
  outcome: ValidationOutcome,
  request: FastifyRequest,
): void {
  try {
    listener?.(outcome, request);
  } catch (err) {
    request.log.warn({ err: (err as Error).name }, 'onAuthResult listener failed');
  }
}
