/**
 * The one place where errors become HTTP answers (docs/architecture.md, convention 5): S2sError category → status, and a
 * safe JSON body `{ error, error_description, code }`. Internal failures and foreign errors never show
 * their message (it may name internals); client errors raised by the framework get a generic text.
 */
import { S2sError } from '../../core/index.ts';
import { isErrorCode } from '../../core/index.ts';
import type { ErrorCategory, ErrorCode, S2sRefusal } from '../../core/index.ts';
import type { FastifyReply } from 'fastify';

/** HTTP status per error category (docs/errors.md). */
export const HTTP_STATUS_BY_CATEGORY: Readonly<Record<ErrorCategory, number>> = {
  usage: 400,
  not_found: 404,
  conflict: 409,
  refused: 403,
  unavailable: 503,
  internal: 500,
};

/**
 * The codes whose HTTP status is not their category's: the CA's Basic-authentication refusal (401, RFC 7617)
 * and its enrollment limits (429 with Retry-After, RFC 6585 §4; docs/ca.md "Enrollment limits"); the
 * administration API's missing credentials (401, RFC 6750 §3) and sign-in lockout (429; docs/admin.md).
 */
export const HTTP_STATUS_BY_CODE: Readonly<Partial<Record<ErrorCode, number>>> = {
  ERR_CA_ACCOUNT_INVALID: 401,
  ERR_CA_ACCOUNT_LOCKED: 429,
  ERR_CA_ENROLL_RATE_LIMITED: 429,
  ERR_ADMIN_UNAUTHENTICATED: 401,
  ERR_ADMIN_SIGN_IN_FAILED: 401,
  ERR_ADMIN_LOCKED: 429,
};

/** The JSON body of every error answer. */
export interface HttpErrorBody {
  readonly error: string;
  readonly error_description: string;
  readonly code: ErrorCode;
}

/** Maps any thrown value to a status and a safe body. */
export function httpErrorOf(err: unknown): { status: number; body: HttpErrorBody } {
  if (err instanceof S2sError) {
    // An internal failure, or a code no catalog declares, answers only ERR_INTERNAL (the cause stays in logs).
    const internal = err.category === 'internal' || !isErrorCode(err.code);
    return {
      status:
        (isErrorCode(err.code) ? HTTP_STATUS_BY_CODE[err.code] : undefined) ??
        HTTP_STATUS_BY_CATEGORY[err.category],
      body: {
        error: err.category,
        error_description: internal ? 'internal error' : err.message,
        code: internal ? 'ERR_INTERNAL' : err.code,
      },
    };
  }
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Framework errors (bad JSON, body too large, unsupported media type): the status is informative, the text generic.
    return {
      status,
      body: {
        error: 'usage',
        error_description: `the request was refused (HTTP ${status})`,
        code: 'ERR_USAGE',
      },
    };
  }
  return {
    status: 500,
    body: { error: 'internal', error_description: 'internal error', code: 'ERR_INTERNAL' },
  };
}

/**
 * Answers a token refusal in Exchange's wire shape (docs/protocol.md §6.2): its status (401), the Bearer
 * challenge, `x-ms-diagnostics` when the token was not simply absent, `no-store`, and the same JSON body
 * shape as every other error. The one place a 401 for a token is written.
 */
export function sendRefusal(reply: FastifyReply, refusal: S2sRefusal): FastifyReply {
  reply
    .code(refusal.status)
    .header('www-authenticate', refusal.wwwAuthenticate)
    .header('cache-control', 'no-store');
  if (refusal.msDiagnostics !== null) reply.header('x-ms-diagnostics', refusal.msDiagnostics);
  const body: HttpErrorBody = {
    error: 'invalid_token',
    error_description: refusal.message,
    code: refusal.code,
  };
  return reply.send(body);
}
