/**
 * The fast path of strict JSON for what tokens carry: ONE flat object whose members are plain strings,
 * integers, booleans or null, written in printable ASCII without escapes (RFC 8259 §4, §6, §7).
 *
 * It never refuses anything: it returns the object only when it is certain the general parser
 * (strict-json.ts) would build exactly the same one, and `undefined` for anything else — escapes,
 * non-ASCII or control characters, tabs and line breaks, nesting, fractions and exponents, long
 * integers, a duplicate or `__proto__` member, too many members, trailing data — so the general parser
 * decides, with its own refusal. Strings are found with `indexOf` (no escapes means the next `"` ends
 * them), which is what makes it fast. flat-json.test.ts checks it against the general parser.
 */
import { isAscii } from 'node:buffer';
import { JsonNumberText } from './json-value.ts';
import type { JsonObject, JsonValue, StrictJsonOptions } from './json-value.ts';

/** What the scanner needs to know besides the text. */
export interface FlatJsonOptions extends StrictJsonOptions {
  /** More members than this: left to the general parser (default: unlimited). */
  readonly maxMembers?: number;
}

/** Printable ASCII (0x20–0x7F) without a backslash: the only text the scanner reads. */
const PLAIN_TEXT = /^[\x20-\x5b\x5d-\x7f]*$/;
/** 15 digits always fit a double exactly: no rounding for the scanner to get wrong. */
const MAX_INTEGER_DIGITS = 15;

/** The flat object in `text`, or `undefined` when the general parser must decide. */
export function parseFlatJson(text: string, options: FlatJsonOptions = {}): JsonObject | undefined {
  if (!PLAIN_TEXT.test(text)) return undefined;
  return scanFlatObject(text, options);
}

/**
 * The flat object in UTF-8 `bytes`, or `undefined` when the general parser must decide. ASCII is its own
 * UTF-8 decoding, so the bytes are checked (natively, then four at a time) instead of decoded strictly.
 */
export function parseFlatJsonBytes(bytes: Uint8Array, options: FlatJsonOptions = {}): JsonObject | undefined {
  if (!isAscii(bytes) || hasControlByte(bytes)) return undefined;
  const text = (
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  ).toString('latin1');
  if (text.indexOf('\\') !== -1) return undefined;
  return scanFlatObject(text, options);
}

/**
 * True when an ASCII byte string holds a byte below 0x20. Four bytes at a time: for bytes < 0x80,
 * `(w - 0x20202020) & ~w & 0x80808080` is non-zero exactly when one of them is below 0x20.
 */
function hasControlByte(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n < 64 || (bytes.byteOffset & 3) !== 0) return hasControlByteFrom(bytes, 0);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, n >> 2);
  let seen = 0;
  for (let w = 0; w < words.length; w++) {
    const x = words[w]!;
    seen |= (x - 0x20202020) & ~x;
  }
  return (seen & 0x80808080) !== 0 || hasControlByteFrom(bytes, words.length << 2);
}

function hasControlByteFrom(bytes: Uint8Array, start: number): boolean {
  for (let i = start; i < bytes.length; i++) if (bytes[i]! < 0x20) return true;
  return false;
}

/** The scanner proper; `s` is printable ASCII without a backslash. */
function scanFlatObject(s: string, options: FlatJsonOptions): JsonObject | undefined {
  if (s.length > (options.maxLength ?? 65536) || (options.maxDepth ?? 16) < 1) return undefined;
  const keep = options.keepNumberText ?? false;
  const maxMembers = options.maxMembers ?? Number.POSITIVE_INFINITY;
  let i = skipSpaces(s, 0);
  if (s.charCodeAt(i) !== 0x7b) return undefined;
  const out = Object.create(null) as JsonObject;
  i = skipSpaces(s, i + 1);
  if (s.charCodeAt(i) === 0x7d) return skipSpaces(s, i + 1) === s.length ? out : undefined;
  for (let members = 1; members <= maxMembers; members++) {
    if (s.charCodeAt(i) !== 0x22) return undefined;
    const nameEnd = s.indexOf('"', i + 1);
    if (nameEnd === -1) return undefined;
    const name = s.slice(i + 1, nameEnd);
    // Values are never undefined, so this is "already a member" on a null-prototype object.
    if (name === '__proto__' || out[name] !== undefined) return undefined;
    i = skipSpaces(s, nameEnd + 1);
    if (s.charCodeAt(i) !== 0x3a) return undefined;
    i = skipSpaces(s, i + 1);
    const end = scanValue(s, i, keep);
    if (end === -1) return undefined;
    out[name] = scanned;
    i = skipSpaces(s, end);
    const c = s.charCodeAt(i);
    if (c === 0x7d) return skipSpaces(s, i + 1) === s.length ? out : undefined;
    if (c !== 0x2c) return undefined;
    i = skipSpaces(s, i + 1);
  }
  return undefined;
}

/** The value scanValue read last (a module slot rather than a tuple: no allocation per member). */
let scanned: JsonValue = null;

/** Reads a string, integer or literal at `i` into `scanned`; returns the index after it, or -1. */
function scanValue(s: string, i: number, keep: boolean): number {
  const c = s.charCodeAt(i);
  if (c === 0x22) {
    const end = s.indexOf('"', i + 1);
    if (end === -1) return -1;
    scanned = s.slice(i + 1, end);
    return end + 1;
  }
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return scanInteger(s, i, keep);
  if (s.startsWith('true', i)) return literal(true, i + 4);
  if (s.startsWith('false', i)) return literal(false, i + 5);
  if (s.startsWith('null', i)) return literal(null, i + 4);
  return -1;
}

function literal(value: boolean | null, end: number): number {
  scanned = value;
  return end;
}

/** `-?(0|[1-9][0-9]*)` of at most 15 digits, not followed by a fraction, exponent or another digit. */
function scanInteger(s: string, start: number, keep: boolean): number {
  let i = s.charCodeAt(start) === 0x2d ? start + 1 : start;
  const first = i;
  let c = s.charCodeAt(i);
  if (c === 0x30) {
    c = s.charCodeAt(++i);
  } else {
    while (c >= 0x30 && c <= 0x39) c = s.charCodeAt(++i);
  }
  const digits = i - first;
  if (digits === 0 || digits > MAX_INTEGER_DIGITS) return -1;
  if ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x45 || c === 0x65) return -1;
  const text = s.slice(start, i);
  const value = Number(text);
  scanned = keep ? new JsonNumberText(text, value) : value;
  return i;
}

function skipSpaces(s: string, i: number): number {
  while (s.charCodeAt(i) === 0x20) i++;
  return i;
}
