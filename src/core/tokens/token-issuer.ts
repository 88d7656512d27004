/**
 * Building the tokens we send (docs/protocol.md §2.3–§2.5): an RS256 actor (app-only) token, and for a user
 * an unsigned outer token wrapping it. Pure: the caller supplies the key, the instant and the lifetimes.
 */
import type { KeyObject } from 'node:crypto';
import { epochSeconds } from '../shared/clock.ts';
import { encodeBase64Url } from './base64url.ts';
import { signRs256 } from './rs256.ts';

/** The certificate that signs: its `x5t` and private key. */
export interface TokenSigner {
  readonly x5t: string;
  readonly privateKey: KeyObject;
}

/** What an actor (app-only) token says. */
export interface ActorTokenInput {
  /** `<target id>/<target host>@<realm>` (formatAudience). */
  readonly audience: string;
  /** Our `<serviceName>@<realm>`: both `iss` and `nameid` for a self-issued token (§2.3). */
  readonly issuer: string;
  readonly notBefore: Date;
  readonly expiresAt: Date;
  readonly signer: TokenSigner;
}

/** The user an act-as token speaks for (outer-token claims, docs/protocol.md §2.4). */
export interface ActingUser {
  /** User id: a lower-case SID (with nii activedirectory) or the UPN (no nii). */
  readonly nameid: string;
  readonly nii: string | null;
  readonly smtp: string | null;
  /** SIP address without the `sip:` prefix. */
  readonly sip: string | null;
  readonly upn: string | null;
}

/** What the outer token of an act-as pair says. */
export interface OuterTokenInput {
  readonly audience: string;
  /** Must equal the actor's nameid (§2.6). */
  readonly issuer: string;
  readonly notBefore: Date;
  /** Capped at the actor's expiry by {@link buildActAsToken}. */
  readonly expiresAt: Date;
  readonly user: ActingUser;
  readonly actorToken: string;
  readonly actorExpiresAt: Date;
}

/** `nii` for an on-premises Active Directory SID (docs/protocol.md §2.4). */
export const NII_ACTIVE_DIRECTORY = 'urn:office:idp:activedirectory';
/** `nii` of the outer tokens Exchange hybrid sends to Microsoft 365 (docs/protocol.md §2.4, §8 step 5). */
export const NII_MICROSOFT_ONLINE = 'urn:federation:MicrosoftOnline';

const ACTOR_HEADER = (x5t: string) =>
  encodeBase64Url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5t, kid: x5t }));
const OUTER_HEADER = encodeBase64Url(JSON.stringify({ typ: 'JWT', alg: 'none' }));

/**
 * The signed actor token, claims in Exchange's order and as strings (§2.1, §2.3):
 * aud, iss, nbf, exp, nameid, trustedfordelegation ("true": the token may be wrapped for users).
 */
export function buildActorToken(input: ActorTokenInput): string {
  const issuer = input.issuer.toLowerCase();
  const payload = {
    aud: input.audience.toLowerCase(),
    iss: issuer,
    nbf: String(epochSeconds(input.notBefore)),
    exp: String(epochSeconds(input.expiresAt)),
    nameid: issuer,
    trustedfordelegation: 'true',
  };
  const signingInput = `${ACTOR_HEADER(input.signer.x5t)}.${encodeBase64Url(JSON.stringify(payload))}`;
  return `${signingInput}.${signRs256(signingInput, input.signer.privateKey).toString('base64url')}`;
}

/** The unsigned outer token (`alg: none`, empty third segment) around a signed actor (§2.4). */
export function buildActAsToken(input: OuterTokenInput): string {
  const exp = Math.min(epochSeconds(input.expiresAt), epochSeconds(input.actorExpiresAt));
  const { user } = input;
  const payload: Record<string, string> = {
    aud: input.audience.toLowerCase(),
    iss: input.issuer.toLowerCase(),
    nbf: String(epochSeconds(input.notBefore)),
    exp: String(exp),
    nameid: user.nameid,
  };
  if (user.nii !== null) payload['nii'] = user.nii;
  if (user.smtp !== null) payload['smtp'] = user.smtp;
  if (user.sip !== null) payload['sip'] = user.sip;
  if (user.upn !== null) payload['upn'] = user.upn;
  payload['actortoken'] = input.actorToken;
  return `${OUTER_HEADER}.${encodeBase64Url(JSON.stringify(payload))}.`;
}
