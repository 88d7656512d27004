/**
 * Online enrollment against another s2s server's CA (docs/ca.md, "Enrollment protocol"):
 * POST <url>/ca/enroll with HTTP Basic CA account credentials and `{ template, csr }`; the answer is the
 * certificate chain as PEM. TLS is verified against the system roots plus the deployment's trusted roots.
 */
import { rootCertificates } from 'node:tls';
import { Agent, fetch } from 'undici';
import { CA_ERRORS, caError } from '../core/ca/ca-errors.ts';
import { S2sError } from '../core/shared/errors.ts';
import { revocationAwareIdentityCheck } from '../core/shared/revoked-certificates.ts';
import type { RevokedCertificates } from '../core/shared/revoked-certificates.ts';

/** What an enrollment needs. */
export interface EnrollmentRequest {
  readonly url: string;
  readonly account?: string | undefined;
  readonly password?: string | undefined;
  readonly template: string;
  readonly csrPem: string;
  /** Extra trust anchors (PEM) for the CA server's TLS certificate. */
  readonly trustedRootsPem: readonly string[];
  /** Certificates revoked by the deployment's CA, refused in the server's chain (docs/security.md). */
  readonly revoked?: RevokedCertificates | undefined;
  readonly timeoutMs?: number;
}

/** The enrollment endpoint URL: the URL as given, or `<origin>/ca/enroll` when it names only a server. */
export function enrollmentEndpoint(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/ca/enroll';
  return parsed.toString();
}

/** Sends a request to an enrollment endpoint; returns the chain PEM. */
export async function enrollOnline(request: EnrollmentRequest): Promise<string> {
  const endpoint = enrollmentEndpoint(request.url);
  const dispatcher = new Agent({
    connect: {
      ca: [...rootCertificates, ...request.trustedRootsPem],
      checkServerIdentity: revocationAwareIdentityCheck(request.revoked ?? new Set()),
    },
  });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/pem-certificate-chain',
  };
  if (request.account !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${request.account}:${request.password ?? ''}`).toString('base64')}`;
  }
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers,
      body: JSON.stringify({ template: request.template, csr: request.csrPem }),
      dispatcher,
      signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    if (response.ok) return text;
    throw remoteRefusal(endpoint, response.status, text);
  } catch (err) {
    if (err instanceof S2sError) throw err;
    throw caError(
      'ERR_CA_ENROLLMENT_FAILED',
      `the enrollment endpoint ${endpoint} could not be reached: ${describe(err)}`,
      { url: endpoint },
    );
  } finally {
    await dispatcher.close();
  }
}

/** Maps the server's JSON error to our own code when it is one of the CA codes. */
function remoteRefusal(endpoint: string, status: number, body: string): S2sError {
  let code: string | undefined;
  let message: string | undefined;
  try {
    // Every s2s error body: { error, error_description, code } (docs/errors.md); servers before the one
    // error edge answered { error: { code, message } }, which is still read.
    const parsed = JSON.parse(body) as {
      code?: unknown;
      error_description?: unknown;
      error?: { code?: unknown; message?: unknown } | string;
    };
    const legacy = typeof parsed.error === 'object' && parsed.error !== null ? parsed.error : undefined;
    const rawCode = parsed.code ?? legacy?.code;
    const rawMessage = parsed.error_description ?? legacy?.message;
    code = typeof rawCode === 'string' ? rawCode : undefined;
    message = typeof rawMessage === 'string' ? rawMessage : undefined;
  } catch {
    // not JSON: fall through to the generic refusal
  }
  if (code !== undefined && code in CA_ERRORS)
    return caError(code as keyof typeof CA_ERRORS, `the CA at ${endpoint} refused: ${message ?? code}`, {
      url: endpoint,
      status,
    });
  if (status === 401)
    return caError('ERR_CA_ACCOUNT_INVALID', `the CA at ${endpoint} refused the account credentials`, {
      url: endpoint,
      status,
    });
  return caError('ERR_CA_ENROLLMENT_FAILED', `the CA at ${endpoint} answered HTTP ${status}`, {
    url: endpoint,
    status,
  });
}

function describe(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message.split('\n')[0]! : 'unknown failure';
}
