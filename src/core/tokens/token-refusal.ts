/**
 * Turning a refusal into the Exchange-compatible wire form (protocol.md §6.2): `401`, a Bearer challenge
 * naming our realm, our client id and the issuers we trust, and an `x-ms-diagnostics` header.
 */
import type { ErrorDefinition, S2sError } from '../shared/errors.ts';
import { TOKEN_ERRORS } from './token-errors.ts';
import type { TokenErrorCode } from './token-errors.ts';
import type { S2sRefusal } from './validation-outcome.ts';

/** Who we are and whom we trust, as the challenge names them. */
export interface ChallengeParameters {
  readonly realm: string;
  readonly serviceName: string;
  /** `<id>@<realm>` of every issuer we accept (empty realm rendered `*`). */
  readonly trustedIssuers: readonly string[];
}

/** Detail code of ERR_TOKEN_VALIDATION_FAULT: an unexpected fault still refuses the token. */
const FAULT_DETAIL = 8101;

/** Exchange category names by `floor(detail / 1000)` (protocol.md §6.2). */
const CATEGORIES: Readonly<Record<number, string>> = {
  1: 'invalid_signature',
  2: 'invalid_token',
  3: 'token_expired',
  4: 'invalid_resource',
  5: 'invalid_tenant',
  6: 'invalid_user',
  7: 'invalid_client',
  8: 'internal_error',
  9: 'invalid_grant',
  10: 'invalid_certificate',
};

/** The category code: 2000000 + floor(detail / 1000) − 1 (protocol.md §6.2). */
export function diagnosticCategoryCode(detail: number): number {
  return 2000000 + Math.floor(detail / 1000) - 1;
}

/** The category name of a detail code. */
export function diagnosticCategory(detail: number): string {
  return CATEGORIES[Math.floor(detail / 1000)] ?? 'internal_error';
}

/** `Bearer realm="…", client_id="…", trusted_issuers="…"` (+ `, error="invalid_token"`). */
export function bearerChallenge(params: ChallengeParameters, invalidToken: boolean): string {
  const issuers = params.trustedIssuers.map((i) => headerSafe(i)).join(',');
  const base = `Bearer realm="${headerSafe(params.realm)}", client_id="${headerSafe(params.serviceName)}", trusted_issuers="${issuers}"`;
  return invalidToken ? `${base}, error="invalid_token"` : base;
}

/** Builds the wire refusal for a token error (an S2sError whose code is in TOKEN_ERRORS with a diagnostic). */
export function refusalFor(err: S2sError, params: ChallengeParameters): S2sRefusal {
  const definition: ErrorDefinition | undefined = Object.hasOwn(TOKEN_ERRORS, err.code)
    ? TOKEN_ERRORS[err.code as TokenErrorCode]
    : undefined;
  const known = definition?.diagnostic !== undefined;
  const detail = definition?.diagnostic?.code ?? FAULT_DETAIL;
  const category = diagnosticCategory(detail);
  const categoryCode = diagnosticCategoryCode(detail);
  const bare = err.code === 'ERR_TOKEN_MISSING';
  return {
    code: known ? err.code : 'ERR_TOKEN_VALIDATION_FAULT',
    diagnostic: { code: detail, category, categoryCode },
    message: known ? err.message : 'token validation failed because of an internal fault',
    status: 401,
    wwwAuthenticate: bearerChallenge(params, !bare),
    msDiagnostics: bare
      ? null
      : `${categoryCode};reason="${headerSafe(known ? err.message : 'internal fault')}";error_category="${category}"`,
  };
}

/** Keeps a value safe inside a quoted header parameter: visible ASCII and spaces, no quotes or backslashes. */
export function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, "'").slice(0, 300);
}
