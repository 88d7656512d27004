/**
 * Enrollment to a public CA through ACME (RFC 8555), behind `--ca acme+https://…/dir`. The request's
 * own PKCS#10 is finalized (RFC 8555 §7.4), so the private key is the one already sealed in the store.
 */
import { revocationAwareIdentityCheck } from '../core/shared/revoked-certificates.ts';
import type { RevokedCertificates } from '../core/shared/revoked-certificates.ts';
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { caError } from '../core/ca/ca-errors.ts';
import { ACME_PREFIX } from './ca-target.ts';

export interface AcmeEnrollmentRequest {
  /** `acme+https://…/dir` or the directory URL itself. */
  readonly directoryUrl: string;
  readonly csrPem: string;
  readonly email?: string | undefined;
  /** Extra trust anchors (PEM) for the ACME server's TLS certificate. */
  readonly trustedRootsPem: readonly string[];
  /** Certificates revoked by the deployment's CA, refused in the server's chain (docs/security.md). */
  readonly revoked?: RevokedCertificates | undefined;
}

/**
 * Orders, authorizes and finalizes; returns the chain PEM. Challenges: http-01 is answered by the
 * server that holds the names; s2s does not serve challenges itself, so it relies on a CA (or test CA
 * such as pebble with PEBBLE_VA_ALWAYS_VALID) that validates them out of band.
 */
export async function enrollAcme(request: AcmeEnrollmentRequest): Promise<string> {
  const directoryUrl = request.directoryUrl.startsWith(ACME_PREFIX)
    ? request.directoryUrl.slice(ACME_PREFIX.length)
    : request.directoryUrl;
  // Loaded on first use: acme-client and axios are ~1/10 of a server's start-up (BENCHMARKS.md profiles).
  const acme = await import('acme-client');
  // acme-client talks through one axios instance; give it our trust anchors for this call.
  acme.axios.defaults.httpsAgent = new HttpsAgent({
    ca: [...rootCertificates, ...request.trustedRootsPem],
    checkServerIdentity: revocationAwareIdentityCheck(request.revoked ?? new Set()),
  });
  try {
    const client = new acme.Client({
      directoryUrl,
      accountKey: await acme.crypto.createPrivateEcdsaKey(),
      backoffAttempts: 5,
      backoffMin: 200,
      backoffMax: 2000,
    });
    return await client.auto({
      csr: request.csrPem,
      ...(request.email === undefined ? {} : { email: request.email }),
      termsOfServiceAgreed: true,
      skipChallengeVerification: true,
      challengePriority: ['http-01', 'dns-01'],
      challengeCreateFn: async () => undefined,
      challengeRemoveFn: async () => undefined,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : 'unknown failure';
    throw caError(
      'ERR_CA_ENROLLMENT_FAILED',
      `the ACME server ${directoryUrl} refused or failed: ${message}`,
      { url: directoryUrl },
    );
  }
}
