/**
 * The fast path of strict JSON for what tokens carry: ONE flat object whose members are plain strings,
 * integers, booleans or null, written in printable ASCII without escapes (RFC 8259 §4, §6, §7).
 *
 * It never refuses anything: it returns the object only when it is certain the general parser
 * (strict-json.ts) would build exactly the same one, and `undefined` for anything else — escapes,
 * non-ASCII or control characters, tabs and line breaks, nesting, fractions and exponents, long
 * integers, a duplicate or `__proto__` member, too many members, trailing data — so the general parser
 * decides, with its own refusal. Strings are found with `indexOf` (no escapes means the next `"` ends
 * them), which is what makes it fast. A claim set is scanned the same way straight into a claim record
 * (claim-record.ts, {@link parseFlatClaimsBytes}). flat-json.test.ts checks both against the general parser.
 */
import { isAscii } from 'node:buffer';
import { ClaimRecord } from './claim-record.ts';
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
  const text = plainText(bytes);
  return text === undefined ? undefined : scanFlatObject(text, options);
}

/**
 * The claim record of a flat object in UTF-8 `bytes` (claim-record.ts), or `undefined` when the general
 * parser must decide: exactly {@link parseFlatJsonBytes}'s verdict, read into fixed fields in the same
 * pass — the values of other claims are checked but not kept, their names only for duplicates.
 */
export function parseFlatClaimsBytes(
  bytes: Uint8Array,
  options: FlatJsonOptions = {},
): ClaimRecord | undefined {
  const text = plainText(bytes);
  return text === undefined ? undefined : scanFlatClaims(text, bytes, options);
}

/** `bytes` as text when they are printable ASCII without a backslash, else undefined. */
function plainText(bytes: Uint8Array): string | undefined {
  if (!isAscii(bytes) || hasControlByte(bytes)) return undefined;
  const text = (
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  ).toString('latin1');
  return text.indexOf('\\') === -1 ? text : undefined;
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
    const end = scanValue(s, i, keep, true);
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

/**
 * Reads a string, integer or literal at `i` into `scanned` (only when `want`: a value no one reads is
 * checked, not built); returns the index after it, or -1.
 */
function scanValue(s: string, i: number, keep: boolean, want: boolean): number {
  const c = s.charCodeAt(i);
  if (c === 0x22) {
    const end = s.indexOf('"', i + 1);
    if (end === -1) return -1;
    if (want) scanned = s.slice(i + 1, end);
    return end + 1;
  }
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return scanInteger(s, i, keep, want);
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
function scanInteger(s: string, start: number, keep: boolean, want: boolean): number {
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
  if (!want) return i;
  const text = s.slice(start, i);
  const value = Number(text);
  scanned = keep ? new JsonNumberText(text, value) : value;
  return i;
}

/**
 * {@link scanFlatObject} into a claim record: the same grammar and the same deferrals (a duplicate
 * recorded claim is seen in its field, a duplicate other name in {@link otherNames}, `__proto__` is an
 * other name), the recorded claims found by length and characters without slicing their names.
 */
function scanFlatClaims(s: string, source: Uint8Array, options: FlatJsonOptions): ClaimRecord | undefined {
  if (s.length > (options.maxLength ?? 65536) || (options.maxDepth ?? 16) < 1) return undefined;
  const keep = options.keepNumberText ?? false;
  const maxMembers = options.maxMembers ?? Number.POSITIVE_INFINITY;
  let i = skipSpaces(s, 0);
  if (s.charCodeAt(i) !== 0x7b) return undefined;
  const out = new ClaimRecord(source);
  i = skipSpaces(s, i + 1);
  if (s.charCodeAt(i) === 0x7d) return skipSpaces(s, i + 1) === s.length ? out : undefined;
  if (otherNames.size !== 0) otherNames.clear();
  for (let members = 1; members <= maxMembers; members++) {
    if (s.charCodeAt(i) !== 0x22) return undefined;
    const nameEnd = s.indexOf('"', i + 1);
    if (nameEnd === -1) return undefined;
    const field = recordedField(s, i + 1, nameEnd - i - 1);
    if (field === OTHER) {
      const name = s.slice(i + 1, nameEnd);
      if (name === '__proto__' || otherNames.has(name)) return undefined;
      otherNames.add(name);
    } else if (fieldOf(out, field) !== undefined) return undefined;
    i = skipSpaces(s, nameEnd + 1);
    if (s.charCodeAt(i) !== 0x3a) return undefined;
    i = skipSpaces(s, i + 1);
    const end = scanValue(s, i, keep, field !== OTHER);
    if (end === -1) return undefined;
    if (field !== OTHER) setField(out, field, scanned);
    out.members = members;
    i = skipSpaces(s, end);
    const c = s.charCodeAt(i);
    if (c === 0x7d) return skipSpaces(s, i + 1) === s.length ? out : undefined;
    if (c !== 0x2c) return undefined;
    i = skipSpaces(s, i + 1);
  }
  return undefined;
}

/** Names of the claims that are not recorded, for duplicates (reused: the scanner is synchronous). */
const otherNames = new Set<string>();

const OTHER = -1;

/**
 * The field of the recorded claim named by `s[at, at + length)` (its index in RECORDED_CLAIMS), or
 * OTHER. A name of the right length that starts with the claim's name at `at` is that name.
 */
function recordedField(s: string, at: number, length: number): number {
  switch (length) {
    case 3:
      switch (s.charCodeAt(at)) {
        case 0x61: // a
          return s.startsWith('aud', at) ? 0 : s.startsWith('azp', at) ? 16 : OTHER;
        case 0x69: // i
          return s.startsWith('iss', at) ? 1 : s.startsWith('iat', at) ? 4 : OTHER;
        case 0x6e: // n
          return s.startsWith('nbf', at) ? 2 : s.startsWith('nii', at) ? 8 : OTHER;
        case 0x65: // e
          return s.startsWith('exp', at) ? 3 : OTHER;
        case 0x73: // s
          return s.startsWith('sip', at) ? 10 : s.startsWith('scp', at) ? 12 : OTHER;
        case 0x75: // u
          return s.startsWith('upn', at) ? 11 : OTHER;
      }
      return OTHER;
    case 4:
      return s.startsWith('smtp', at) ? 9 : OTHER;
    case 5:
      return s.startsWith('appid', at) ? 17 : OTHER;
    case 6:
      return s.startsWith('nameid', at) ? 5 : OTHER;
    case 8:
      return s.startsWith('altsecid', at) ? 14 : OTHER;
    case 9:
      return s.startsWith('client_id', at) ? 15 : OTHER;
    case 10:
      return s.startsWith('actortoken', at) ? 6 : OTHER;
    case 11:
      return s.startsWith('unique_name', at) ? 13 : OTHER;
    case 20:
      return s.startsWith('trustedfordelegation', at) ? 7 : OTHER;
  }
  return OTHER;
}

/** The recorded field `field` (a switch of named loads: no keyed access). */
function fieldOf(r: ClaimRecord, field: number): JsonValue | undefined {
  switch (field) {
    case 0:
      return r.aud;
    case 1:
      return r.iss;
    case 2:
      return r.nbf;
    case 3:
      return r.exp;
    case 4:
      return r.iat;
    case 5:
      return r.nameid;
    case 6:
      return r.actortoken;
    case 7:
      return r.trustedfordelegation;
    case 8:
      return r.nii;
    case 9:
      return r.smtp;
    case 10:
      return r.sip;
    case 11:
      return r.upn;
    case 12:
      return r.scp;
    case 13:
      return r.unique_name;
    case 14:
      return r.altsecid;
    case 15:
      return r.client_id;
    case 16:
      return r.azp;
    default:
      return r.appid;
  }
}

function setField(r: ClaimRecord, field: number, value: JsonValue): void {
  switch (field) {
    case 0:
      r.aud = value;
      return;
    case 1:
      r.iss = value;
      return;
    case 2:
      r.nbf = value;
      return;
    case 3:
      r.exp = value;
      return;
    case 4:
      r.iat = value;
      return;
    case 5:
      r.nameid = value;
      return;
    case 6:
      r.actortoken = value;
      return;
    case 7:
      r.trustedfordelegation = value;
      return;
    case 8:
      r.nii = value;
      return;
    case 9:
      r.smtp = value;
      return;
    case 10:
      r.sip = value;
      return;
    case 11:
      r.upn = value;
      return;
    case 12:
      r.scp = value;
      return;
    case 13:
      r.unique_name = value;
      return;
    case 14:
      r.altsecid = value;
      return;
    case 15:
      r.client_id = value;
      return;
    case 16:
      r.azp = value;
      return;
    default:
      r.appid = value;
  }
}

function skipSpaces(s: string, i: number): number {
  while (s.charCodeAt(i) === 0x20) i++;
  return i;
}
