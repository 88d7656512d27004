/**
 * The origin our public documents name (docs/security.md "Host header"): one of the configured host names,
 * never the request's Host header. The metadata document, OIDC discovery and the storage OpenAPI document
 * are served with `Cache-Control: public`; a URL built from a caller-controlled Host would let anyone plant
 * their own origin in a shared cache (RFC 9110 §7.2: Host is client input; RFC 9111 §4 keys caches on it).
 */
import { normalizeAuthority } from '../tokens/principal-name.ts';

/**
 * `https://<authority>` for a request made on `requestUrl`: the configured host name it was addressed to
 * when it is one of `hostNames` (compared as an audience host is: case-insensitive, default port
 * dropped), otherwise the canonical name — the first configured host name, else `fallbackHost` (the
 * node's name). Always https (OIDC Discovery §3 requires an https issuer).
 */
export function publishedOrigin(
  requestUrl: string,
  hostNames: readonly string[],
  fallbackHost: string,
): string {
  const requested = requestedAuthority(requestUrl);
  const match =
    requested === null ? undefined : hostNames.find((name) => normalizeAuthority(name) === requested);
  return `https://${match ?? hostNames[0] ?? fallbackHost}`;
}

function requestedAuthority(requestUrl: string): string | null {
  try {
    const url = new URL(requestUrl);
    return normalizeAuthority(url.host, url.protocol);
  } catch {
    return null;
  }
}
