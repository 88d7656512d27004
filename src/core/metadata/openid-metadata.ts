/**
 * Reading a partner's OpenID Connect discovery document and JWKS (docs/protocol.md §1.3 step 1, §10): Exchange
 * follows `jwks_uri`, keeps keys with `use:"sig"` and takes `x5c[0]`. For a URL issuer, the service name
 * is the whole issuer and the realm its first path segment when that is a GUID ([D] §10), otherwise `*`.
 */
import { parseSafeJson } from './safe-json.ts';
import { isJsonObject, member, sameToken, stringMember } from './json-members.ts';
import { certificateAt, checkKeyCount, invalid } from './partner-metadata.ts';
import type { ReadCertificate } from './metadata-certificate.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a discovery document tells us. */
export interface ParsedOpenIdConfiguration {
  readonly issuer: string;
  readonly serviceName: string;
  readonly realm: string;
  readonly jwksUri: string;
}

/** Parses `/.well-known/openid-configuration`. */
export function parseOpenIdConfiguration(text: string, source: string): ParsedOpenIdConfiguration {
  const doc = parseSafeJson(text, source);
  if (!isJsonObject(doc)) throw invalid(source, 'it is not a JSON object');
  const issuer = stringMember(doc, 'issuer');
  const jwksUri = stringMember(doc, 'jwks_uri');
  if (issuer === undefined) throw invalid(source, 'the discovery document has no issuer');
  if (jwksUri === undefined) throw invalid(source, 'the discovery document has no jwks_uri');
  let firstSegment = '';
  try {
    firstSegment = new URL(issuer).pathname.split('/')[1] ?? '';
  } catch {
    throw invalid(source, 'the discovery issuer is not a URL');
  }
  return {
    issuer,
    serviceName: issuer.toLowerCase(),
    realm: GUID.test(firstSegment) ? firstSegment.toLowerCase() : '*',
    jwksUri,
  };
}

/** Parses a JWKS: the first `x5c` certificate of every key with `use:"sig"` (or no `use`). */
export function parseJwks(text: string, source: string): ReadCertificate[] {
  const doc = parseSafeJson(text, source);
  const keys = isJsonObject(doc) ? member(doc, 'keys') : undefined;
  if (!Array.isArray(keys)) throw invalid(source, 'the JWKS has no "keys" array');
  const found = new Map<string, ReadCertificate>();
  for (const [index, key] of keys.entries()) {
    if (!isJsonObject(key)) continue;
    const use = member(key, 'use');
    if (use !== undefined && !sameToken(use, 'sig')) continue;
    const x5c = member(key, 'x5c');
    if (!Array.isArray(x5c) || typeof x5c[0] !== 'string') continue;
    const cert = certificateAt(x5c[0], index, source);
    found.set(cert.thumbprint, cert);
  }
  return checkKeyCount([...found.values()], source);
}
