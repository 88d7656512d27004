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

const STOPS = ['/', '\\', '?', '#'] as const;
/** Only a plain authority is memoized: no userinfo, percent-escapes, white space or controls to reinterpret. */
const PLAIN_PREFIX = /^https?:\/\/[A-Za-z0-9.:[\]-]+$/;
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

/** `http(s)://<authority>` exactly as written when plain, else null (then nothing is memoized). */
export function schemeAndAuthority(url: string): string | null {
  const start = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : -1;
  if (start === -1) return null;
  let end = url.length;
  for (const stop of STOPS) {
    const i = url.indexOf(stop, start);
    if (i !== -1 && i < end) end = i;
  }
  const prefix = url.slice(0, end);
  return PLAIN_PREFIX.test(prefix) ? prefix : null;
}
