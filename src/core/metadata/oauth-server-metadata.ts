/**
 * Reading an OAuth server's metadata (docs/protocol.md §5.3, §8, §10; docs/hybrid.md): the ACS
 * `/metadata/json/1` document — `keys[]` with `keyValue`, `endpoints` (`OAuth2`/`issuance`,
 * `DelegationIssuance1.0`, `DelegationManagement1.0`) and, at the tenant-less URL, no `issuer` — and an
 * OpenID Connect discovery document (`issuer`, `token_endpoint`, `jwks_uri`).
 */
import { createHash, createPublicKey } from 'node:crypto';
import { ACS_PRINCIPAL_ID } from '../partners/oauth-server.ts';
import type { OAuthServerKey } from '../partners/oauth-server.ts';
import { partnerError } from '../partners/partner-errors.ts';
import { parseSafeJson } from './safe-json.ts';
import { isJsonObject, member, sameToken, stringMember } from './json-members.ts';
import {
  certificateAt,
  checkKeyCount,
  endpointsOf,
  invalid,
  signingCertificates,
} from './partner-metadata.ts';
import { MIN_PARTNER_RSA_BITS } from './metadata-certificate.ts';
import type { ReadCertificate } from './metadata-certificate.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REALM = /^[\x21-\x7e]{1,253}$/;

/** What an ACS-shaped document tells us. */
export interface ParsedAcsMetadata {
  /** The principal id tokens are issued under (ACS: 00000001-0000-0000-c000-000000000000), lower case. */
  readonly serviceName: string;
  /** The tenant the document names (`realm`, or the right of `issuer`), lower case; null when none. */
  readonly realm: string | null;
  /** The `OAuth2` endpoint with usage `issuance`, or null. */
  readonly tokenEndpoint: string | null;
  readonly keys: readonly ReadCertificate[];
}

/** Parses an ACS-shaped metadata document fetched from `source`. */
export function parseAcsMetadata(text: string, source: string): ParsedAcsMetadata {
  const doc = parseSafeJson(text, source);
  if (!isJsonObject(doc)) throw invalid(source, 'it is not a JSON object');
  const issuer = stringMember(doc, 'issuer');
  const at = issuer?.lastIndexOf('@') ?? -1;
  const serviceName =
    (issuer !== undefined && at > 0 ? issuer.slice(0, at) : stringMember(doc, 'serviceName')) ??
    ACS_PRINCIPAL_ID;
  let realm = issuer !== undefined && at > 0 ? issuer.slice(at + 1) : (stringMember(doc, 'realm') ?? null);
  if (realm === '*' || realm === '') realm = null;
  if (realm !== null && (!REALM.test(realm) || /["\\,@/]/.test(realm)))
    throw invalid(source, 'the realm is not 1–253 visible characters without quotes, commas, / or @');
  if (!REALM.test(serviceName) || /["\\,@/]/.test(serviceName))
    throw invalid(source, 'the service name is not 1–253 visible characters without quotes, commas, / or @');
  const endpoint = endpointsOf(member(doc, 'endpoints')).find(
    (e) => sameToken(e.protocol, 'OAuth2') && sameToken(e.usage, 'issuance') && e.location !== '',
  );
  return {
    serviceName: serviceName.toLowerCase(),
    realm: realm?.toLowerCase() ?? null,
    tokenEndpoint: endpoint?.location ?? null,
    keys: signingCertificates(member(doc, 'keys'), source),
  };
}

/** What a discovery document tells an OAuth client. */
export interface ParsedOAuthDiscovery {
  /** The issuer URL exactly as published (OpenID Connect Discovery 1.0 §3: compared exactly). */
  readonly issuer: string;
  readonly tokenEndpoint: string | null;
  readonly jwksUri: string;
  /** The tenant when the issuer's first path segment is a GUID (Entra: `/<tenant>/v2.0`), else null. */
  readonly realm: string | null;
}

/** Parses `/.well-known/openid-configuration` (or RFC 8414 metadata) for an OAuth server. */
export function parseOAuthDiscovery(text: string, source: string): ParsedOAuthDiscovery {
  const doc = parseSafeJson(text, source);
  if (!isJsonObject(doc)) throw invalid(source, 'it is not a JSON object');
  const issuer = stringMember(doc, 'issuer');
  const jwksUri = stringMember(doc, 'jwks_uri');
  if (issuer === undefined) throw invalid(source, 'the discovery document has no issuer');
  if (jwksUri === undefined) throw invalid(source, 'the discovery document has no jwks_uri');
  let first = '';
  try {
    const url = new URL(issuer);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    first = url.pathname.split('/')[1] ?? '';
  } catch {
    throw invalid(source, 'the discovery issuer is not an http(s) URL');
  }
  if (issuer.length > 1024) throw invalid(source, 'the discovery issuer is longer than 1024 characters');
  return {
    issuer,
    tokenEndpoint: stringMember(doc, 'token_endpoint') ?? null,
    jwksUri,
    realm: GUID.test(first) ? first.toLowerCase() : null,
  };
}

/**
 * An OAuth server's JWKS (RFC 7517): every RSA key with `use:"sig"` (or no `use`) — through `x5c[0]` when it
 * carries a certificate, else as a bare key from `n` and `e` (node-oidc-provider publishes no `x5c` by
 * default). Bare keys must be RSA of at least 2048 bits; 0 or more than 10 keys refuse the document.
 */
export function parseOAuthJwks(
  text: string,
  source: string,
): { keys: OAuthServerKey[]; certificates: ReadCertificate[] } {
  const doc = parseSafeJson(text, source);
  const list = isJsonObject(doc) ? member(doc, 'keys') : undefined;
  if (!Array.isArray(list)) throw invalid(source, 'the JWKS has no "keys" array');
  const keys = new Map<string, OAuthServerKey>();
  const certificates: ReadCertificate[] = [];
  for (const [index, key] of list.entries()) {
    if (!isJsonObject(key)) continue;
    const use = member(key, 'use');
    if (use !== undefined && !sameToken(use, 'sig')) continue;
    const kidValue = key['kid'];
    const kid =
      typeof kidValue === 'string' && kidValue.length > 0 && kidValue.length <= 128 ? kidValue : undefined;
    const x5c = member(key, 'x5c');
    if (Array.isArray(x5c) && typeof x5c[0] === 'string') {
      const cert = certificateAt(x5c[0], index, source);
      certificates.push(cert);
      keys.set(cert.thumbprint, { thumbprint: cert.thumbprint, certificate: cert.certificate, kid });
      continue;
    }
    if (key['kty'] !== 'RSA' || typeof key['n'] !== 'string' || typeof key['e'] !== 'string') continue;
    let spki: Buffer;
    let bits: number;
    try {
      const publicKey = createPublicKey({ key: { kty: 'RSA', n: key['n'], e: key['e'] }, format: 'jwk' });
      spki = publicKey.export({ format: 'der', type: 'spki' });
      bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    } catch {
      throw partnerError(
        'ERR_METADATA_INVALID_CERTIFICATE',
        `key ${index} of the JWKS from ${source} is not a usable RSA key`,
        { source, index },
      );
    }
    if (bits < MIN_PARTNER_RSA_BITS)
      throw partnerError(
        'ERR_METADATA_WEAK_KEY',
        `key ${index} of the JWKS from ${source} has a ${bits}-bit RSA key (at least ${MIN_PARTNER_RSA_BITS} bits)`,
        { source, index, keyBits: bits },
      );
    const thumbprint = createHash('sha1').update(spki).digest('hex').toUpperCase();
    keys.set(thumbprint, { thumbprint, certificate: '', kid, spki: spki.toString('base64') });
  }
  return { keys: checkKeyCount([...keys.values()], source), certificates };
}
