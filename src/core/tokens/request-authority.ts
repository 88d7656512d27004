/**
 * The authority of the request URL, which the audience host must name when no host names are configured
 * (docs/protocol.md §2.2). Parsed with the WHATWG URL parser, memoized on the URL's `scheme://authority`
 * prefix: requests to one server differ only in their paths, and the parser reads the authority from
 * that prefix alone (it ends at the first `/`, `\`, `?` or `#` of an http(s) URL).
 */
import { normalizeAuthority } from './principal-name.ts';

/** The request's scheme and its authority normalized as an audience carries it. */
export interface RequestAuthority {
  readonly protocol: string;
  readonly host: string;
}

let memoPrefix = '';
let memo: RequestAuthority | null = null;

/** The authority of `requestUrl`, or null when it is not a URL. */
export function requestAuthority(requestUrl: string | URL): RequestAuthority | null {
  if (typeof requestUrl !== 'string') return authorityOf(requestUrl);
  const prefix = schemeAndAuthority(requestUrl);
  if (prefix !== null && prefix === memoPrefix) return memo;
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  const result = authorityOf(url);
  if (prefix !== null) {
    memoPrefix = prefix;
    memo = result;
  }
  return result;
}

function authorityOf(url: URL): RequestAuthority {
  return { protocol: url.protocol, host: normalizeAuthority(url.host, url.protocol) };
}

/** The prefix returned last: the same prefix again is that very string (no slice, compared by identity). */
let lastPrefix = '';

/**
 * `http(s)://<authority>` exactly as written when plain — the authority (up to the first `/`, `\`, `?`,
 * `#` or the end) non-empty and only `A–Z a–z 0–9 . : [ ] -` — else null (then nothing is memoized).
 * One pass over the authority's characters, never over the path.
 */
export function schemeAndAuthority(url: string): string | null {
  const start = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : -1;
  if (start === -1) return null;
  let end = start;
  for (; end < url.length; end++) {
    const c = url.charCodeAt(end);
    if (c === 0x2f || c === 0x5c || c === 0x3f || c === 0x23) break; // / \ ? #
    if (c >= 0x80 || AUTHORITY_CHAR[c] !== 1) return null;
  }
  if (end === start) return null;
  if (end === lastPrefix.length && url.startsWith(lastPrefix)) return lastPrefix;
  return (lastPrefix = url.slice(0, end));
}

/** 1 for the characters of a plain authority: `A–Z a–z 0–9 . : [ ] -`. */
const AUTHORITY_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.:[]-')
  AUTHORITY_CHAR[c.charCodeAt(0)] = 1;
