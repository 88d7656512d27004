/** The JOSE header members S2S uses, read under RFC 8725 rules (docs/protocol.md §2.1, §10). */
import { tokenError } from './token-errors.ts';
import type { JsonObject } from './strict-json.ts';

/** A header we may act on. */
export interface S2sHeader {
  readonly alg: string;
  /** base64url SHA-1 thumbprint of the signing certificate, from `x5t` (or `kid` when `x5t` is absent). */
  readonly x5t: string | null;
}

/**
 * Members that would let the token choose its own key or add processing rules: never honoured and never
 * fetched (RFC 8725 §3.10, docs/protocol.md §2.7). Their presence refuses the token.
 */
export const REFUSED_HEADER_MEMBERS = ['jwk', 'jku', 'x5u', 'x5c', 'crit'] as const;

/**
 * Reads `typ`, `alg`, `x5t`, `kid`. Other members are ignored (RFC 7515 §4: unknown members are ignored
 * unless listed in `crit`, and `crit` is refused). `typ`, when present, must be `JWT` (any case);
 * `kid` must equal `x5t` when both are present (ACS sends both, equal; docs/protocol.md §10).
 */
export function readS2sHeader(header: JsonObject, what: string): S2sHeader {
  // A header shared by many tokens (compact-jws.ts keeps them frozen) is read once.
  const known = readHeaders.get(header);
  if (known) return known;
  const read = readHeader(header, what);
  if (Object.isFrozen(header)) readHeaders.set(header, read);
  return read;
}

const ACCEPTED_TYP = new Set(['jwt', 'at+jwt', 'application/at+jwt']);

const readHeaders = new WeakMap<JsonObject, S2sHeader>();

function readHeader(header: JsonObject, what: string): S2sHeader {
  for (const name of REFUSED_HEADER_MEMBERS) {
    if (Object.hasOwn(header, name))
      throw tokenError(
        'ERR_TOKEN_HEADER_REFUSED',
        `the ${what} header carries "${name}", which is never honoured`,
        { member: name },
      );
  }
  const typ = header['typ'];
  // `at+jwt` (RFC 9068 §2.1): the access tokens an oauth2 OAuth server issues (docs/hybrid.md).
  if (typ !== undefined && (typeof typ !== 'string' || !ACCEPTED_TYP.has(typ.toLowerCase()))) {
    throw tokenError('ERR_TOKEN_HEADER_INVALID', `the ${what} header "typ" is not JWT`);
  }
  const alg = header['alg'];
  if (typeof alg !== 'string' || alg.length === 0 || alg.length > 16)
    throw tokenError('ERR_TOKEN_HEADER_INVALID', `the ${what} header has no usable "alg"`);
  const x5t = thumbprintMember(header, 'x5t', what);
  const kid = kidMember(header, what);
  if (x5t !== null && kid !== null && x5t !== kid)
    throw tokenError(
      'ERR_TOKEN_HEADER_INVALID',
      `the ${what} header "kid" and "x5t" name different certificates`,
    );
  return { alg, x5t: x5t ?? kid };
}

const SHA1_B64URL = /^[A-Za-z0-9_-]{26}[AEIMQUYcgkosw048]$/;

/** Longest opaque `kid` read (RFC 7515 §4.1.4 leaves its form to the issuer). */
const MAX_OPAQUE_KID = 128;

/**
 * `kid`: a SHA-1 thumbprint (what ACS, Entra and s2s send, equal to `x5t`) selects the certificate; any
 * other short visible-ASCII value is an opaque key id that selects nothing (OpenID Connect servers such as
 * Keycloak name keys so; docs/hybrid.md "Keys"): every key of the party `iss` names is then tried.
 */
function kidMember(header: JsonObject, what: string): string | null {
  const value = header['kid'];
  if (value === undefined) return null;
  if (typeof value === 'string' && SHA1_B64URL.test(value)) return value;
  if (typeof value === 'string' && value.length <= MAX_OPAQUE_KID && /^[\x21-\x7e]+$/.test(value))
    return null;
  throw tokenError('ERR_TOKEN_HEADER_INVALID', `the ${what} header "kid" is not a key id`);
}

/** A SHA-1 thumbprint member: canonical base64url of exactly 20 bytes. */
function thumbprintMember(header: JsonObject, name: 'x5t', what: string): string | null {
  const value = header[name];
  if (value === undefined) return null;
  // 27 canonical base64url characters = 20 bytes (the last character carries 2 unused zero bits).
  if (typeof value !== 'string' || !SHA1_B64URL.test(value)) {
    throw tokenError(
      'ERR_TOKEN_HEADER_INVALID',
      `the ${what} header "${name}" is not a base64url SHA-1 thumbprint`,
    );
  }
  return value;
}
