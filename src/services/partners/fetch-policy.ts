/** The fetch policy of one metadata fetch: the opt-ins given and the deployment's outbound trust as stored now. */
import type { MetadataRedirectPolicy } from '../../core/index.ts';
import type { DocumentStore } from '../../store/document-store.ts';
import { outboundTrust } from '../outbound-trust.ts';
import type { FetchPolicy } from './document-fetcher.ts';

/** Partners and OAuth servers are fetched under the same rules (docs/metadata.md, docs/hybrid.md). */
export async function fetchPolicyOf(
  store: DocumentStore,
  allowInsecureHttp: boolean,
  redirects: MetadataRedirectPolicy = 'same-origin',
): Promise<FetchPolicy> {
  const { trustedRoots, revoked } = await outboundTrust(store);
  return { allowInsecureHttp, redirects, trustedRoots, revoked };
}
