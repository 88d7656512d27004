/**
 * The built-in certification authority and certificate requests (docs/ca.md; docs/ca.md; docs/protocol.md §5.4
 * Request-CsCertificate): the CA itself (`authority`), trusted roots, pending requests, online and offline
 * requests, response import and the wizard's status.
 */
import { parseResponseFile } from '../../ca/index.ts';
import type { CaSubmission, CaTarget } from '../../ca/index.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { CaAuthority } from './ca-authority.ts';
import { PendingRequests, summarize } from './pending-requests.ts';
import type { PendingRequestSummary } from './pending-requests.ts';
import { planRequest } from './request-planner.ts';
import type { CertificateRequestOptions, RequestPlan } from './request-planner.ts';
import { RequestRunner } from './request-runner.ts';
import type { RequestOutcome } from './request-runner.ts';
import { ResponseImporter } from './response-importer.ts';
import type { ImportResponseInput, ImportResponseResult } from './response-importer.ts';
import { StatusChecker } from './status-checker.ts';
import type { CertificateStatusReport } from './status-checker.ts';
import { TrustedRoots } from './trusted-roots.ts';

export type { CertificateRequestOptions, RequestPlan } from './request-planner.ts';
export type { RequestOutcome } from './request-runner.ts';
export type { ImportResponseInput, ImportResponseResult } from './response-importer.ts';
export type { CertificateStatusReport } from './status-checker.ts';
export type { PendingRequestSummary } from './pending-requests.ts';
export type { CaInitOptions, IssuedCertificate } from './ca-authority.ts';
export type {
  CaDocument,
  IssuedDocument,
  PendingRequestDocument,
  TrustedRootDocument,
} from './ca-documents.ts';

export class CaService {
  protected readonly deps: ServiceDeps;
  /** The deployment's own CA: init, templates, accounts, issuance, revocation, CRL. */
  readonly authority: CaAuthority;
  /** Trusted root CAs. */
  readonly trustedRoots: TrustedRoots;
  readonly #pending: PendingRequests;
  readonly #status: StatusChecker;
  readonly #importer: ResponseImporter;
  readonly #runner: RequestRunner;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
    this.authority = new CaAuthority(deps);
    this.trustedRoots = new TrustedRoots(deps);
    this.#pending = new PendingRequests(deps);
    this.#status = new StatusChecker(deps, this.trustedRoots);
    this.#importer = new ResponseImporter(deps, this.#pending, this.#status);
    this.#runner = new RequestRunner(deps, {
      authority: this.authority,
      pending: this.#pending,
      importer: this.#importer,
      roots: this.trustedRoots,
    });
  }

  /** The review step: subject, SANs, key and target, refused early when a rule fails. */
  plan(options: CertificateRequestOptions): Promise<RequestPlan> {
    return planRequest(this.deps, this.authority, options);
  }

  /** Runs a reviewed plan (offline: pending request + PKCS#10; online: issued, installed, assigned). */
  submit(plan: RequestPlan): Promise<RequestOutcome> {
    return this.#runner.run(plan);
  }

  /** Sends a PKCS#10 request to an online CA; returns the issued chain PEM (the CA-issuer port of automatic renewal). */
  submitCsr(
    target: Exclude<CaTarget, { kind: 'offline' }>,
    request: Omit<CaSubmission, 'trustedRootsPem' | 'revoked'>,
  ): Promise<string> {
    return this.#runner.submitCsr(target, request);
  }

  /** plan + submit, for callers that review elsewhere. */
  async request(options: CertificateRequestOptions): Promise<RequestOutcome> {
    return this.submit(await this.plan(options));
  }

  /** Completes a pending request with a CA response (also called by `certificate import`). */
  importResponse(input: ImportResponseInput): Promise<ImportResponseResult> {
    return this.#importer.import(input);
  }

  /** Reads a response file: PEM, DER, base64 or PKCS#7 → DER certificates. */
  parseResponseFile(bytes: Uint8Array): Buffer[] {
    return parseResponseFile(bytes);
  }

  /** Pending requests (--list). */
  async listRequests(): Promise<PendingRequestSummary[]> {
    return (await this.#pending.list()).map((d) => summarize(d.body));
  }

  /** One pending request with its PKCS#10 (--retrieve). */
  async retrieveRequest(id: number): Promise<PendingRequestSummary> {
    return summarize((await this.#pending.get(id)).body);
  }

  /** Deletes a pending request and its key (--clear). */
  clearRequest(id: number): Promise<PendingRequestSummary> {
    return this.#pending.clear(id);
  }

  /** The wizard's status of an installed certificate. */
  status(thumbprint: string, usages?: readonly string[]): Promise<CertificateStatusReport> {
    return this.#status.check(thumbprint, usages);
  }
}
