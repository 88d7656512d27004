/**
 * S2S identifiers (docs/protocol.md §2.2): principal names `<id>@<realm>` and audiences
 * `<id>/<host>@<realm>`, parsed as Exchange does, compared case-insensitively (§2.1 [I]).
 */

/** `<principal id>@<realm>` (an `iss` or an actor `nameid`). */
export interface PrincipalName {
  readonly id: string;
  readonly realm: string;
}

/** `<principal id>/<host>@<realm>` (an `aud`). */
export interface Audience {
  readonly id: string;
  readonly host: string;
  readonly realm: string;
}

/** Visible ASCII only: identifiers never carry spaces, controls or non-ASCII. */
const VISIBLE = /^[\x21-\x7e]+$/;

/**
 * Parses an audience the way Exchange does: id before the first `/`, realm after the last `@`, host
 * between; null when either separator is missing, `@` precedes `/`, or the id or host is empty.
 * The realm may come back empty: the caller refuses it (Exchange 4001).
 */
export function parseAudience(value: string): Audience | null {
  const slash = value.indexOf('/');
  const at = value.lastIndexOf('@');
  if (slash <= 0 || at < 0 || at < slash || !VISIBLE.test(value)) return null;
  const host = value.slice(slash + 1, at);
  if (host.length === 0) return null;
  return { id: value.slice(0, slash), host, realm: value.slice(at + 1) };
}

/**
 * Parses `<id>@<realm>`: realm after the last `@`. Stricter than Exchange (which would also read
 * `<id>/<host>@<realm>`): an S2S issuer or nameid never carries a host, so `/` is refused.
 */
export function parsePrincipalName(value: string): PrincipalName | null {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1 || value.includes('/') || !VISIBLE.test(value)) return null;
  const id = value.slice(0, at);
  if (id.includes('@')) return null;
  return { id, realm: value.slice(at + 1) };
}

/** Compares principal ids, realms or host names case-insensitively (docs/protocol.md §2.1). */
export function sameName(a: string, b: string): boolean {
  // Equal as written (what we emit, and what partners send back) needs no lower-casing.
  return a === b || (a.length === b.length && a.toLowerCase() === b.toLowerCase());
}

/** Formats `<id>/<host>@<realm>` in lower case, as we emit it (docs/protocol.md §2.1). */
export function formatAudience(id: string, host: string, realm: string): string {
  return `${id}/${host}@${realm}`.toLowerCase();
}

/** Formats `<id>@<realm>` in lower case. */
export function formatPrincipalName(id: string, realm: string): string {
  return `${id}@${realm}`.toLowerCase();
}

/**
 * The URL authority as an audience carries it: lower-case host, plus `:port` only when not the scheme's
 * default (docs/protocol.md §2.2; .NET `Uri.Authority`). `host:443` in an audience is read as `host`.
 */
export function normalizeAuthority(authority: string, scheme = 'https:'): string {
  const lower = authority.toLowerCase();
  const defaultPort = scheme === 'http:' ? ':80' : ':443';
  return lower.endsWith(defaultPort) ? lower.slice(0, -defaultPort.length) : lower;
}
