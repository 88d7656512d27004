/** The port through which the partner service fetches metadata documents (implemented in src/adapters/http-client). */
import type { MetadataRedirectPolicy } from '../../core/index.ts';
import type { RevokedCertificates } from '../../core/shared/revoked-certificates.ts';

/** How one fetch may be made. */
export interface FetchPolicy {
  /** The partner opted in to plain http (test hosts only); https→http redirects are refused regardless. */
  readonly allowInsecureHttp: boolean;
  /** Where redirects may lead (default `same-origin`; docs/security.md "Metadata redirects"). */
  readonly redirects?: MetadataRedirectPolicy | undefined;
  /** DER of the deployment's trusted roots, trusted in addition to the system roots. */
  readonly trustedRoots: readonly Buffer[];
  /** Certificates revoked by the deployment's CA: refused in any server chain (docs/security.md). */
  readonly revoked?: RevokedCertificates | undefined;
}

/** A fetched document. */
export interface FetchedDocument {
  /** The URL the document was finally served from (after redirects). */
  readonly url: string;
  /** The body decoded as UTF-8. */
  readonly text: string;
}

/** Fetches a document over https; failures are S2sErrors with ERR_METADATA_… codes naming the URL. */
export interface DocumentFetcher {
  fetch(url: string, policy: FetchPolicy): Promise<FetchedDocument>;
  /** Releases connections. */
  close?(): Promise<void>;
}
