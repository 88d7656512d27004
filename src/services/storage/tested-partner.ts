/** Which partner the connectivity test targets, and where its storage service lives. */
import { PRINCIPAL_IDS } from '../../core/index.ts';
import type { PartnerApplication } from '../../core/index.ts';
import { STORAGE_API_PREFIX, storageError } from '../../core/storage/index.ts';
import type { DocumentStore } from '../../store/document-store.ts';

/**
 * The named partner; without a name, the only Exchange partner (the storage partner of a Skype server,
 * protocol.md §5.5), else the only partner. Refuses a disabled one: no token is sent to it.
 */
export async function findTestedPartner(store: DocumentStore, identity: string | undefined): Promise<PartnerApplication> {
  const partner = identity === undefined ? await soleCandidate(store) : (await store.get<PartnerApplication>('partner', identity.trim().toLowerCase()))?.body;
  if (!partner) {
    throw storageError('ERR_CONNECTIVITY_PARTNER_NOT_FOUND', `no partner application '${identity}' is registered`, { partner: identity ?? null });
  }
  if (!partner.enabled) {
    throw storageError('ERR_CONNECTIVITY_PARTNER_DISABLED', `partner ${partner.identity} is disabled`, { partner: partner.identity });
  }
  return partner;
}

/** The partner's storage base URL: its registered storage URL, else the origin of its metadata URL. */
export function storageEndpointOf(partner: PartnerApplication): string {
  if (partner.storageUrl) return partner.storageUrl.replace(/\/+$/, '');
  if (partner.metadataUrl) return `${new URL(partner.metadataUrl).origin}${STORAGE_API_PREFIX}`;
  throw storageError('ERR_CONNECTIVITY_NO_ENDPOINT', `partner ${partner.identity} has neither a storage URL nor a metadata URL`, { partner: partner.identity });
}

async function soleCandidate(store: DocumentStore): Promise<PartnerApplication | undefined> {
  const partners = (await store.list<PartnerApplication>('partner')).map((d) => d.body);
  const exchange = partners.filter((p) => p.applicationIdentifier === PRINCIPAL_IDS.exchange);
  const pool = exchange.length === 1 ? exchange : partners;
  if (pool.length === 1) return pool[0];
  if (pool.length === 0) {
    throw storageError('ERR_CONNECTIVITY_PARTNER_NOT_FOUND', 'no partner application is registered: register one with `s2s partner new`');
  }
  throw storageError('ERR_CONNECTIVITY_PARTNER_NOT_FOUND', `several partners are registered (${pool.map((p) => p.identity).join(', ')}): name one with --partner`, {
    partners: pool.map((p) => p.identity),
  });
}
