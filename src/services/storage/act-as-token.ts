/**
 * The act-as token the connectivity test sends (protocol.md §2.4, §6.3). For a partner it comes from the
 * token service (cached per audience and user). For this deployment itself it is built here from the
 * same core builders, addressed to our own service name — the self-issued form servers of one pool use.
 * When the user is provisioned here too, its SMTP address and UPN go along (§6.3: include smtp and upn).
 */
import {
  buildActAsToken,
  buildActorToken,
  formatAudience,
  formatPrincipalName,
  normalizeAuthority,
  tokenError,
} from '../../core/tokens/index.ts';
import type { StorageUser } from '../../core/storage/index.ts';
import type { IssueUser } from '../tokens/token-service.ts';
import { signingMaterialOf } from '../tokens/trust-context-source.ts';
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
  if (target.kind === 'partner') {
    const issued = await deps.services.tokens.issue({ partner: target.identity, host, user });
    return `Bearer ${issued.token}`;
  }
  return `Bearer ${await selfIssued(deps, host, user)}`;
}

async function selfIssued(deps: ServiceDeps, host: string, user: IssueUser): Promise<string> {
  const config = await deps.services.oauth.get();
  const signer = (await signingMaterialOf(deps)).current;
  if (!signer?.privateKey)
    throw tokenError(
      'ERR_TOKEN_NO_SIGNING_CERTIFICATE',
      'no current OAuthTokenIssuer certificate with a private key',
    );
  const now = deps.clock.now();
  const audience = formatAudience(config.serviceName, normalizeAuthority(host), config.realm);
  const issuer = formatPrincipalName(config.serviceName, config.realm);
  const actorExpiresAt = new Date(now.getTime() + config.actorTokenLifetimeSeconds * 1000);
  const actorToken = buildActorToken({
    audience,
    issuer,
    notBefore: now,
    expiresAt: actorExpiresAt,
    signer: { x5t: signer.x5t, privateKey: signer.privateKey },
  });
  const smtp = user.smtp ?? user.sip;
  const acting = { nameid: user.upn ?? smtp, nii: null, smtp, sip: user.sip, upn: user.upn ?? smtp };
  const expiresAt = new Date(now.getTime() + config.outerTokenLifetimeSeconds * 1000);
  return buildActAsToken({
    audience,
    issuer,
    notBefore: now,
    expiresAt,
    user: acting,
    actorToken,
    actorExpiresAt,
  });
}
