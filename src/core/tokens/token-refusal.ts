/**
 * Turning a refusal into the Exchange-compatible wire form (docs/protocol.md §6.2): `401`, a Bearer challenge
 * naming our realm, our client id and the issuers we trust, and an `x-ms-diagnostics` header.
 */
import type { ErrorDefinition, S2sError } from '../shared/errors.ts';
import { TOKEN_ERRORS } from './token-errors.ts';
import type { TokenErrorCode } from './token-errors.ts';
import type { S2sRefusal } from './validation-outcome.ts';
import {
  diagnosticCategory,
  diagnosticCategoryCode,
  formatMsDiagnostics,
  headerSafe,
} from './ms-diagnostics.ts';

/** Who we are and whom we trust, as the challenge names them. */
export interface ChallengeParameters {
  readonly realm: string;
  readonly serviceName: string;
  /** `<id>@<realm>` of every issuer we accept (empty realm rendered `*`). */
  readonly trustedIssuers: readonly string[];
}

/** Detail code of ERR_TOKEN_VALIDATION_FAULT: an unexpected fault still refuses the token. */
const FAULT_DETAIL = 8101;

/** `Bearer realm="…", client_id="…", trusted_issuers="…"` (+ `, error="invalid_token"`). */
export function bearerChallenge(params: ChallengeParameters, invalidToken: boolean): string {
  const issuers = params.trustedIssuers.map((i) => headerSafe(i)).join(',');
  const base = `Bearer realm="${headerSafe(params.realm)}", client_id="${headerSafe(params.serviceName)}", trusted_issuers="${issuers}"`;
  return invalidToken ? `${base}, error="invalid_token"` : base;
}

/** Builds the wire refusal for a token error (an S2sError whose code is in TOKEN_ERRORS with a diagnostic). */
export function refusalFor(err: S2sError, params: ChallengeParameters): S2sRefusal {
  const tokenCode = isTokenErrorCode(err.code) ? err.code : undefined;
  const definition: ErrorDefinition | undefined = tokenCode ? TOKEN_ERRORS[tokenCode] : undefined;
  const known = tokenCode !== undefined && definition?.diagnostic !== undefined;
  const detail = definition?.diagnostic?.code ?? FAULT_DETAIL;
  const category = diagnosticCategory(detail);
  const categoryCode = diagnosticCategoryCode(detail);
  const bare = err.code === 'ERR_TOKEN_MISSING';
  return {
    code: known ? tokenCode : 'ERR_TOKEN_VALIDATION_FAULT',
    diagnostic: { code: detail, category, categoryCode },
    message: known ? err.message : 'token validation failed because of an internal fault',
    status: 401,
    wwwAuthenticate: bearerChallenge(params, !bare),
    msDiagnostics: bare ? null : formatMsDiagnostics(detail, known ? err.message : 'internal fault'),
  };
}

function isTokenErrorCode(code: string): code is TokenErrorCode {
  return Object.hasOwn(TOKEN_ERRORS, code);
}
