/**
 * Runs a reviewed request (docs/ca.md, request step 7): generate the key, persist the pending request with its
 * sealed key (one batch), then either hand back the PKCS#10 (offline) or submit it online and import the
 * answer. The order is what makes a crash safe: no request leaves the process before its key is stored.
 */
import { outboundTrust } from '../outbound-trust.ts';
import { S2sError } from '../../core/index.ts';
import {
  caBackendFor,
  caFailpoint,
  caTargetText,
  createRequest,
  generateKeyPair,
  parseResponseFile,
  publicKeyId,
  toPem,
} from '../../ca/index.ts';
import type { CaBackend, CaSubmission } from '../../ca/index.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { CaAuthority } from './ca-authority.ts';
import type { PendingRequests, PendingRequestSummary } from './pending-requests.ts';
import { summarize } from './pending-requests.ts';
import type { RequestPlan } from './request-planner.ts';
import type { ImportResponseResult, ResponseImporter } from './response-importer.ts';
import type { TrustedRoots } from './trusted-roots.ts';

/** The outcome of `certificate request`. */
export type RequestOutcome =
  | { readonly kind: 'pending'; readonly request: PendingRequestSummary; readonly csrPem: string }
  | {
      readonly kind: 'issued';
      readonly request: PendingRequestSummary;
      readonly result: ImportResponseResult;
    };

/** Refusals after which the CA will never issue for this request: its pending copy is useless. */
const FINAL_CATEGORIES = new Set(['refused', 'not_found', 'usage']);

export class RequestRunner {
  readonly #deps: ServiceDeps;
  readonly #parts: {
    authority: CaAuthority;
    pending: PendingRequests;
    importer: ResponseImporter;
    roots: TrustedRoots;
  };
  constructor(
    deps: ServiceDeps,
    parts: {
      authority: CaAuthority;
      pending: PendingRequests;
      importer: ResponseImporter;
      roots: TrustedRoots;
    },
  ) {
    this.#deps = deps;
    this.#parts = parts;
  }

  /** Runs the plan; see the file comment. */
  async run(plan: RequestPlan): Promise<RequestOutcome> {
    const keys = await generateKeyPair(plan.key);
    caFailpoint('ca.request.after-keygen');
    const csrPem = await createRequest({ subject: plan.subject, dnsNames: plan.dnsNames }, keys);
    const spki = keys.publicKey.export({ format: 'der', type: 'spki' });
    const stored = await this.#parts.pending.create(
      {
        usages: plan.usages,
        subject: plan.subject,
        dnsNames: plan.dnsNames,
        keyAlgorithm: plan.key.algorithm,
        keySize: plan.key.size,
        exportable: plan.exportable,
        friendlyName: plan.friendlyName,
        assign: plan.assign,
        publicKeyId: publicKeyId(spki),
        csrPem,
        target: caTargetText(plan.target),
      },
      keys.privateKey,
    );
    caFailpoint('ca.request.after-persist');
    const request = summarize(stored);
    if (plan.target.kind === 'offline') return { kind: 'pending', request, csrPem };
    const chainPem = await this.submitCsr(plan.target, {
      csrPem,
      template: plan.template,
      account: plan.caAccount,
      password: plan.caPassword,
      acmeEmail: plan.acmeEmail,
    }).catch(async (err: unknown) => {
      if (err instanceof S2sError && FINAL_CATEGORIES.has(err.category))
        await this.#parts.pending.clear(stored.id).catch(() => undefined);
      throw err;
    });
    const result = await this.#parts.importer.import({
      certificates: parseResponseFile(Buffer.from(chainPem)),
      requestId: stored.id,
    });
    return { kind: 'issued', request, result };
  }

  /**
   * Sends a PKCS#10 request to an online CA and returns the issued chain as PEM (leaf first): the built-in
   * CA, another s2s's enrollment endpoint (TLS trusted through the deployment's trusted roots) or ACME.
   * Also what automatic renewal submits through (docs/renewal.md).
   */
  async submitCsr(
    target: Exclude<RequestPlan['target'], { kind: 'offline' }>,
    request: Omit<CaSubmission, 'trustedRootsPem' | 'revoked'>,
  ): Promise<string> {
    // The built-in CA issues from the store, with no account (the operator is already trusted).
    const builtIn: CaBackend = {
      submit: async (r) => {
        const issued = await this.#parts.authority.issue({
          csr: r.csrPem,
          template: r.template,
          account: null,
        });
        return [issued.certificate, ...issued.chain].map((der) => toPem(der)).join('');
      },
    };
    // Outbound TLS to a remote CA: the trusted roots, minus what the deployment's CA revoked.
    const trust = target.kind === 'internal' ? null : await outboundTrust(this.#deps.store);
    const trustedRootsPem = (trust?.trustedRoots ?? []).map((der) => toPem(der));
    if (target.kind !== 'internal')
      this.#deps.logger.info(
        { ca: caTargetText(target), template: request.template },
        'submitting certificate request to a remote CA',
      );
    return caBackendFor(target, builtIn).submit({ ...request, trustedRootsPem, revoked: trust?.revoked });
  }
}
