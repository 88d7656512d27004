/** Canonical base64url (RFC 7515 §2, RFC 4648 §5 without padding): the only encoding a token may use. */

/**
 * Decodes `segment` only if it is the one canonical encoding of its bytes: alphabet `A–Z a–z 0–9 - _`,
 * no padding, no `+` or `/`, no whitespace and zero trailing bits. Node's decoder is lenient (it skips
 * bad characters and ignores trailing bits), so canonicity is checked by re-encoding (RFC 8725 §3.x:
 * two encodings of one token must not both verify). Returns null when not canonical.
 */
export function decodeBase64UrlCanonical(segment: string): Buffer | null {
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.toString('base64url') === segment ? bytes : null;
}

/** Encodes bytes or UTF-8 text as unpadded base64url. */
export function encodeBase64Url(data: Uint8Array | string): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)).toString('base64url');
}
