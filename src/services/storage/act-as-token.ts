/**
 * The act-as token the connectivity test sends (docs/protocol.md §2.4, §6.3), from the token service (cached per
 * audience and user): addressed to the partner, or — for this deployment itself — to the reserved `self`
 * target (our own service name: the self-issued form servers of one pool use).
 * When the user is provisioned here too, its SMTP address and UPN go along (§6.3: include smtp and upn).
 */
import { SELF_PARTNER_IDENTITY } from '../../core/partners/partner-identity.ts';
import type { StorageUser } from '../../core/storage/index.ts';
import type { IssueUser } from '../tokens/token-service.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { TestTarget } from './tested-partner.ts';

/** Returns the complete `Authorization` header value (`Bearer …`); never log it. */
export async function issueActAsToken(
  deps: ServiceDeps,
  target: TestTarget,
  host: string,
  sip: string,
): Promise<string> {
  const local = await deps.store.get<StorageUser>('user', sip);
  const user: IssueUser = local ? { sip, smtp: local.body.smtp, upn: local.body.upn } : { sip };
  const partner = target.kind === 'partner' ? target.identity : SELF_PARTNER_IDENTITY;
  const issued = await deps.ports.tokenIssuer.issue({ partner, host, user });
  return `Bearer ${issued.token}`;
}
