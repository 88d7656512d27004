/** Reading and writing `partner` documents: every document read is validated (docs/architecture.md). */
import { z } from 'zod';
import { sharedError } from '../../core/index.ts';
import type { PartnerApplication } from '../../core/index.ts';
import type { DocumentStore, StoredDocument } from '../../store/document-store.ts';

export const PARTNER_KIND = 'partner';

const refreshError = z.object({ code: z.string(), message: z.string(), at: z.string() });
const partnerSchema = z.object({
  identity: z.string(),
  applicationIdentifier: z.string(),
  realm: z.string(),
  issuer: z.string().nullable(),
  trustLevel: z.enum(['Full', 'Application', 'User']),
  enabled: z.boolean(),
  acceptSecurityIdentifierInformation: z.boolean(),
  source: z.enum(['metadata', 'certificate', 'oauth-server']),
  useOAuthServer: z.string().nullable().optional(),
  metadataUrl: z.string().nullable(),
  allowInsecureHttp: z.boolean(),
  metadataRedirects: z.enum(['same-origin', 'public', 'any']).optional(),
  keys: z.array(z.object({ thumbprint: z.string(), certificate: z.string() })),
  refresh: z.object({
    lastSuccessAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastError: refreshError.nullable(),
  }),
  storageUrl: z.string().nullable(),
});

/** A partner as read, with its concurrency token. */
export interface PartnerRecord {
  readonly partner: PartnerApplication;
  readonly version: number;
}

/** Validates one stored document; ERR_STORE_CORRUPT names it when it does not fit. */
export function toPartnerRecord(doc: StoredDocument): PartnerRecord {
  const parsed = partnerSchema.safeParse(doc.body);
  if (!parsed.success) {
    throw sharedError(
      'ERR_STORE_CORRUPT',
      `partner document ${doc.key} does not match the partner schema (${parsed.error.issues[0]?.path.join('.') ?? '?'})`,
      { kind: doc.kind, key: doc.key },
    );
  }
  return { partner: parsed.data, version: doc.version };
}

/** Reads one partner by (lower-cased) identity. */
export async function readPartner(
  store: DocumentStore,
  identity: string,
): Promise<PartnerRecord | undefined> {
  const doc = await store.get(PARTNER_KIND, identity);
  return doc === undefined ? undefined : toPartnerRecord(doc);
}

/** Reads every partner, ordered by identity. */
export async function readPartners(store: DocumentStore): Promise<PartnerRecord[]> {
  return (await store.list(PARTNER_KIND)).map(toPartnerRecord);
}
