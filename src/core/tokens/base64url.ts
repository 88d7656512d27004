/** Canonical base64url (RFC 7515 §2, RFC 4648 §5 without padding): the only encoding a token may use. */

/**
 * Decodes `segment` only if it is the one canonical encoding of its bytes: alphabet `A–Z a–z 0–9 - _`,
 * no padding, no `+` or `/`, no whitespace and zero trailing bits. Node's decoder is lenient (it skips
 * bad characters and ignores trailing bits), so canonicity is checked by re-encoding (RFC 8725 §3.x:
 * two encodings of one token must not both verify). Returns null when not canonical.
 */
export function decodeBase64UrlCanonical(segment: string): Buffer | null {
  return isCanonicalBase64Url(segment) ? Buffer.from(segment, 'base64url') : null;
}

const INDEX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Character code → 6-bit value, or 255 outside the alphabet (a table: this runs on every token byte). */
const VALUE = new Uint8Array(128).fill(255);
for (let i = 0; i < INDEX.length; i++) VALUE[INDEX.charCodeAt(i)] = i;

/**
 * True when `segment` is canonical: alphabet only, a length that is not 1 mod 4, and zero unused bits
 * in the last character (2 characters of a final group carry 8 bits: 4 unused; 3 carry 16: 2 unused).
 */
export function isCanonicalBase64Url(segment: string): boolean {
  const n = segment.length;
  const rest = n % 4;
  if (rest === 1) return false;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const c = segment.charCodeAt(i);
    last = c < 128 ? VALUE[c]! : 255;
    if (last === 255) return false;
  }
  if (rest === 0) return true;
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** Encodes bytes or UTF-8 text as unpadded base64url. */
export function encodeBase64Url(data: Uint8Array | string): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)).toString('base64url');
}
