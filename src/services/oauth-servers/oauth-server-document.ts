/** Reading and writing `oauth-server` documents: every document read is validated (docs/architecture.md). */
import { z } from 'zod';
import { sharedError } from '../../core/index.ts';
import type { OAuthServer } from '../../core/index.ts';
import type { DocumentStore, StoredDocument } from '../../store/document-store.ts';

export const OAUTH_SERVER_KIND = 'oauth-server';

const serverSchema = z.object({
  identity: z.string(),
  type: z.enum(['acs', 'oauth2']),
  metadataUrl: z.string(),
  realm: z.string(),
  issuer: z.string(),
  tokenEndpoint: z.string(),
  allowInsecureHttp: z.boolean(),
  metadataRedirects: z.enum(['same-origin', 'public', 'any']),
  keys: z.array(
    z.object({
      thumbprint: z.string(),
      certificate: z.string(),
      kid: z.string().optional(),
      spki: z.string().optional(),
    }),
  ),
  refresh: z.object({
    lastSuccessAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
  }),
});

/** An OAuth server as read, with its concurrency token. */
export interface OAuthServerRecord {
  readonly server: OAuthServer;
  readonly version: number;
}

function toRecord(doc: StoredDocument): OAuthServerRecord {
  const parsed = serverSchema.safeParse(doc.body);
  if (!parsed.success) {
    throw sharedError(
      'ERR_STORE_CORRUPT',
      `oauth-server document ${doc.key} does not match the OAuth server schema (${parsed.error.issues[0]?.path.join('.') ?? '?'})`,
      { kind: doc.kind, key: doc.key },
    );
  }
  return { server: parsed.data, version: doc.version };
}

/** Reads one OAuth server by (lower-cased) identity. */
export async function readOAuthServer(
  store: DocumentStore,
  identity: string,
): Promise<OAuthServerRecord | undefined> {
  const doc = await store.get(OAUTH_SERVER_KIND, identity);
  return doc === undefined ? undefined : toRecord(doc);
}

/** Reads every OAuth server, ordered by identity. */
export async function readOAuthServers(store: DocumentStore): Promise<OAuthServerRecord[]> {
  return (await store.list(OAUTH_SERVER_KIND)).map(toRecord);
}
