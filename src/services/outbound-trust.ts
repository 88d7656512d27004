/**
 * What s2s trusts when it is the TLS client (metadata fetches, the connectivity test, enrollment against
 * another CA): the system roots plus the deployment's trusted roots, minus every certificate the
 * deployment's own CA revoked (docs/security.md "Built-in CA and outbound trust").
 */
import { certificateDigest } from '../core/shared/revoked-certificates.ts';
import type { RevokedCertificates } from '../core/shared/revoked-certificates.ts';
import type { DocumentStore } from '../store/document-store.ts';

/** The trust configuration of one outbound connection, read from the store when the connection is made. */
export interface OutboundTrust {
  /** DER of the deployment's trusted roots (documents of kind `trusted-root`, body `{certificate: base64}`). */
  readonly trustedRoots: readonly Buffer[];
  /** Certificates revoked by the deployment's CA (kind `ca-issued` with `revokedAt`). */
  readonly revoked: RevokedCertificates;
}

/** Reads the trusted roots and the revocations now. */
export async function outboundTrust(store: DocumentStore): Promise<OutboundTrust> {
  const [roots, issued] = await Promise.all([
    store.list<{ certificate?: unknown }>('trusted-root'),
    store.list<{ certificate?: unknown; revokedAt?: unknown }>('ca-issued'),
  ]);
  const trustedRoots = roots.flatMap((d) =>
    typeof d.body.certificate === 'string' ? [Buffer.from(d.body.certificate, 'base64')] : [],
  );
  const revoked = new Set(
    issued.flatMap((d) =>
      typeof d.body.revokedAt === 'string' && typeof d.body.certificate === 'string'
        ? [certificateDigest(Buffer.from(d.body.certificate, 'base64'))]
        : [],
    ),
  );
  return { trustedRoots, revoked };
}
