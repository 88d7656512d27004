/**
 * Typed access to a token's claim set (docs/protocol.md §2.1): claims are JSON strings in the SharePoint
 * profile, numbers from ACS and newer stacks; both are accepted for `nbf`/`exp`, nothing else.
 */
import { tokenError } from './token-errors.ts';
import { parseJsonObject } from './compact-jws.ts';
import type { ClaimRecord } from './claim-record.ts';
import { claimRecordOf } from './claim-record.ts';
import { parseFlatClaimsBytes } from './flat-json.ts';
import { JsonNumberText } from './strict-json.ts';
import type { JsonValue } from './strict-json.ts';
import type { TokenLimits } from './token-limits.ts';

/** A parsed claim set: the claims the checks read in fixed fields (number lexemes kept). */
export type ClaimSet = ClaimRecord;

/** Latest acceptable NumericDate, seconds (year 5138): anything larger is not a time (docs/tokens.md). */
export const MAX_TIME_CLAIM = 1e11;

/** Parses a payload as a claim set; throws ERR_TOKEN_MALFORMED / ERR_TOKEN_TOO_LARGE. */
export function parseClaimSet(payload: Uint8Array, limits: TokenLimits, what: string): ClaimSet {
  const options = {
    maxDepth: 4,
    keepNumberText: true,
    maxLength: payload.length,
    maxMembers: limits.maxClaims,
  };
  return (
    parseFlatClaimsBytes(payload, options) ?? claimRecordOf(parsedClaims(payload, limits, what), payload)
  );
}

/** Every claim name of a parsed claim set, in token order (for `explain`; not on the hot path). */
export function claimNames(claims: ClaimSet, limits: TokenLimits, what: string): string[] {
  return Object.keys(parsedClaims(claims.source, limits, what));
}

function parsedClaims(payload: Uint8Array, limits: TokenLimits, what: string) {
  // More than maxClaims members: ERR_TOKEN_TOO_LARGE ("the … payload has more than 64 members").
  return parseJsonObject(payload, `${what} payload`, 4, true, limits.maxClaims);
}

/** A string claim (`value` of the claim `name`), or null when absent; refuses another type or an over-long value. */
export function stringClaim(
  value: JsonValue | undefined,
  name: string,
  maxLength: number,
  what: string,
): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string')
    throw tokenError('ERR_TOKEN_CLAIM_INVALID', `the ${what} claim "${name}" is not a string`, {
      claim: name,
    });
  if (value.length > maxLength)
    throw tokenError(
      'ERR_TOKEN_TOO_LARGE',
      `the ${what} claim "${name}" is longer than ${maxLength} characters`,
      { claim: name },
    );
  return value;
}

/** A required string claim; refuses absence with ERR_TOKEN_CLAIM_MISSING. */
export function requiredStringClaim(
  value: JsonValue | undefined,
  name: string,
  maxLength: number,
  what: string,
): string {
  const checked = stringClaim(value, name, maxLength, what);
  if (checked === null)
    throw tokenError('ERR_TOKEN_CLAIM_MISSING', `the ${what} has no "${name}" claim`, { claim: name });
  return checked;
}

/**
 * A required NumericDate (RFC 7519 §2) in seconds: a decimal-integer string (`"1403212820"`) or a JSON
 * integer, 0 < t < 10^11. Floats, exponents, signs, leading zeros and whitespace are refused.
 */
export function timeClaim(value: JsonValue | undefined, name: 'nbf' | 'exp' | 'iat', what: string): number {
  if (value === undefined)
    throw tokenError('ERR_TOKEN_CLAIM_MISSING', `the ${what} has no "${name}" claim`, { claim: name });
  const text = typeof value === 'string' ? value : value instanceof JsonNumberText ? value.text : null;
  const seconds = text === null ? -1 : decimalSeconds(text);
  if (seconds < 0 || seconds >= MAX_TIME_CLAIM) {
    throw tokenError('ERR_TOKEN_CLAIM_INVALID', `the ${what} claim "${name}" is not a decimal integer time`, {
      claim: name,
    });
  }
  return seconds;
}

/**
 * The value of a canonical positive decimal integer of at most 11 digits (`/^[1-9][0-9]{0,10}$/`: no
 * sign, exponent, fraction, leading zero or whitespace), or -1. Digit by digit: exact below 2^53.
 */
function decimalSeconds(text: string): number {
  const n = text.length;
  if (n === 0 || n > 11 || text.charCodeAt(0) === 0x30) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
