/**
 * Our authentication metadata document (`GET /metadata/json/1`): the Exchange-style superset of
 * docs/protocol.md §1.1/§1.2, keys in Exchange's order, which every known parser (Exchange, SharePoint,
 * TokenHelper) accepts. Decisions on the unconfirmed points (§12.1) are in docs/metadata.md.
 */
import { createHash } from 'node:crypto';
import type { OAuthConfiguration } from '../oauth/oauth-configuration.ts';
import type { SigningMaterial } from '../certificates/signing-material.ts';
import { publishedCertificates } from './published-certificates.ts';

/** One key of a metadata document as we write it. */
export interface MetadataKey {
  readonly usage: 'signing';
  readonly keyinfo: { readonly x5t: string };
  readonly keyvalue: { readonly type: 'x509Certificate'; readonly value: string };
}

/** One endpoint of a metadata document. */
export interface MetadataEndpoint {
  readonly location: string;
  readonly protocol: string;
  readonly usage: string;
}

/** The document we publish (member order is the wire order). */
export interface AuthMetadataDocument {
  readonly id: string;
  readonly version: '1.0';
  readonly name: string;
  readonly realm: string;
  readonly serviceName: string;
  readonly issuer: string;
  readonly allowedAudiences: readonly string[];
  readonly keys: readonly MetadataKey[];
  readonly endpoints: readonly MetadataEndpoint[];
}

/** Our issuer string `<serviceName>@<realm>` (docs/protocol.md §1.1): what our tokens put in `iss`. */
export function issuerOf(config: Pick<OAuthConfiguration, 'serviceName' | 'realm'>): string {
  return `${config.serviceName}@${config.realm}`;
}

/**
 * Builds the document. `requestUrl` is the URL the document was requested on: Exchange fills
 * `endpoints[0].location` with it (docs/protocol.md §1.1), and so do we.
 */
export function buildMetadataDocument(
  config: Pick<OAuthConfiguration, 'serviceName' | 'realm'>,
  material: SigningMaterial,
  now: Date,
  requestUrl: string,
): AuthMetadataDocument {
  const issuer = issuerOf(config);
  const entries = publishedCertificates(material, now);
  return {
    id: documentId(
      issuer,
      entries.map((e) => e.thumbprint),
    ),
    version: '1.0',
    // [U] docs/protocol.md §12.1: no parser reads `name`; we write our principal id as SharePoint does.
    name: config.serviceName,
    realm: config.realm,
    serviceName: config.serviceName,
    issuer,
    allowedAudiences: [issuer],
    keys: entries.map((e) => ({
      usage: 'signing',
      keyinfo: { x5t: e.x5t },
      keyvalue: { type: 'x509Certificate', value: e.certificateDer.toString('base64') },
    })),
    endpoints: [{ location: requestUrl, protocol: 'OAuth2', usage: 'metadata' }],
  };
}

/**
 * `_` + a GUID. Exchange regenerates it on every rebuild; ours is derived from the issuer and the key set,
 * so it changes exactly when the published keys change and is equal on every server of a pool.
 */
function documentId(issuer: string, thumbprints: readonly string[]): string {
  const hex = createHash('sha256')
    .update([issuer, ...thumbprints].join('\n'))
    .digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `_${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
