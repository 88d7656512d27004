/**
 * The act-as token the connectivity test sends (protocol.md §2.4, §6.3): issued by the token service for
 * the partner and the storage host, for the user named by the SIP URI. When the user is provisioned here
 * too, its SMTP address and UPN go along (protocol.md §6.3: always include smtp and upn).
 */
import type { ServiceDeps } from '../service-deps.ts';

/** The shape of TokenService.issue this module relies on (issue 3). */
interface ActAsIssuer {
  issue(input: { partner: string; host: string; user?: string }): Promise<unknown>;
}

/** Returns the complete `Authorization` header value (`Bearer …`). */
export async function issueActAsToken(deps: ServiceDeps, input: { partner: string; host: string; sip: string }): Promise<string> {
  const issuer = deps.services.tokens as unknown as ActAsIssuer;
  const issued = await issuer.issue({ partner: input.partner, host: input.host, user: `sip:${input.sip}` });
  const token = typeof issued === 'string' ? issued : pickToken(issued);
  return /^bearer /i.test(token) ? token : `Bearer ${token}`;
}

function pickToken(issued: unknown): string {
  const o = issued as Record<string, unknown> | null;
  for (const k of ['authorization', 'token', 'value', 'compact']) {
    if (typeof o?.[k] === 'string') return o[k];
  }
  throw new TypeError('TokenService.issue returned no token');
}
