/** The wizard's status of an installed certificate (docs/ca.md, request step 7), with the fix for each finding. */
import type { CertificateAssignment, CertificateRecord, Warning } from '../../core/index.ts';
import { assessCertificate, parseCertificates } from '../../ca/index.ts';
import type { CertificateStatus } from '../../ca/index.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { TrustedRoots } from './trusted-roots.ts';
import type { CaDocument } from './ca-documents.ts';
import { caError } from '../../core/ca/ca-errors.ts';

export interface CertificateStatusReport {
  readonly thumbprint: string;
  readonly status: CertificateStatus;
  readonly problems: readonly CertificateStatus[];
  /** One line per finding, naming the fix (e.g. the `s2s trusted-root add` command). */
  readonly explanation: string;
  /** Thumbprint and subject of the untrusted root, when that is a finding. */
  readonly untrustedRoot: { thumbprint: string; subject: string } | null;
  readonly unfitUsages: readonly string[];
  readonly warnings: readonly Warning[];
}

const WARNING_OF: Readonly<Record<Exclude<CertificateStatus, 'valid'>, string>> = {
  'chain-incomplete': 'WARN_CA_CHAIN_INCOMPLETE',
  'untrusted-root': 'WARN_CA_ROOT_UNTRUSTED',
  'missing-private-key': 'WARN_CA_PRIVATE_KEY_MISSING',
  'usage-mismatch': 'WARN_CA_USAGE_MISMATCH',
};

export class StatusChecker {
  readonly #deps: ServiceDeps;
  readonly #roots: TrustedRoots;
  constructor(deps: ServiceDeps, roots: TrustedRoots) {
    this.#deps = deps;
    this.#roots = roots;
  }

  /**
   * The built-in CA's root: a certificate it issued is "issued and valid" for the request wizard whether
   * or not the root is among the trusted roots, which decide outbound TLS (docs/ca.md "Trusting the root").
   */
  async #ownRoot() {
    const [ca] = await this.#deps.store.list<CaDocument>('ca');
    return ca ? parseCertificates([Buffer.from(ca.body.root.certificate, 'base64')]) : [];
  }

  /** Status of an installed certificate for the given usages (default: the usages it is assigned to). */
  async check(thumbprint: string, usages?: readonly string[]): Promise<CertificateStatusReport> {
    const doc = await this.#deps.store.get<CertificateRecord>('certificate', thumbprint.toUpperCase());
    if (!doc)
      throw caError('ERR_CA_CERTIFICATE_UNKNOWN', `no installed certificate has thumbprint ${thumbprint}`, {
        thumbprint,
      });
    const [leaf, ...chain] = parseCertificates(
      [doc.body.certificate, ...doc.body.chain].map((b) => Buffer.from(b, 'base64')),
    );
    const assigned = usages ?? (await this.#assignedUsages(doc.body.thumbprint));
    const report = await assessCertificate({
      leaf: leaf!,
      chain,
      trustedRoots: [...(await this.#roots.parsed()), ...(await this.#ownRoot())],
      hasPrivateKey: doc.body.privateKey !== undefined,
      usages: assigned,
    });
    const lines = report.problems.map((p) =>
      explain(p, report.untrustedRoot?.cert.subject, report.unfitUsages),
    );
    const warnings = report.problems.map((p, i) => ({ code: WARNING_OF[p], message: lines[i]! }));
    return {
      thumbprint: doc.body.thumbprint,
      status: report.status,
      problems: report.problems,
      explanation: lines.length === 0 ? 'Issued and valid.' : lines.join(' '),
      untrustedRoot: report.untrustedRoot
        ? { thumbprint: report.untrustedRoot.thumbprint, subject: report.untrustedRoot.cert.subject }
        : null,
      unfitUsages: report.unfitUsages,
      warnings,
    };
  }

  async #assignedUsages(thumbprint: string): Promise<string[]> {
    const docs = await this.#deps.store.list<CertificateAssignment>('assignment');
    return docs.filter((d) => d.body.current === thumbprint).map((d) => d.body.usage);
  }
}

function explain(
  problem: Exclude<CertificateStatus, 'valid'>,
  rootSubject: string | undefined,
  unfit: readonly string[],
): string {
  switch (problem) {
    case 'chain-incomplete':
      return 'Issued, but not valid: the issuer chain is incomplete; import the intermediate and root certificates (a .p7b with the full chain).';
    case 'untrusted-root':
      return `Issued, but not valid: the root CA "${rootSubject ?? ''}" is not trusted; fix it with \`s2s trusted-root add --path <root.pem>\` (export the root with \`openssl\` or from the CA).`;
    case 'missing-private-key':
      return 'Not valid: the private key is missing; import the PFX that holds it, or request a new certificate.';
    case 'usage-mismatch':
      return `Not fit for ${unfit.join(', ')}: the key usage or extended key usage does not allow it.`;
  }
}
