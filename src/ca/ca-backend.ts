/**
 * The certification authority behind one port (docs/ca.md, "Back-ends"): a request's target is parsed
 * once from `--ca` into a typed {@link CaTarget}, and every online back-end — the built-in CA, another
 * s2s's enrollment endpoint, an ACME directory — answers a PKCS#10 request through {@link CaBackend}.
 * The offline target has no back-end: its request file is handed to the operator.
 */
import type { RevokedCertificates } from '../core/shared/revoked-certificates.ts';
import { enrollAcme } from './acme-enrollment.ts';
import type { CaTarget } from './ca-target.ts';
export type { CaTarget } from './ca-target.ts';
export { caTargetText, parseCaTarget } from './ca-target.ts';
import { enrollOnline } from './enrollment-client.ts';

/** What every back-end is handed. */
export interface CaSubmission {
  readonly csrPem: string;
  readonly template: string;
  /** CA account credentials (enrollment endpoints). */
  readonly account?: string | undefined;
  readonly password?: string | undefined;
  /** ACME account contact. */
  readonly acmeEmail?: string | undefined;
  /** Extra trust anchors (PEM) for a remote CA's TLS certificate. */
  readonly trustedRootsPem: readonly string[];
  /** Certificates revoked by the deployment's CA, refused in the server's chain (docs/security.md). */
  readonly revoked?: RevokedCertificates | undefined;
}

/** A CA that answers a PKCS#10 request with the issued chain (PEM, leaf first). */
export interface CaBackend {
  submit(request: CaSubmission): Promise<string>;
}

/** Another s2s server's enrollment endpoint (enrollment-client.ts). */
export function enrollmentBackend(url: string): CaBackend {
  return {
    submit: (r) =>
      enrollOnline({
        url,
        account: r.account,
        password: r.password,
        template: r.template,
        csrPem: r.csrPem,
        trustedRootsPem: r.trustedRootsPem,
        revoked: r.revoked,
      }),
  };
}

/** An ACME directory (acme-enrollment.ts). */
export function acmeBackend(directoryUrl: string): CaBackend {
  return {
    submit: (r) =>
      enrollAcme({
        directoryUrl,
        csrPem: r.csrPem,
        email: r.acmeEmail,
        trustedRootsPem: r.trustedRootsPem,
        revoked: r.revoked,
      }),
  };
}

/** The back-end of an online target; the built-in CA is the caller's (it lives in the store). */
export function caBackendFor(target: Exclude<CaTarget, { kind: 'offline' }>, builtIn: CaBackend): CaBackend {
  switch (target.kind) {
    case 'internal':
      return builtIn;
    case 'enrollment':
      return enrollmentBackend(target.url);
    case 'acme':
      return acmeBackend(target.directoryUrl);
  }
}
