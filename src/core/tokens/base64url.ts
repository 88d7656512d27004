/** Canonical base64url (RFC 7515 §2, RFC 4648 §5 without padding): the only encoding a token may use. */

const INDEX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Character code → 6-bit value, or 255 outside the alphabet. */
const VALUE = new Uint8Array(128).fill(255);
for (let i = 0; i < INDEX.length; i++) VALUE[INDEX.charCodeAt(i)] = i;

/**
 * Decodes `segment` only if it is the one canonical encoding of its bytes: alphabet `A–Z a–z 0–9 - _`,
 * no padding, no `+` or `/`, no whitespace and zero trailing bits (RFC 8725 §3.x: two encodings of one
 * token must not both verify). Returns null when not canonical.
 *
 * Node's decoder is lenient, and that is what this check is built on (base64url.test.ts holds it to a
 * character-by-character reference): it skips characters outside its alphabet and stops at `=`, so a
 * decoded length short of ⌊6n/8⌋ betrays any of them; its alphabet also takes `+` and `/`, found with
 * `indexOf`; and it reads only the low byte of a UTF-16 unit (`Ł` decodes as `A`), so the segment must be
 * ASCII first. Every check runs natively: no JavaScript loop over the characters.
 */
export function decodeBase64UrlCanonical(segment: string): Buffer | null {
  const n = segment.length;
  const rest = n & 3;
  if (rest === 1 || Buffer.byteLength(segment, 'utf8') !== n) return null;
  if (segment.indexOf('+') !== -1 || segment.indexOf('/') !== -1) return null;
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.length !== (n * 3) >> 2 || !zeroTrailingBits(segment, rest)) return null;
  return bytes;
}

/** True when `segment` is canonical base64url (see {@link decodeBase64UrlCanonical}). */
export function isCanonicalBase64Url(segment: string): boolean {
  return decodeBase64UrlCanonical(segment) !== null;
}

/**
 * The last character of a partial group carries unused bits that must be zero (2 characters carry 8
 * bits: 4 unused; 3 carry 16: 2 unused); otherwise two strings would decode to the same bytes.
 */
function zeroTrailingBits(segment: string, rest: number): boolean {
  if (rest === 0) return true;
  const last = VALUE[segment.charCodeAt(segment.length - 1)] ?? 255;
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** Encodes bytes or UTF-8 text as unpadded base64url. */
export function encodeBase64Url(data: Uint8Array | string): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)).toString('base64url');
}
