/**
 * Our published documents (docs/protocol.md §1, §10, §11): `GET /metadata/json/1` (anonymous,
 * `application/json; charset=utf-8`), OIDC discovery and the JWKS. Each is built at request time, so a
 * staged certificate appears at once; Cache-Control stays modest (partners also cache, §7). URLs in them
 * name a configured host name, never the request's Host (docs/security.md "Host header").
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { JWKS_PATH, METADATA_PATH } from '../../../core/metadata/index.ts';
import type {
  AuthMetadataDocument,
  OpenIdConfiguration,
  PublishedJwk,
} from '../../../core/metadata/index.ts';
import { requestUrlOf } from '../s2s-auth.ts';

/** What the routes need from PartnerService. */
export interface PublishedDocuments {
  /** The origin to build URLs on: a configured host name, never the request's Host (docs/security.md). */
  publishedOrigin(requestUrl: string): Promise<string>;
  document(requestUrl: string): Promise<AuthMetadataDocument>;
  openIdConfiguration(requestUrl: string): Promise<OpenIdConfiguration>;
  jwks(): Promise<{ keys: PublishedJwk[] }>;
}

/** Seconds a cache may keep our documents. */
export const METADATA_MAX_AGE_SECONDS = 300;

const JSON_UTF8 = 'application/json; charset=utf-8';
const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';

/** The metadata plugin. */
export function metadataRoutes(documents: PublishedDocuments): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const cache = `public, max-age=${METADATA_MAX_AGE_SECONDS}`;
    app.get(METADATA_PATH, async (request, reply) => {
      const origin = await documents.publishedOrigin(requestUrlOf(request));
      const doc = await documents.document(`${origin}${METADATA_PATH}`);
      return reply.type(JSON_UTF8).header('cache-control', cache).send(JSON.stringify(doc));
    });
    app.get(OPENID_CONFIGURATION_PATH, async (request, reply) => {
      const origin = await documents.publishedOrigin(requestUrlOf(request));
      const doc = await documents.openIdConfiguration(`${origin}${OPENID_CONFIGURATION_PATH}`);
      return reply.type(JSON_UTF8).header('cache-control', cache).send(JSON.stringify(doc));
    });
    app.get(JWKS_PATH, async (_request, reply) => {
      return reply
        .type(JSON_UTF8)
        .header('cache-control', cache)
        .send(JSON.stringify(await documents.jwks()));
    });
  };
}
