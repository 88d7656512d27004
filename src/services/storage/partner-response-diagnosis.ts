/**
 * Turns what a partner answered into a named cause and fix (docs/storage.md: on failure it names the cause and
 * the fix). 401 bodies are read through their `x-ms-diagnostics` header (docs/protocol.md §6.2):
 * `<category>;reason="<text>";error_category="<name>"`.
 */
import { storageError } from '../../core/storage/index.ts';
import type { S2sError } from '../../core/index.ts';
import { parseMsDiagnostics } from '../../core/tokens/ms-diagnostics.ts';
import type { PartnerResponse, TransportFailure } from './partner-https-client.ts';

/** What the operator should do for each diagnostic category (docs/protocol.md §6.2 list). */
const HINTS: Readonly<Record<number, string>> = {
  2000000:
    'the partner holds a stale copy of our token-signing certificate: refresh our metadata on the partner (`s2s partner refresh`)',
  2000001: 'the partner does not trust us: register our metadata URL there with trust level Full',
  2000002: "the token expired on arrival: check both servers' clocks",
  2000003:
    'the partner is not addressed by one of its configured host names: add this host to its `oauth set --host-names`',
  2000004: "our realm is not the partner's: both sides must use the same realm (`s2s oauth get`)",
  2000006:
    'the partner does not know us as an enabled partner application: register or enable our metadata URL there',
};

/** Maps a 401 to the failure the operator sees. */
export function diagnoseUnauthorized(res: PartnerResponse, partner: string): S2sError {
  const diag = parseMsDiagnostics(res.headers['x-ms-diagnostics']);
  const challenge = res.headers['www-authenticate'] ?? '';
  if (!diag && !/\bbearer\b/i.test(challenge)) {
    return storageError(
      'ERR_CONNECTIVITY_UNAUTHORIZED',
      `partner ${partner} answered 401 without a Bearer challenge: it does not accept OAuth tokens`,
      { status: 401 },
    );
  }
  if (!diag) {
    return storageError(
      'ERR_CONNECTIVITY_UNAUTHORIZED',
      `partner ${partner} answered 401 with a bare Bearer challenge: it did not accept our token`,
      { status: 401, challenge },
    );
  }
  const details = {
    status: 401,
    diagnostics: res.headers['x-ms-diagnostics'],
    categoryCode: diag.categoryCode,
    category: diag.category,
  };
  if (diag.categoryCode === 2000005) {
    return storageError(
      'ERR_CONNECTIVITY_USER_NOT_FOUND',
      `partner ${partner} has no such user: ${diag.reason}`,
      details,
    );
  }
  const hint = HINTS[diag.categoryCode] ?? 'see the reason given by the partner';
  return storageError(
    'ERR_CONNECTIVITY_UNAUTHORIZED',
    `partner ${partner} refused our token (${diag.categoryCode} ${diag.category}: ${diag.reason}); ${hint}`,
    details,
  );
}

/** Maps any non-2xx storage response. */
export function diagnoseResponse(res: PartnerResponse, partner: string): S2sError {
  if (res.status === 401) return diagnoseUnauthorized(res, partner);
  // s2s answers `{ error, error_description, code }` (src/adapters/http/http-error.ts).
  const body = safeJson(res.text) as { code?: unknown; error_description?: unknown } | null;
  const code = typeof body?.code === 'string' ? body.code : null;
  const message =
    typeof body?.error_description === 'string' ? body.error_description.slice(0, 300) : `HTTP ${res.status}`;
  const details = { status: res.status, remoteCode: code, requestId: res.headers['x-request-id'] ?? null };
  if (res.status === 403)
    return storageError(
      'ERR_CONNECTIVITY_FORBIDDEN',
      `partner ${partner} refused the operation: ${message}`,
      details,
    );
  if (res.status === 404 && code === 'ERR_USER_UNKNOWN') {
    return storageError(
      'ERR_CONNECTIVITY_USER_NOT_FOUND',
      `partner ${partner} has no such user: ${message}`,
      details,
    );
  }
  return storageError(
    'ERR_CONNECTIVITY_BAD_RESPONSE',
    `partner ${partner} answered ${res.status}: ${message}`,
    details,
  );
}

/** Maps a request that got no response. */
export function diagnoseTransport(
  failure: TransportFailure,
  url: string,
  what: 'metadata' | 'storage',
): S2sError {
  const details = { url, code: failure.code };
  if (failure.kind === 'tls') {
    return storageError(
      'ERR_CONNECTIVITY_TLS_UNTRUSTED',
      `the TLS certificate of ${new URL(url).host} is not trusted (${failure.code})`,
      details,
    );
  }
  const code = what === 'metadata' ? 'ERR_CONNECTIVITY_METADATA_UNREACHABLE' : 'ERR_CONNECTIVITY_UNREACHABLE';
  return storageError(code, `${url} could not be reached (${failure.code}: ${failure.message})`, details);
}

/** Parses JSON, null when it is not. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
