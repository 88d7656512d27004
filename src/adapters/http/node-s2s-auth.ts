/**
 * S2S authentication for any Node HTTP stack (node:http, connect, Express): the framework-neutral twin
 * of the fastify `requireS2sAuth`. Same validator, same wire behaviour on refusal (docs/protocol.md §6.2):
 * 401 with the Bearer challenge, `x-ms-diagnostics` and a JSON body that never echoes the token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { S2sPrincipal, ValidationOutcome } from '../../core/index.ts';
import type { BearerValidator } from './s2s-auth.ts';

/** A request that passed authentication carries its caller. */
export interface S2sAuthenticatedRequest extends IncomingMessage {
  s2sPrincipal?: S2sPrincipal;
}

export interface NodeS2sAuthOptions {
  /**
   * The origin partners address this service by (`https://pool.contoso.com`). When absent, the request's
   * own scheme and Host header are used; the validator still accepts only the configured host names
   * (`s2s oauth set --host-names`), so a forged Host header cannot widen the audience.
   */
  readonly publicOrigin?: string;
  /** Told of every outcome (metrics); must not throw. */
  readonly onAuthResult?: (outcome: ValidationOutcome) => void;
}

/** The URL the request was made on, as the audience check sees it. */
export function nodeRequestUrl(req: IncomingMessage, publicOrigin?: string): string {
  if (publicOrigin !== undefined) return new URL(req.url ?? '/', publicOrigin).toString();
  const scheme = (req.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
  return `${scheme}://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
}

/**
 * Returns a connect-style middleware `(req, res, next)`: on success `req.s2sPrincipal` is set and `next()`
 * is called; on refusal the 401 is written and `next` is not called.
 */
export function s2sNodeMiddleware(tokens: BearerValidator, options: NodeS2sAuthOptions = {}) {
  return (req: S2sAuthenticatedRequest, res: ServerResponse, next: (err?: unknown) => void): void => {
    Promise.resolve(
      tokens.validate({
        authorization: req.headers.authorization,
        requestUrl: nodeRequestUrl(req, options.publicOrigin),
      }),
    )
      .then((outcome) => {
        try {
          options.onAuthResult?.(outcome);
        } catch {
          // a metrics listener never decides authentication
        }
        if (outcome.ok) {
          req.s2sPrincipal = outcome.principal;
          next();
          return;
        }
        const { refusal } = outcome;
        const headers: Record<string, string> = {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          'www-authenticate': refusal.wwwAuthenticate,
        };
        if (refusal.msDiagnostics !== null) headers['x-ms-diagnostics'] = refusal.msDiagnostics;
        res.writeHead(refusal.status, headers);
        res.end(
          JSON.stringify({ error: 'invalid_token', error_description: refusal.message, code: refusal.code }),
        );
      })
      .catch(next);
  };
}
