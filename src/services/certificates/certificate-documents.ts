/** Typed access to the `certificate` and `assignment` documents, validated on every read. */
import { didYouMean, sharedError } from '../../core/index.ts';
import type {
  AnyUsage,
  CertificateAssignment,
  CertificateIdentity,
  CertificateRecord,
} from '../../core/certificates/index.ts';
import {
  CERTIFICATE_USAGES,
  certificateError,
  GLOBAL_IDENTITY,
  LABEL_USAGES,
  isCertificateIdentity,
  usageNamed,
} from '../../core/certificates/index.ts';
import type { DocumentStore, StoredDocument } from '../../store/document-store.ts';

/** Key of an assignment document. */
export function assignmentKey(identity: CertificateIdentity, usage: AnyUsage): string {
  return `${identity}/${usage}`;
}

/** Canonical usages from names (case-insensitive); refuses unknown names and an empty list when required. */
export function parseUsages(names: readonly string[]): AnyUsage[] {
  const usages = names
    .flatMap((n) => n.split(','))
    .map((n) => n.trim())
    .filter((n) => n !== '');
  return [
    ...new Set(
      usages.map((name) => {
        const usage = usageNamed(name);
        if (!usage)
          throw certificateError(
            'ERR_CERTIFICATE_USAGE_UNKNOWN',
            `unknown certificate type ${JSON.stringify(name)}${didYouMean(name, [...CERTIFICATE_USAGES, ...LABEL_USAGES])}`,
            { type: name },
          );
        return usage;
      }),
    ),
  ];
}

/** `global` or a lower-cased FQDN. */
export function parseIdentity(identity: string | undefined): CertificateIdentity {
  const value = (identity ?? GLOBAL_IDENTITY).trim().toLowerCase();
  if (!isCertificateIdentity(value))
    throw certificateError(
      'ERR_CERTIFICATE_IDENTITY_INVALID',
      `identity ${JSON.stringify(identity)} is neither global nor a server FQDN`,
    );
  return value;
}

function corrupt(kind: string, key: string): never {
  throw sharedError('ERR_STORE_CORRUPT', `the stored ${kind} ${key} has an unexpected shape`, { kind, key });
}

function checkRecord(doc: StoredDocument<CertificateRecord>): StoredDocument<CertificateRecord> {
  const r = doc.body as Partial<CertificateRecord> | null;
  if (
    !r ||
    typeof r.thumbprint !== 'string' ||
    typeof r.certificate !== 'string' ||
    !Array.isArray(r.chain) ||
    r.thumbprint !== doc.key
  )
    corrupt('certificate', doc.key);
  return doc;
}

function checkAssignment(doc: StoredDocument<CertificateAssignment>): StoredDocument<CertificateAssignment> {
  const a = doc.body as Partial<CertificateAssignment> | null;
  if (!a || typeof a.usage !== 'string' || typeof a.identity !== 'string' || !('current' in a))
    corrupt('assignment', doc.key);
  return doc;
}

/** Reads and validates store documents of the certificates module. */
export class CertificateDocuments {
  readonly #store: DocumentStore;
  constructor(store: DocumentStore) {
    this.#store = store;
  }

  async record(thumbprint: string): Promise<StoredDocument<CertificateRecord> | undefined> {
    const doc = await this.#store.get<CertificateRecord>('certificate', thumbprint);
    return doc && checkRecord(doc);
  }

  /** The record, or ERR_CERTIFICATE_NOT_FOUND. */
  async requireRecord(thumbprint: string): Promise<StoredDocument<CertificateRecord>> {
    const doc = await this.record(thumbprint);
    if (!doc)
      throw certificateError(
        'ERR_CERTIFICATE_NOT_FOUND',
        `no certificate with thumbprint ${thumbprint} is known; import it first`,
        { thumbprint },
      );
    return doc;
  }

  async records(): Promise<StoredDocument<CertificateRecord>[]> {
    return (await this.#store.list<CertificateRecord>('certificate')).map(checkRecord);
  }

  async assignment(
    identity: CertificateIdentity,
    usage: AnyUsage,
  ): Promise<StoredDocument<CertificateAssignment> | undefined> {
    const doc = await this.#store.get<CertificateAssignment>('assignment', assignmentKey(identity, usage));
    return doc && checkAssignment(doc);
  }

  async assignments(identity?: CertificateIdentity): Promise<StoredDocument<CertificateAssignment>[]> {
    const docs = await this.#store.list<CertificateAssignment>(
      'assignment',
      identity === undefined ? undefined : `${identity}/`,
    );
    return docs.map(checkAssignment);
  }
}

/** Normalizes a thumbprint as typed by an administrator (spaces and colons removed, upper case). */
export function normalizeThumbprint(text: string): string {
  const t = text.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{40}$/.test(t))
    throw sharedError('ERR_INVALID_INPUT', 'a thumbprint is 40 hexadecimal characters (SHA-1)');
  return t;
}
