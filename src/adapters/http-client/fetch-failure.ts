/** Maps transport failures of a metadata fetch (undici, Node TLS and socket errors) to ERR_METADATA_… codes. */
import { isTlsTrustFailure } from '../../core/shared/tls-failure.ts';
import { S2sError } from '../../core/index.ts';
import { partnerError } from '../../core/partners/partner-errors.ts';

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** The S2sError for a failed request to `url`; `deadlinePassed` when the overall deadline aborted it. */
export function transportError(err: unknown, url: string, deadlinePassed: boolean): S2sError {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    if (e instanceof S2sError) return e; // ours, raised inside the connection (a refused lookup)
    e = (e as { cause?: unknown }).cause;
  }
  const code = errorCode(err);
  if (deadlinePassed || TIMEOUT_CODES.has(code)) {
    return partnerError('ERR_METADATA_TIMEOUT', `fetching ${url} timed out`, { url }, err);
  }
  if (isTlsTrustFailure(code)) {
    return partnerError(
      'ERR_METADATA_TLS_UNTRUSTED',
      `the TLS certificate of ${new URL(url).host} is not trusted (${code})`,
      { url, reason: code },
      err,
    );
  }
  return partnerError(
    'ERR_METADATA_UNREACHABLE',
    `${new URL(url).host} could not be reached for ${url} (${code || 'connection failed'})`,
    { url, reason: code },
    err,
  );
}

/** The first `code` found on the error or its causes. */
function errorCode(err: unknown): string {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && code !== 'UND_ERR') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return '';
}
