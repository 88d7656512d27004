/**
 * Reading a partner's authentication metadata document the way Exchange does (docs/protocol.md §1.3, Exchange's
 * AuthMetadataParser), with the interop rules of §1.3: case-insensitive member names and enum values,
 * `keyvalue`/`keyValue`, realm taken from `issuer`, escaped slashes, unknown members ignored,
 * `keyinfo.x5t` ignored and thumbprints recomputed, zero keys or more than 10 keys refused.
 */
import { partnerError } from '../partners/partner-errors.ts';
import type { Warning } from '../shared/warning.ts';
import { parseSafeJson } from './safe-json.ts';
import { isJsonObject, member, sameToken, stringMember } from './json-members.ts';
import type { JsonObject } from './json-members.ts';
import { decodeBase64Value, MIN_PARTNER_RSA_BITS, readCertificate } from './metadata-certificate.ts';
import type { ReadCertificate } from './metadata-certificate.ts';

/** Exchange's refresher rejects longer key lists (docs/protocol.md §1.3 step 3). */
export const MAX_PARTNER_KEYS = 10;

/** What a partner's document tells us. */
export interface ParsedPartnerMetadata {
  /** Lower-cased principal id (the left of `issuer`, or `serviceName`). */
  readonly serviceName: string;
  /** Lower-cased realm (the right of `issuer`, or `realm`). */
  readonly realm: string;
  /** The issuer string as published, or null when the document has none. */
  readonly issuer: string | null;
  readonly keys: readonly ReadCertificate[];
  readonly endpoints: ReadonlyArray<{ location: string; protocol: string; usage: string }>;
  /** Findings that do not refuse the document (expired keys). */
  readonly warnings: readonly Warning[];
}

/** Parses a `/metadata/json/1` document fetched from `source`; `now` flags expired keys. */
export function parseAuthMetadataDocument(text: string, source: string, now: Date): ParsedPartnerMetadata {
  const doc = parseSafeJson(text, source);
  if (!isJsonObject(doc)) throw invalid(source, 'it is not a JSON object');
  const { serviceName, realm, issuer } = principalOf(doc, source);
  const keys = signingCertificates(member(doc, 'keys'), source);
  return {
    serviceName,
    realm,
    issuer,
    keys,
    endpoints: endpointsOf(member(doc, 'endpoints')),
    warnings: expiredKeyWarnings(keys, source, now),
  };
}

/** docs/protocol.md §1.3 step 2: principal id and realm. */
function principalOf(
  doc: JsonObject,
  source: string,
): { serviceName: string; realm: string; issuer: string | null } {
  const issuer = stringMember(doc, 'issuer') ?? null;
  if (sameToken(member(doc, 'version'), 'Exchange/1.0')) {
    // An `Exchange/1.0` document is taken verbatim, and must carry its issuer.
    if (issuer === null) throw invalid(source, 'an Exchange/1.0 document has no issuer');
    return checked(
      { serviceName: stringMember(doc, 'serviceName'), realm: stringMember(doc, 'realm'), issuer },
      source,
    );
  }
  const at = issuer?.indexOf('@') ?? -1;
  if (issuer !== null && at > 0 && at < issuer.length - 1) {
    return checked({ serviceName: issuer.slice(0, at), realm: issuer.slice(at + 1), issuer }, source);
  }
  return checked(
    { serviceName: stringMember(doc, 'serviceName'), realm: stringMember(doc, 'realm'), issuer },
    source,
  );
}

/**
 * A service name or realm: visible ASCII without `"`, `\`, `,` (they would corrupt the quoted, comma-separated
 * `trusted_issuers` challenge, §6.2) and without `@` (it separates id and realm, §2.2). 253 characters at most.
 */
const PRINCIPAL_PART = /^[\x21-\x7e]{1,253}$/;
const PRINCIPAL_FORBIDDEN = /["\\,@]/;

function checkPart(value: string, what: string, source: string): void {
  if (!PRINCIPAL_PART.test(value) || PRINCIPAL_FORBIDDEN.test(value)) {
    throw invalid(
      source,
      `the ${what} is not 1–253 visible characters without quotes, commas, backslashes or @`,
    );
  }
}

function checked(
  p: { serviceName: string | undefined; realm: string | undefined; issuer: string | null },
  source: string,
): { serviceName: string; realm: string; issuer: string | null } {
  if (p.serviceName === undefined) throw invalid(source, 'it names no service name');
  if (p.realm === undefined) throw invalid(source, 'it names no realm (neither in issuer nor in realm)');
  checkPart(p.serviceName, 'service name', source);
  checkPart(p.realm, 'realm', source);
  return { serviceName: p.serviceName.toLowerCase(), realm: p.realm.toLowerCase(), issuer: p.issuer };
}

/** docs/protocol.md §1.3 step 3: every signing x509Certificate key with a value. */
export function signingCertificates(keys: unknown, source: string): ReadCertificate[] {
  if (keys !== undefined && !Array.isArray(keys)) throw invalid(source, '"keys" is not an array');
  const found = new Map<string, ReadCertificate>();
  for (const [index, key] of (keys ?? []).entries()) {
    if (!isJsonObject(key) || !sameToken(member(key, 'usage'), 'signing')) continue;
    const keyValue = member(key, 'keyValue');
    if (!isJsonObject(keyValue) || !sameToken(member(keyValue, 'type'), 'x509Certificate')) continue;
    const value = stringMember(keyValue, 'value');
    if (value === undefined) continue;
    const cert = certificateAt(value, index, source);
    found.set(cert.thumbprint, cert);
  }
  return checkKeyCount([...found.values()], source);
}

/** Zero keys and more than 10 keys are refused (docs/protocol.md §1.3 step 3). */
export function checkKeyCount<T>(keys: T[], source: string): T[] {
  if (keys.length === 0) {
    throw partnerError('ERR_METADATA_NO_KEYS', `the document from ${source} lists no signing certificate`, {
      source,
    });
  }
  if (keys.length > MAX_PARTNER_KEYS) {
    throw partnerError(
      'ERR_METADATA_TOO_MANY_KEYS',
      `the document from ${source} lists ${keys.length} signing certificates (at most ${MAX_PARTNER_KEYS})`,
      { source, count: keys.length },
    );
  }
  return keys;
}

/** Decodes one key's value into a certificate, or refuses the document naming the key's position. */
export function certificateAt(value: string, index: number, source: string): ReadCertificate {
  const der = decodeBase64Value(value);
  const cert = der ? readCertificate(der) : null;
  if (cert === null) {
    throw partnerError(
      'ERR_METADATA_INVALID_CERTIFICATE',
      `key ${index} of the document from ${source} is not a base64 DER X.509 certificate with an RSA key`,
      { source, index },
    );
  }
  if (cert.keyBits < MIN_PARTNER_RSA_BITS) {
    // Every token it signed would be refused (the validator needs ≥ 2048 bits): say so at registration.
    throw partnerError(
      'ERR_METADATA_WEAK_KEY',
      `key ${index} of the document from ${source} has a ${cert.keyBits}-bit RSA key (at least ${MIN_PARTNER_RSA_BITS} bits)`,
      { source, index, keyBits: cert.keyBits },
    );
  }
  return cert;
}

export function endpointsOf(
  endpoints: unknown,
): Array<{ location: string; protocol: string; usage: string }> {
  if (!Array.isArray(endpoints)) return [];
  return endpoints.filter(isJsonObject).map((e) => ({
    location: stringMember(e, 'location') ?? '',
    protocol: stringMember(e, 'protocol') ?? '',
    usage: stringMember(e, 'usage') ?? '',
  }));
}

/** Warnings for keys outside their validity period at `now`. */
export function expiredKeyWarnings(keys: readonly ReadCertificate[], source: string, now: Date): Warning[] {
  return keys
    .filter((k) => k.notAfter.getTime() <= now.getTime() || k.notBefore.getTime() > now.getTime())
    .map((k) => ({
      code: 'WARN_METADATA_KEY_EXPIRED',
      message: `certificate ${k.thumbprint} in the document from ${source} is outside its validity period (${k.notBefore.toISOString()} – ${k.notAfter.toISOString()})`,
      details: { thumbprint: k.thumbprint, source },
    }));
}

/** ERR_METADATA_INVALID naming the source and what is wrong. */
export function invalid(source: string, why: string) {
  return partnerError(
    'ERR_METADATA_INVALID',
    `the document from ${source} is not a valid metadata document: ${why}`,
    { source },
  );
}
