/**
 * Typed access to what automatic renewal reads and writes (docs/renewal.md): `renewal-policy` and `renewal`
 * documents, and — read-only, through the store port like the CA's certificate installer — the `assignment`,
 * `certificate` and `partner` documents it acts on. Every read is validated.
 */
import { sharedError } from '../../core/index.ts';
import type {
  CertificateAssignment,
  CertificateRecord,
  PartnerApplication,
  RenewalPolicy,
  RenewalState,
} from '../../core/index.ts';
import type { DocumentStore, StoredDocument } from '../../store/document-store.ts';

function corrupt(kind: string, key: string): never {
  throw sharedError('ERR_STORE_CORRUPT', `the stored ${kind} ${key} has an unexpected shape`, { kind, key });
}

function checkPolicy(doc: StoredDocument<RenewalPolicy>): StoredDocument<RenewalPolicy> {
  const p = doc.body as Partial<RenewalPolicy> | null;
  if (
    !p ||
    p.usage !== doc.key ||
    typeof p.renewBeforeSeconds !== 'number' ||
    typeof p.rollLeadSeconds !== 'number' ||
    typeof p.source?.kind !== 'string'
  )
    corrupt('renewal-policy', doc.key);
  return doc;
}

function checkState(doc: StoredDocument<RenewalState>): StoredDocument<RenewalState> {
  const s = doc.body as Partial<RenewalState> | null;
  if (!s || typeof s.failures !== 'number' || !('lease' in s)) corrupt('renewal', doc.key);
  return doc;
}

/** Reads the documents of automatic renewal. */
export class RenewalDocuments {
  readonly #store: DocumentStore;
  constructor(store: DocumentStore) {
    this.#store = store;
  }

  async policy(usage: string): Promise<StoredDocument<RenewalPolicy> | undefined> {
    const doc = await this.#store.get<RenewalPolicy>('renewal-policy', usage);
    return doc && checkPolicy(doc);
  }

  async policies(): Promise<StoredDocument<RenewalPolicy>[]> {
    return (await this.#store.list<RenewalPolicy>('renewal-policy')).map(checkPolicy);
  }

  async state(key: string): Promise<StoredDocument<RenewalState> | undefined> {
    const doc = await this.#store.get<RenewalState>('renewal', key);
    return doc && checkState(doc);
  }

  async assignments(): Promise<StoredDocument<CertificateAssignment>[]> {
    const docs = await this.#store.list<CertificateAssignment>('assignment');
    for (const d of docs)
      if (!d.body || typeof d.body.usage !== 'string' || !('current' in d.body)) corrupt('assignment', d.key);
    return docs;
  }

  async record(thumbprint: string): Promise<StoredDocument<CertificateRecord> | undefined> {
    const doc = await this.#store.get<CertificateRecord>('certificate', thumbprint);
    if (doc && (typeof doc.body?.certificate !== 'string' || doc.body.thumbprint !== doc.key))
      corrupt('certificate', doc.key);
    return doc;
  }

  async partners(): Promise<PartnerApplication[]> {
    return (await this.#store.list<PartnerApplication>('partner'))
      .map((d) => d.body)
      .filter((p) => p && Array.isArray(p.keys));
  }
}
