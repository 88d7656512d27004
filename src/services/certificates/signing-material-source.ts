/**
 * Resolves a usage's certificates at an instant into {@link SigningMaterial}. Signing a token, serving
 * TLS and publishing metadata ask for it on every call, so the opened material (parsed certificates,
 * private keys unsealed with the master key, AAD = thumbprint) is cached per (identity, usage) and keyed
 * on the store head version: any committed write — by this process or another one sharing the store —
 * moves the head and the next call re-reads the documents. Only the choice of current / previous / staged
 * is left to the clock at call time, so a staged roll takes effect at its effective date with nothing
 * running (docs/protocol.md §5.4: the new certificate signs from its effective date on).
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { GLOBAL_IDENTITY, resolveAssignment } from '../../core/certificates/index.ts';
import type {
  CertificateAssignment,
  CertificateIdentity,
  CertificateRecord,
  CertificateUsage,
  SigningMaterial,
  SigningMaterialEntry,
} from '../../core/certificates/index.ts';
import type { SecretBox } from '../../core/index.ts';
import type { DocumentStore } from '../../store/document-store.ts';
import type { CertificateDocuments } from './certificate-documents.ts';

const NOTHING: SigningMaterial = Object.freeze({ current: null, previous: null, staged: null });

/** The material of one (identity, usage) as of one store version, before and after its staged roll. */
interface ResolvedUsage {
  readonly headVersion: number;
  /** ms since the epoch from which `after` applies (the staged effective date); +∞ when nothing is staged. */
  readonly switchAt: number;
  readonly before: SigningMaterial;
  readonly after: SigningMaterial;
}

/** An entry built from one version of a certificate record (re-built only when the record changes). */
interface BuiltEntry {
  readonly recordVersion: number;
  readonly entry: SigningMaterialEntry;
}

/** Builds signing material; one instance per service (its caches live as long as the process). */
export class SigningMaterialSource {
  readonly #documents: CertificateDocuments;
  readonly #store: Pick<DocumentStore, 'headVersion'>;
  readonly #secretBox: () => SecretBox;
  readonly #keys = new Map<string, KeyObject>();
  readonly #entries = new Map<string, BuiltEntry>();
  readonly #resolved = new Map<string, ResolvedUsage>();

  constructor(
    documents: CertificateDocuments,
    secretBox: () => SecretBox,
    store: Pick<DocumentStore, 'headVersion'>,
  ) {
    this.#documents = documents;
    this.#secretBox = secretBox;
    this.#store = store;
  }

  /**
   * The material of a usage for an identity (falling back to the global assignment) at `now`. Costs one
   * head-version read while the store has not changed; the returned objects are shared: do not mutate.
   */
  async material(
    usage: CertificateUsage,
    identity: CertificateIdentity,
    now: Date,
  ): Promise<SigningMaterial> {
    const cacheKey = `${identity}/${usage}`;
    const headVersion = await this.#store.headVersion();
    let held = this.#resolved.get(cacheKey);
    if (!held || held.headVersion !== headVersion) {
      // Documents read after the head: at least as new as `headVersion`, so caching them under it is safe.
      held = await this.#build(usage, identity, headVersion);
      const newest = this.#resolved.get(cacheKey);
      if (!newest || newest.headVersion <= headVersion) this.#resolved.set(cacheKey, held);
    }
    return now.getTime() < held.switchAt ? held.before : held.after;
  }

  async #build(
    usage: CertificateUsage,
    identity: CertificateIdentity,
    headVersion: number,
  ): Promise<ResolvedUsage> {
    let doc = await this.#documents.assignment(identity, usage);
    if (!doc && identity !== GLOBAL_IDENTITY) doc = await this.#documents.assignment(GLOBAL_IDENTITY, usage);
    const assignment = doc?.body;
    if (!assignment)
      return { headVersion, switchAt: Number.POSITIVE_INFINITY, before: NOTHING, after: NOTHING };
    const switchAt = assignment.staged ? Date.parse(assignment.staged.effectiveDate) : Number.NaN;
    if (Number.isNaN(switchAt)) {
      const material = await this.#materialOf(assignment);
      return { headVersion, switchAt: Number.POSITIVE_INFINITY, before: material, after: material };
    }
    // resolveAssignment is a pure function of now: before the effective date it is the stored shape,
    // from it on the staged certificate is current (assignment-transitions.ts).
    const before = await this.#materialOf(resolveAssignment(assignment, new Date(switchAt - 1)));
    const after = await this.#materialOf(resolveAssignment(assignment, new Date(switchAt)));
    return { headVersion, switchAt, before, after };
  }

  async #materialOf(a: CertificateAssignment): Promise<SigningMaterial> {
    const stagedEntry = a.staged ? await this.#entry(a.staged.thumbprint) : null;
    return Object.freeze({
      current: a.current ? await this.#entry(a.current) : null,
      previous: a.previous ? await this.#entry(a.previous) : null,
      staged:
        stagedEntry && a.staged
          ? Object.freeze({ ...stagedEntry, effectiveDate: new Date(a.staged.effectiveDate) })
          : null,
    });
  }

  async #entry(thumbprint: string): Promise<SigningMaterialEntry | null> {
    const doc = await this.#documents.record(thumbprint);
    if (!doc) {
      this.#entries.delete(thumbprint);
      this.#keys.delete(thumbprint); // a deleted certificate's key does not stay in memory
      return null; // deleted meanwhile: nothing to sign or publish with
    }
    const built = this.#entries.get(thumbprint);
    if (built && built.recordVersion === doc.version) return built.entry;
    const entry = this.#newEntry(doc.body);
    this.#entries.set(thumbprint, { recordVersion: doc.version, entry });
    return entry;
  }

  #newEntry(record: CertificateRecord): SigningMaterialEntry {
    const der = Buffer.from(record.certificate, 'base64');
    const x509 = new X509Certificate(der);
    return Object.freeze({
      thumbprint: record.thumbprint,
      x5t: createHash('sha1').update(der).digest('base64url'),
      certificateDer: der,
      chainDer: Object.freeze(record.chain.map((c) => Buffer.from(c, 'base64'))),
      privateKey: this.#privateKey(record),
      publicKey: x509.publicKey,
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
    });
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
