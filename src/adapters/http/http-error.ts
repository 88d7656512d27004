/**
 * The one place where errors become HTTP answers (conventions.md §5): S2sError category → status, and a
 * safe JSON body `{ error, error_description, code }`. Internal failures and foreign errors never show
 * their message (it may name internals); client errors raised by the framework get a generic text.
 */
import { S2sError } from '../../core/index.ts';
import type { ErrorCategory } from '../../core/index.ts';

/** HTTP status per error category (docs/errors.md). */
export const HTTP_STATUS_BY_CATEGORY: Readonly<Record<ErrorCategory, number>> = {
  usage: 400,
  not_found: 404,
  conflict: 409,
  refused: 403,
  unavailable: 503,
  internal: 500,
};

/** The JSON body of every error answer. */
export interface HttpErrorBody {
  readonly error: string;
  readonly error_description: string;
  readonly code: string;
}

/** Maps any thrown value to a status and a safe body. */
export function httpErrorOf(err: unknown): { status: number; body: HttpErrorBody } {
  if (err instanceof S2sError) {
    const internal = err.category === 'internal';
    return {
      status: HTTP_STATUS_BY_CATEGORY[err.category],
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
