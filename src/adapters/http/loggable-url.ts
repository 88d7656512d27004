/**
 * The request target as the access log writes it (docs/security.md "Secrets in logs"): the path only —
 * the query string may carry `access_token` (RFC 6750 §2.3) or anything else a caller put there — and
 * any path segment long enough to be a token or a key (over 64 characters) replaced by its length.
 */

/** Longest path segment logged verbatim: item ids (36), SIP addresses and route names fit; tokens do not. */
const MAX_SEGMENT = 64;

/** `url` without query or fragment, long segments as `[N chars]`, at most 512 characters. */
export function loggableUrl(url: string): string {
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  const shown = path
    .split('/')
    .map((segment) => (segment.length > MAX_SEGMENT ? `[${segment.length} chars]` : segment))
    .join('/');
  const suffix = end === -1 ? '' : '?[query not logged]';
  return `${shown.slice(0, 512)}${suffix}`;
}
