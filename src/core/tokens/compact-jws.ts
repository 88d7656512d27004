/**
 * Splitting and decoding a compact JWS (RFC 7515 §7.1) strictly, before any cryptography (RFC 8725 §3.x):
 * exactly three segments, canonical base64url, size limits, a header that is a strict JSON object.
 */
import { tokenError } from './token-errors.ts';
import { decodeBase64UrlCanonical } from './base64url.ts';
import { parseFlatJsonBytes } from './flat-json.ts';
import { StrictJsonError, decodeUtf8Strict, parseStrictJsonGeneral } from './strict-json.ts';
import type { JsonObject, StrictJsonOptions } from './strict-json.ts';
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
  const known = first <= maxChars(limits.maxHeaderBytes) ? knownHeader(token, first) : undefined;
  const headerText = known ? '' : token.slice(0, first);
  const headerBytes = known ? null : segment(headerText, what, 'header', limits.maxHeaderBytes);
  const payload = segment(token.slice(first + 1, second), what, 'payload', limits.maxPayloadBytes);
  const signature =
    second + 1 === token.length ? EMPTY : segment(token.slice(second + 1), what, 'signature', 1024);
  return {
    header: known ?? rememberHeader(headerText, parseJsonObject(headerBytes!, `${what} header`, 2)),
    payload,
    signature,
    signingInput: token.slice(0, second),
  };
}

const EMPTY = Buffer.alloc(0);

/**
 * Headers already parsed, by their exact base64url text: the parse is a pure function of it, and every
 * token of one signer carries the same header, so a new token skips decoding and parsing its header.
 * Only successes are kept, frozen; bounded (cleared when full), never a correctness matter.
 */
const knownHeaders = new Map<string, JsonObject>();
const MAX_KNOWN_HEADERS = 256;
const MAX_KNOWN_HEADER_CHARS = 512;

/**
 * The two headers found last (an act-as token alternates its own and its actor's), compared in place
 * with the token's first segment: no slice and no hashing of it.
 */
let recentText0 = '';
let recent0: JsonObject | undefined;
let recentText1 = '';
let recent1: JsonObject | undefined;

/** The known header `token.slice(0, first)`, or undefined. */
function knownHeader(token: string, first: number): JsonObject | undefined {
  if (recent0 !== undefined && first === recentText0.length && token.startsWith(recentText0)) return recent0;
  if (recent1 !== undefined && first === recentText1.length && token.startsWith(recentText1)) {
    const known = recent1;
    setRecent(recentText1, known);
    return known;
  }
  const text = token.slice(0, first);
  const known = knownHeaders.get(text);
  if (known !== undefined) setRecent(text, known);
  return known;
}

function setRecent(text: string, header: JsonObject): void {
  recentText1 = recentText0;
  recent1 = recent0;
  recentText0 = text;
  recent0 = header;
}

function rememberHeader(text: string, header: JsonObject): JsonObject {
  if (text.length > MAX_KNOWN_HEADER_CHARS) return header;
  if (knownHeaders.size >= MAX_KNOWN_HEADERS) knownHeaders.clear();
  knownHeaders.set(text, Object.freeze(header));
  setRecent(text, header);
  return header;
}

/** 4 characters carry 3 bytes: the longest segment text that can decode to `maxBytes`. */
function maxChars(maxBytes: number): number {
  return Math.ceil((maxBytes * 4) / 3);
}

function segment(text: string, what: string, part: string, maxBytes: number): Buffer {
  // Refuse oversized input before decoding it.
  if (text.length > maxChars(maxBytes))
    throw tokenError('ERR_TOKEN_TOO_LARGE', `the ${what} ${part} is larger than ${maxBytes} bytes`);
  const bytes = decodeBase64UrlCanonical(text);
  if (!bytes) throw tokenError('ERR_TOKEN_MALFORMED', `the ${what} ${part} is not canonical base64url`);
  return bytes;
}

/**
 * Parses UTF-8 bytes as a strict JSON object; throws ERR_TOKEN_MALFORMED naming the part. The flat fast
 * path (flat-json.ts) answers for ordinary token parts; everything else goes to the general parser.
 */
export function parseJsonObject(
  bytes: Uint8Array,
  what: string,
  maxDepth: number,
  keepNumberText = false,
  maxMembers = Number.POSITIVE_INFINITY,
): JsonObject {
  const options = { maxDepth, keepNumberText, maxLength: bytes.length, maxMembers };
  const flat = parseFlatJsonBytes(bytes, options);
  if (flat !== undefined) return flat;
  const value = parseGeneral(bytes, what, options);
  if (maxMembers !== Number.POSITIVE_INFINITY && Object.keys(value).length > maxMembers)
    throw tokenError('ERR_TOKEN_TOO_LARGE', `the ${what} has more than ${maxMembers} members`);
  return value;
}

function parseGeneral(bytes: Uint8Array, what: string, options: StrictJsonOptions): JsonObject {
  try {
    const value = parseStrictJsonGeneral(decodeUtf8Strict(bytes), options);
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
