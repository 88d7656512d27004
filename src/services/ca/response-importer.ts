/**
 * Completes a request with the CA's response (Import-CsCertificate completing an offline request;
 * docs/protocol.md §5.4): finds the pending request by public key, orders the chain, drops unrelated
 * certificates, checks the key usage, installs and assigns in one batch, then reports the status.
 */
import { caError } from '../../core/ca/ca-errors.ts';
import type { Warning } from '../../core/index.ts';
import { droppedNames, orderChain, parseCertificates, publicKeyId, usageFits } from '../../ca/index.ts';
import type { ParsedCertificate } from '../../ca/index.ts';
import type { StoredDocument } from '../../store/document-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { PendingRequestDocument } from './ca-documents.ts';
import { installOperations } from './certificate-installer.ts';
import type { PendingRequests } from './pending-requests.ts';
import type { CertificateStatusReport, StatusChecker } from './status-checker.ts';

export interface ImportResponseInput {
  readonly certificates: readonly Uint8Array[];
  /** Restricts matching to one request (online issuance). */
  readonly requestId?: number;
  /** Overrides the request's own assign flag (--no-assign at import time). */
  readonly assign?: boolean;
}

export interface ImportResponseResult {
  readonly outcome: 'installed' | 'already-imported';
  readonly thumbprint: string;
  readonly requestId: number | null;
  readonly subject: string;
  readonly notAfter: string;
  readonly assigned: readonly string[];
  readonly status: CertificateStatusReport;
  readonly droppedCertificates: readonly string[];
  readonly warnings: readonly Warning[];
}

export class ResponseImporter {
  readonly #deps: ServiceDeps;
  readonly #pending: PendingRequests;
  readonly #status: StatusChecker;
  constructor(deps: ServiceDeps, pending: PendingRequests, status: StatusChecker) {
    this.#deps = deps;
    this.#pending = pending;
    this.#status = status;
  }

  /** Imports a response; see the file comment. */
  async import(input: ImportResponseInput): Promise<ImportResponseResult> {
    const parsed = parseCertificates(input.certificates);
    const candidates = (await this.#pending.list()).filter(
      (d) => input.requestId === undefined || d.body.id === input.requestId,
    );
    const match = findMatch(parsed, candidates);
    if (!match) return this.#alreadyImported(parsed);
    const { request, leaf } = match;
    const ordered = await orderChain(leaf, parsed);
    const unfit = request.body.usages.filter((u) => !usageFits(leaf.cert, u));
    if (unfit.length > 0) {
      throw caError(
        'ERR_CA_RESPONSE_USAGE',
        `the issued certificate's key usage does not fit ${unfit.join(', ')}; nothing was installed and request ${request.body.id} is still pending`,
        { requestId: request.body.id, usages: unfit },
      );
    }
    const assignTo = (input.assign ?? request.body.assign) ? request.body.usages : [];
    const ops = await installOperations(this.#deps, {
      leaf,
      chain: ordered.chain,
      privateKey: this.#pending.openKey(request.body),
      exportable: request.body.exportable,
      friendlyName: request.body.friendlyName,
      assignTo,
    });
    ops.push({ op: 'delete', kind: 'certificate-request', key: request.key, expect: request.version });
    await this.#deps.store.write(ops);
    const status = await this.#status.check(leaf.thumbprint, request.body.usages);
    const warnings: Warning[] = [...status.warnings];
    warnings.unshift(...extensionWarnings(leaf, request.body));
    if (ordered.unrelated.length > 0) {
      warnings.unshift({
        code: 'WARN_CA_UNRELATED_DROPPED',
        message: `${ordered.unrelated.length} certificate(s) of the response are not in the chain and were ignored`,
        details: { thumbprints: ordered.unrelated.map((c) => c.thumbprint) },
      });
    }
    return {
      outcome: 'installed',
      thumbprint: leaf.thumbprint,
      requestId: request.body.id,
      subject: leaf.cert.subject,
      notAfter: leaf.cert.notAfter.toISOString(),
      assigned: assignTo,
      status,
      droppedCertificates: ordered.unrelated.map((c) => c.thumbprint),
      warnings,
    };
  }

  /** Second import of the same response: a no-op with a clear message; otherwise no match at all. */
  async #alreadyImported(parsed: readonly ParsedCertificate[]): Promise<ImportResponseResult> {
    for (const cert of parsed) {
      if (!(await this.#deps.store.get('certificate', cert.thumbprint))) continue;
      const status = await this.#status.check(cert.thumbprint, []);
      const message = `certificate ${cert.thumbprint} (${cert.cert.subject}) is already installed; nothing changed`;
      return {
        outcome: 'already-imported',
        thumbprint: cert.thumbprint,
        requestId: null,
        subject: cert.cert.subject,
        notAfter: cert.cert.notAfter.toISOString(),
        assigned: [],
        status,
        droppedCertificates: [],
        warnings: [{ code: 'WARN_CA_ALREADY_IMPORTED', message, details: { thumbprint: cert.thumbprint } }],
      };
    }
    throw caError(
      'ERR_CA_RESPONSE_NO_MATCH',
      'no certificate in the response matches the public key of a pending request; nothing was installed',
      { certificates: parsed.map((c) => c.thumbprint) },
    );
  }
}

function findMatch(
  parsed: readonly ParsedCertificate[],
  requests: readonly StoredDocument<PendingRequestDocument>[],
): { request: StoredDocument<PendingRequestDocument>; leaf: ParsedCertificate } | undefined {
  for (const leaf of parsed) {
    const id = publicKeyId(new Uint8Array(leaf.cert.publicKey.rawData));
    const request = requests.find((r) => r.body.publicKeyId === id);
    if (request) return { request, leaf };
  }
  return undefined;
}

/** WARN_CA_RESPONSE_EXTENSIONS_DROPPED when the CA left out DNS names the request asked for. */
function extensionWarnings(leaf: ParsedCertificate, request: PendingRequestDocument): Warning[] {
  const missing = droppedNames(leaf.cert, request.dnsNames);
  if (missing.length === 0) return [];
  return [
    {
      code: 'WARN_CA_RESPONSE_EXTENSIONS_DROPPED',
      message: `the issued certificate lacks the DNS names ${missing.join(', ')} that request ${request.id} asked for: the CA dropped the request's extensions`,
      details: { requestId: request.id, missingNames: missing },
    },
  ];
}
