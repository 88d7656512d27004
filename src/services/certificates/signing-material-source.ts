/**
 * Resolves a usage's certificates at an instant into {@link SigningMaterial}, opening private keys
 * (sealed with the master key, AAD = thumbprint) once per thumbprint and caching the KeyObjects.
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { resolveAssignment } from '../../core/certificates/index.ts';
import type {
  CertificateAssignment,
  CertificateRecord,
  SigningMaterial,
  SigningMaterialEntry,
} from '../../core/certificates/index.ts';
import type { SecretBox } from '../../core/index.ts';
import type { CertificateDocuments } from './certificate-documents.ts';

/** Builds signing material; one instance per service (its key cache lives as long as the process). */
export class SigningMaterialSource {
  readonly #documents: CertificateDocuments;
  readonly #secretBox: () => SecretBox;
  readonly #keys = new Map<string, KeyObject>();

  constructor(documents: CertificateDocuments, secretBox: () => SecretBox) {
    this.#documents = documents;
    this.#secretBox = secretBox;
  }

  /** The material of an assignment (or nothing) as it stands at `now`. */
  async resolve(assignment: CertificateAssignment | undefined, now: Date): Promise<SigningMaterial> {
    if (!assignment) return { current: null, previous: null, staged: null };
    const a = resolveAssignment(assignment, now);
    const stagedEntry = a.staged ? await this.#entry(a.staged.thumbprint) : null;
    return {
      current: a.current ? await this.#entry(a.current) : null,
      previous: a.previous ? await this.#entry(a.previous) : null,
      staged:
        stagedEntry && a.staged ? { ...stagedEntry, effectiveDate: new Date(a.staged.effectiveDate) } : null,
    };
  }

  async #entry(thumbprint: string): Promise<SigningMaterialEntry | null> {
    const doc = await this.#documents.record(thumbprint);
    if (!doc) return null; // deleted meanwhile: nothing to sign or publish with
    const der = Buffer.from(doc.body.certificate, 'base64');
    const x509 = new X509Certificate(der);
    return {
      thumbprint,
      x5t: createHash('sha1').update(der).digest('base64url'),
      certificateDer: der,
      chainDer: doc.body.chain.map((c) => Buffer.from(c, 'base64')),
      privateKey: this.#privateKey(doc.body),
      publicKey: x509.publicKey,
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
    };
  }

  #privateKey(record: CertificateRecord): KeyObject | null {
    if (!record.privateKey) return null;
    let key = this.#keys.get(record.thumbprint);
    if (!key) {
      const pkcs8 = this.#secretBox().open(record.privateKey, record.thumbprint);
      key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
      pkcs8.fill(0);
      this.#keys.set(record.thumbprint, key);
    }
    return key;
  }
}
