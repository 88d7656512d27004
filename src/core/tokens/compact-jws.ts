/**
 * Splitting and decoding a compact JWS (RFC 7515 §7.1) strictly, before any cryptography (RFC 8725 §3.x):
 * exactly three segments, canonical base64url, size limits, a header that is a strict JSON object.
 */
import { tokenError } from './token-errors.ts';
import { decodeBase64UrlCanonical } from './base64url.ts';
import { StrictJsonError, decodeUtf8Strict, parseStrictJson } from './strict-json.ts';
import type { JsonObject } from './strict-json.ts';
import type { TokenLimits } from './token-limits.ts';

/** A compact JWS split into its decoded parts (nothing verified yet). */
export interface CompactJws {
  /** The JOSE header (null-prototype object). */
  readonly header: JsonObject;
  /** The decoded payload bytes. */
  readonly payload: Buffer;
  /** The decoded signature (empty for `alg: none`). */
  readonly signature: Buffer;
  /** `base64url(header).base64url(payload)`: the bytes RS256 signs (RFC 7515 §5.1). */
  readonly signingInput: string;
}

/** Splits and decodes `token`; throws ERR_TOKEN_MALFORMED or ERR_TOKEN_TOO_LARGE. */
export function parseCompactJws(token: string, limits: TokenLimits, what = 'token'): CompactJws {
  if (token.length > limits.maxTokenLength) {
    throw tokenError('ERR_TOKEN_TOO_LARGE', `the ${what} is longer than ${limits.maxTokenLength} characters`);
  }
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
    throw tokenError('ERR_TOKEN_MALFORMED', `the ${what} is not a compact JWS of exactly three segments`);
  }
  const header = segment(token.slice(0, first), `${what} header`, limits.maxHeaderBytes);
  const payload = segment(token.slice(first + 1, second), `${what} payload`, limits.maxPayloadBytes);
  const signature = segment(token.slice(second + 1), `${what} signature`, 1024);
  return {
    header: parseJsonObject(header, `${what} header`, 2),
    payload,
    signature,
    signingInput: token.slice(0, second),
  };
}

function segment(text: string, what: string, maxBytes: number): Buffer {
  // 4 characters carry 3 bytes: refuse oversized input before decoding it.
  if (text.length > Math.ceil((maxBytes * 4) / 3))
    throw tokenError('ERR_TOKEN_TOO_LARGE', `the ${what} is larger than ${maxBytes} bytes`);
  const bytes = decodeBase64UrlCanonical(text);
  if (!bytes) throw tokenError('ERR_TOKEN_MALFORMED', `the ${what} is not canonical base64url`);
  return bytes;
}

/** Parses UTF-8 bytes as a strict JSON object; throws ERR_TOKEN_MALFORMED naming the part. */
export function parseJsonObject(
  bytes: Uint8Array,
  what: string,
  maxDepth: number,
  keepNumberText = false,
): JsonObject {
  try {
    const value = parseStrictJson(decodeUtf8Strict(bytes), {
      maxDepth,
      keepNumberText,
      maxLength: bytes.length,
    });
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !isPlainObject(value)) {
      throw tokenError('ERR_TOKEN_MALFORMED', `the ${what} is not a JSON object`);
    }
    return value;
  } catch (err) {
    if (err instanceof StrictJsonError)
      throw tokenError('ERR_TOKEN_MALFORMED', `the ${what} is not strict JSON: ${err.message}`);
    throw err;
  }
}

function isPlainObject(value: object): value is JsonObject {
  return Object.getPrototypeOf(value) === null;
}
