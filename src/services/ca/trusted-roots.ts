/** Trusted root CAs of the deployment (`s2s trusted-root add|list|remove`; docs/ca.md, request step 7). */
import { caError } from '../../core/ca/ca-errors.ts';
import { isSelfSigned, parseCertificates, parseResponseFile, x509 } from '../../ca/index.ts';
import type { ParsedCertificate } from '../../ca/index.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { TrustedRootDocument } from './ca-documents.ts';

export class TrustedRoots {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** Adds a self-signed CA certificate (PEM or DER file bytes); idempotent. */
  async add(bytes: Uint8Array): Promise<{ root: TrustedRootDocument; added: boolean }> {
    const [parsed, ...rest] = parseCertificates(parseResponseFile(bytes));
    if (!parsed || rest.length > 0)
      throw caError('ERR_CA_TRUSTED_ROOT_INVALID', 'a trusted root file must hold exactly one certificate');
    const basic = parsed.cert.getExtension(x509.BasicConstraintsExtension);
    if (!(await isSelfSigned(parsed.cert)) || basic?.ca !== true) {
      throw caError(
        'ERR_CA_TRUSTED_ROOT_INVALID',
        `${parsed.cert.subject} is not a self-signed CA certificate`,
        { subject: parsed.cert.subject },
      );
    }
    const existing = await this.#deps.store.get<TrustedRootDocument>('trusted-root', parsed.thumbprint);
    if (existing) return { root: existing.body, added: false };
    const root: TrustedRootDocument = {
      thumbprint: parsed.thumbprint,
      certificate: parsed.der.toString('base64'),
      subject: parsed.cert.subject,
      notAfter: parsed.cert.notAfter.toISOString(),
      addedAt: this.#deps.clock.now().toISOString(),
    };
    await this.#deps.store.write([
      { op: 'put', kind: 'trusted-root', key: root.thumbprint, body: root, expect: 'absent' },
    ]);
    return { root, added: true };
  }

  /** Every trusted root. */
  async list(): Promise<TrustedRootDocument[]> {
    return (await this.#deps.store.list<TrustedRootDocument>('trusted-root')).map((d) => d.body);
  }

  /** Removes a root by thumbprint; throws ERR_CA_TRUSTED_ROOT_UNKNOWN. */
  async remove(thumbprint: string): Promise<void> {
    const key = thumbprint.replace(/[\s:]/g, '').toUpperCase();
    const doc = await this.#deps.store.get('trusted-root', key);
    if (!doc)
      throw caError('ERR_CA_TRUSTED_ROOT_UNKNOWN', `no trusted root has thumbprint ${key}`, {
        thumbprint: key,
      });
    await this.#deps.store.write([{ op: 'delete', kind: 'trusted-root', key, expect: doc.version }]);
  }

  /** The roots parsed, for chain checks. */
  async parsed(): Promise<ParsedCertificate[]> {
    return parseCertificates((await this.list()).map((r) => Buffer.from(r.certificate, 'base64')));
  }
}
