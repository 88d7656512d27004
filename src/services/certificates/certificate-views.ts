/** What `certificate get` and `certificate list` show: Get-CsCertificate's properties, from records. */
import type {
  CertificateAssignment,
  CertificateInfo,
  CertificateRecord,
} from '../../core/certificates/index.ts';
import { describeCertificate } from '../../core/certificates/index.ts';

/** One assigned usage, as Get-CsCertificate prints it (property names kept for scripts that know them). */
export interface CertificateAssignmentView {
  readonly Use: string;
  readonly Identity: string;
  readonly Thumbprint: string | null;
  readonly Subject: string | null;
  readonly Issuer: string | null;
  readonly SerialNumber: string | null;
  readonly NotBefore: string | null;
  readonly NotAfter: string | null;
  readonly AlternativeNames: string[];
  readonly KeySize: number | null;
  readonly SignatureAlgorithm: string | null;
  readonly FriendlyName: string | null;
  /** When the current certificate became current. */
  readonly EffectiveDate: string | null;
  readonly PreviousThumbprint: string | null;
  readonly PreviousNotBefore: string | null;
  readonly PreviousNotAfter: string | null;
  readonly StagedThumbprint: string | null;
  readonly StagedEffectiveDate: string | null;
}

/** One certificate of the store, assigned or not. */
export interface CertificateListEntry {
  readonly thumbprint: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly keySize: number;
  readonly signatureAlgorithm: string;
  readonly friendlyName: string;
  readonly hasPrivateKey: boolean;
  readonly exportable: boolean;
  readonly chainLength: number;
  readonly source: CertificateRecord['source'];
  readonly addedAt: string;
  /** `identity/usage (current|previous|staged)` entries. */
  readonly assignedTo: string[];
}

/** Parses certificates once per thumbprint (DER never changes for a thumbprint). */
export class CertificateInfoCache {
  readonly #cache = new Map<string, CertificateInfo>();
  of(record: CertificateRecord): CertificateInfo {
    let info = this.#cache.get(record.thumbprint);
    if (!info) {
      info = describeCertificate(Buffer.from(record.certificate, 'base64'));
      this.#cache.set(record.thumbprint, info);
    }
    return info;
  }
}

/** Builds the Get-CsCertificate view of a resolved assignment. */
export function assignmentView(
  a: CertificateAssignment,
  records: ReadonlyMap<string, CertificateRecord>,
  infos: CertificateInfoCache,
): CertificateAssignmentView {
  const current = a.current ? records.get(a.current) : undefined;
  const info = current && infos.of(current);
  const previous = a.previous ? records.get(a.previous) : undefined;
  const previousInfo = previous && infos.of(previous);
  return {
    Use: a.usage,
    Identity: a.identity,
    Thumbprint: a.current,
    Subject: info?.subject ?? null,
    Issuer: info?.issuer ?? null,
    SerialNumber: info?.serialNumber ?? null,
    NotBefore: info?.notBefore.toISOString() ?? null,
    NotAfter: info?.notAfter.toISOString() ?? null,
    AlternativeNames: info?.alternativeNames ?? [],
    KeySize: info?.keySize ?? null,
    SignatureAlgorithm: info?.signatureAlgorithm ?? null,
    FriendlyName: current?.friendlyName ?? null,
    EffectiveDate: a.currentSince,
    PreviousThumbprint: a.previous,
    PreviousNotBefore: previousInfo?.notBefore.toISOString() ?? null,
    PreviousNotAfter: previousInfo?.notAfter.toISOString() ?? null,
    StagedThumbprint: a.staged?.thumbprint ?? null,
    StagedEffectiveDate: a.staged?.effectiveDate ?? null,
  };
}

/** Builds a list entry. */
export function listEntry(
  record: CertificateRecord,
  info: CertificateInfo,
  assignedTo: string[],
): CertificateListEntry {
  return {
    thumbprint: record.thumbprint,
    subject: info.subject,
    issuer: info.issuer,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    keySize: info.keySize,
    signatureAlgorithm: info.signatureAlgorithm,
    friendlyName: record.friendlyName,
    hasPrivateKey: record.privateKey !== undefined,
    exportable: record.exportable,
    chainLength: record.chain.length,
    source: record.source,
    addedAt: record.addedAt,
    assignedTo,
  };
}
