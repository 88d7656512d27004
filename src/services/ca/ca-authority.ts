/**
 * The deployment's built-in CA as a use case: init (root, optional intermediate), templates, CA accounts,
 * issuance with an issuance log, revocation and the CRL. Keys are sealed with the master key.
 */
import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { sharedError } from '../../core/index.ts';
import { caError } from '../../core/ca/ca-errors.ts';
import {
  WEB_SERVER_TEMPLATE,
  checkEnrollmentNames,
  createCrl,
  createIntermediateCertificate,
  createRootCertificate,
  generateKeyPair,
  issueCertificate,
  keySizeOf,
  newSerialNumber,
  parseRequest,
  thumbprintOf,
  toPem,
  validateTemplate,
  x509,
} from '../../ca/index.ts';
import type { AuthorityKeyMaterial, CertificateTemplate, KeyPair } from '../../ca/index.ts';
import type { StoredDocument } from '../../store/document-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { CaDocument, IssuedDocument, StoredAuthorityKey } from './ca-documents.ts';
import { CaAccounts } from './ca-accounts.ts';
import { CrlCache } from './crl-cache.ts';
import { EnrollmentGuard } from './enrollment-guard.ts';

/** Defaults of `ca init`, each with its unit. */
export const CA_DEFAULTS = {
  name: 'CN=S2S Enterprise Root CA',
  /** RSA bits of CA keys. */
  keySize: 3072,
  /** Root validity, days (20 years). */
  rootValidityDays: 20 * 365,
  /** Intermediate validity, days (10 years). */
  intermediateValidityDays: 10 * 365,
  /** CRL validity (nextUpdate − thisUpdate), days. */
  crlValidityDays: 7,
} as const;

export interface CaInitOptions {
  readonly name?: string | undefined;
  readonly keySize?: 3072 | 4096 | undefined;
  /** Subject of an issuing intermediate beneath the root; none when undefined. */
  readonly intermediateName?: string | undefined;
  readonly crlUrl?: string | undefined;
  /** Pre-generated keys (tests); generated when absent. */
  readonly keys?: { root: KeyPair; intermediate?: KeyPair } | undefined;
}

/** The result of an issuance. */
export interface IssuedCertificate {
  readonly serialNumber: string;
  readonly certificate: Buffer;
  /** Issuers, leaf's issuer first, root last. */
  readonly chain: readonly Buffer[];
}

export class CaAuthority {
  readonly #deps: ServiceDeps;
  /** CA accounts allowed to enroll. */
  readonly accounts: CaAccounts;
  /** Rate limits and lockout of POST /ca/enroll (docs/ca.md "Enrollment limits"). */
  readonly #guard: EnrollmentGuard;
  readonly #crl: CrlCache;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
    this.accounts = new CaAccounts(deps, () => this.document());
    this.#guard = new EnrollmentGuard(deps.clock);
    this.#crl = new CrlCache(deps.clock, CA_DEFAULTS.crlValidityDays * 24 * 3600_000);
  }

  /** The CA document; throws ERR_CA_NOT_INITIALIZED. */
  async document(): Promise<StoredDocument<CaDocument>> {
    const [doc] = await this.#deps.store.list<CaDocument>('ca');
    if (!doc)
      throw caError('ERR_CA_NOT_INITIALIZED', 'this deployment has no built-in CA: run `s2s ca init`');
    return doc;
  }

  /** `s2s ca init`: creates the root (and an intermediate) and the WebServer template. */
  async init(options: CaInitOptions = {}): Promise<CaDocument> {
    if ((await this.#deps.store.list('ca')).length > 0) {
      throw caError(
        'ERR_CA_ALREADY_INITIALIZED',
        'this deployment already has a built-in CA (see `s2s ca show`)',
      );
    }
    const now = this.#deps.clock.now();
    const keySize = options.keySize ?? CA_DEFAULTS.keySize;
    if (keySize !== 3072 && keySize !== 4096)
      throw sharedError('ERR_INVALID_INPUT', 'CA key size must be 3072 or 4096', { field: 'keySize' });
    const rootKeys = options.keys?.root ?? (await generateKeyPair({ algorithm: 'RSA', size: keySize }));
    const name = options.name ?? CA_DEFAULTS.name;
    const rootCert = await createRootCertificate({
      name,
      keys: rootKeys,
      now,
      validityDays: CA_DEFAULTS.rootValidityDays,
    });
    let intermediate: StoredAuthorityKey | null = null;
    if (options.intermediateName !== undefined) {
      const keys = options.keys?.intermediate ?? (await generateKeyPair({ algorithm: 'RSA', size: keySize }));
      const issuer = { certificate: rootCert, privateKey: rootKeys.privateKey };
      const cert = await createIntermediateCertificate({
        name: options.intermediateName,
        keys,
        issuer,
        now,
        validityDays: CA_DEFAULTS.intermediateValidityDays,
      });
      intermediate = this.#seal(cert, keys.privateKey);
    }
    const doc: CaDocument = {
      name: rootCert.subject,
      root: this.#seal(rootCert, rootKeys.privateKey),
      intermediate,
      accounts: [],
      crlUrl: options.crlUrl ?? null,
      createdAt: now.toISOString(),
    };
    const template = await this.#deps.store.get('ca-template', WEB_SERVER_TEMPLATE.name);
    await this.#deps.store.write([
      { op: 'put', kind: 'ca', key: doc.name, body: doc, expect: 'absent' },
      ...(template
        ? []
        : [
            {
              op: 'put' as const,
              kind: 'ca-template' as const,
              key: WEB_SERVER_TEMPLATE.name,
              body: WEB_SERVER_TEMPLATE,
              expect: 'absent' as const,
            },
          ]),
    ]);
    return doc;
  }

  #seal(cert: x509.X509Certificate, privateKey: KeyObject): StoredAuthorityKey {
    const der = Buffer.from(cert.rawData);
    const thumbprint = thumbprintOf(der);
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    return {
      thumbprint,
      certificate: der.toString('base64'),
      privateKey: this.#deps.secretBox().seal(pkcs8, thumbprint),
    };
  }

  #open(stored: StoredAuthorityKey): AuthorityKeyMaterial {
    const pkcs8 = this.#deps.secretBox().open(stored.privateKey, stored.thumbprint);
    return {
      certificate: new x509.X509Certificate(new Uint8Array(Buffer.from(stored.certificate, 'base64'))),
      privateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
    };
  }

  /** The certificates of the CA, issuing CA first, root last (DER). */
  async caChain(): Promise<Buffer[]> {
    const { body } = await this.document();
    return [...(body.intermediate ? [body.intermediate] : []), body.root].map((k) =>
      Buffer.from(k.certificate, 'base64'),
    );
  }

  /** Templates: the stored ones (WebServer included once the CA exists). */
  async listTemplates(): Promise<CertificateTemplate[]> {
    const stored = await this.#deps.store.list<CertificateTemplate>('ca-template');
    const templates = stored.map((d) => d.body);
    return templates.some((t) => t.name === WEB_SERVER_TEMPLATE.name)
      ? templates
      : [WEB_SERVER_TEMPLATE, ...templates];
  }

  /** One template by name; throws ERR_CA_TEMPLATE_UNKNOWN. */
  async template(name: string): Promise<CertificateTemplate> {
    const doc = await this.#deps.store.get<CertificateTemplate>('ca-template', name);
    if (doc) return doc.body;
    if (name === WEB_SERVER_TEMPLATE.name) return WEB_SERVER_TEMPLATE;
    throw caError('ERR_CA_TEMPLATE_UNKNOWN', `the CA has no template named "${name}"`, { template: name });
  }

  /** Adds a custom template; throws ERR_CA_TEMPLATE_EXISTS. */
  async addTemplate(input: CertificateTemplate): Promise<CertificateTemplate> {
    await this.document();
    const template = validateTemplate(input);
    if (
      (await this.#deps.store.get('ca-template', template.name)) ||
      template.name === WEB_SERVER_TEMPLATE.name
    ) {
      throw caError('ERR_CA_TEMPLATE_EXISTS', `a template named "${template.name}" already exists`, {
        template: template.name,
      });
    }
    await this.#deps.store.write([
      { op: 'put', kind: 'ca-template', key: template.name, body: template, expect: 'absent' },
    ]);
    return template;
  }

  /** Removes a custom template. */
  async removeTemplate(name: string): Promise<void> {
    const doc = await this.#deps.store.get('ca-template', name);
    if (!doc)
      throw caError('ERR_CA_TEMPLATE_UNKNOWN', `the CA has no template named "${name}"`, { template: name });
    await this.#deps.store.write([{ op: 'delete', kind: 'ca-template', key: name, expect: doc.version }]);
  }

  /** Issues a certificate for a PKCS#10 request through a template, and logs it. */
  async issue(input: {
    csr: string | Uint8Array;
    template: string;
    account: string | null;
  }): Promise<IssuedCertificate> {
    const template = await this.template(input.template);
    const request = await parseRequest(input.csr);
    if (input.account !== null) {
      // Enrollment certifies only the names the account and the template allow (docs/ca.md "Name constraints").
      const account = (await this.document()).body.accounts.find((a) => a.name === input.account);
      checkEnrollmentNames(request, template, { name: input.account, allowedNames: account?.allowedNames });
    }
    const size = keySizeOf(request.publicKey);
    if (request.publicKey.asymmetricKeyType === 'rsa' && size < template.minimumRsaKeySize) {
      throw caError(
        'ERR_CA_KEY_TOO_SMALL',
        `template ${template.name} needs an RSA key of at least ${template.minimumRsaKeySize} bits, got ${size}`,
        { template: template.name, keySize: size },
      );
    }
    const { body: ca } = await this.document();
    const issuer = this.#open(ca.intermediate ?? ca.root);
    const serialNumber = newSerialNumber();
    const now = this.#deps.clock.now();
    const crlUrl = ca.crlUrl ?? undefined;
    const cert = await issueCertificate({
      issuer,
      request,
      template,
      now,
      serialNumber,
      ...(crlUrl ? { crlUrl } : {}),
    });
    const der = Buffer.from(cert.rawData);
    const log: IssuedDocument = {
      caName: ca.name,
      serialNumber,
      thumbprint: thumbprintOf(der),
      subject: cert.subject,
      dnsNames: request.dnsNames,
      template: template.name,
      account: input.account,
      issuedAt: now.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      certificate: der.toString('base64'),
      revokedAt: null,
      revocationReason: null,
    };
    await this.#deps.store.write([
      { op: 'put', kind: 'ca-issued', key: `${ca.name}/${serialNumber}`, body: log, expect: 'absent' },
    ]);
    return { serialNumber, certificate: der, chain: await this.caChain() };
  }

  /**
   * Enrollment (POST /ca/enroll): admits the attempt (rate limits, lockout: no KDF work when refused),
   * checks the CA account, then issues; returns the chain PEM. `client` is the caller's address.
   */
  async enroll(input: {
    account: string;
    password: string;
    template: string;
    csr: string;
    client?: string;
  }): Promise<string> {
    this.#guard.admit(input.account, input.client ?? 'unknown');
    try {
      await this.accounts.verify(input.account, input.password);
    } catch (err) {
      this.#guard.failed(input.account);
      throw err;
    }
    this.#guard.succeeded(input.account);
    const issued = await this.issue({ csr: input.csr, template: input.template, account: input.account });
    return [issued.certificate, ...issued.chain].map((der) => toPem(der)).join('');
  }

  /** The issuance log, oldest serial key first. */
  async issued(): Promise<IssuedDocument[]> {
    const { body } = await this.document();
    return (await this.#deps.store.list<IssuedDocument>('ca-issued', `${body.name}/`)).map((d) => d.body);
  }

  /** Revokes an issued certificate (idempotent); it appears in the next CRL. */
  async revoke(
    serialNumber: string,
    reason: x509.X509CrlReason = x509.X509CrlReason.unspecified,
  ): Promise<IssuedDocument> {
    const { body: ca } = await this.document();
    const key = `${ca.name}/${serialNumber.toLowerCase()}`;
    const doc = await this.#deps.store.get<IssuedDocument>('ca-issued', key);
    if (!doc)
      throw caError(
        'ERR_CA_CERTIFICATE_UNKNOWN',
        `the CA issued no certificate with serial ${serialNumber}`,
        { serialNumber },
      );
    if (doc.body.revokedAt !== null) return doc.body;
    const body: IssuedDocument = {
      ...doc.body,
      revokedAt: this.#deps.clock.now().toISOString(),
      revocationReason: reason,
    };
    await this.#deps.store.write([{ op: 'put', kind: 'ca-issued', key, body, expect: doc.version }]);
    return body;
  }

  /**
   * The CRL (DER) listing every revoked certificate of the issuing CA (RFC 5280 §5): a cached signed copy,
   * signed again only when the revocations change or the copy nears its nextUpdate (docs/ca.md).
   */
  async crl(): Promise<Buffer> {
    const { body: ca } = await this.document();
    const entries = (await this.issued())
      .filter((i) => i.revokedAt !== null)
      .map((i) => ({
        serialNumber: i.serialNumber,
        revokedAt: new Date(i.revokedAt!),
        reason: i.revocationReason ?? 0,
      }));
    const issuerKey = ca.intermediate ?? ca.root;
    return this.#crl.get(issuerKey.thumbprint, entries, async (now) => {
      const crl = await createCrl({
        issuer: this.#open(issuerKey),
        entries,
        now,
        validityDays: CA_DEFAULTS.crlValidityDays,
      });
      return Buffer.from(crl.rawData);
    });
  }
}
