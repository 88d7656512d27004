/**
 * Resolving the user an act-as token speaks for, exactly as Exchange 2013 does on-premises
 * (docs/protocol.md §2.6 step 5): which claims are used depends on `nii` and on the partner's
 * AcceptSecurityIdentifierInformation; the directory query ORs them; exactly one user must match.
 */
import type { ActingUserClaims } from '../tokens/validation-outcome.ts';
import type { StorageUser } from './storage-user.ts';
import { storageError } from './storage-errors.ts';

/** `nii` values of docs/protocol.md §2.4. */
export const NII = {
  activeDirectory: 'urn:office:idp:activedirectory',
  microsoftOnline: 'urn:federation:microsoftonline',
  orgId: 'urn:office:idp:orgid',
} as const;

/** The attributes the directory is queried with (absent ones are not part of the OR). */
export interface UserLookup {
  readonly sid?: string;
  readonly upn?: string;
  readonly smtp?: string;
  readonly sip?: string;
}

/** Chooses the lookup attributes from the outer-token claims (docs/protocol.md §2.6 step 5, the five rules). */
export function userLookupFromClaims(
  claims: ActingUserClaims,
  acceptSecurityIdentifierInformation: boolean,
): UserLookup {
  const nii = claims.nii?.trim().toLowerCase() ?? null;
  const smtp = clean(claims.smtp);
  const sip = clean(claims.sip?.replace(/^sip:/i, '') ?? null);
  const upn = clean(claims.upn);
  // Rule 1: no nii — nameid is taken as the UPN.
  if (nii === null || nii === '') return compact({ upn: clean(claims.nameid), smtp, sip });
  // Rule 2: a SID is only honoured when the partner is allowed to send one.
  if (!acceptSecurityIdentifierInformation) return compact({ upn, smtp, sip });
  // Rule 3: on-premises AD with SIDs accepted — nameid is the SID.
  if (nii === NII.activeDirectory) return compact({ sid: clean(claims.nameid), upn, smtp, sip });
  // Rule 4: Entra / OrgId users are found by UPN, SMTP or SIP.
  if (nii === NII.microsoftOnline || nii === NII.orgId) return compact({ upn, smtp, sip });
  // Rule 5: any other identity provider — only the addresses are trusted.
  return compact({ smtp, sip });
}

/**
 * Finds the one user the lookup names among `users`. Zero hits → ERR_USER_CLAIMS_NO_MATCH (6001);
 * several hits not separated by the SID → ERR_USER_CLAIMS_AMBIGUOUS (6002); a single hit whose recorded
 * SID differs from the SID claimed → ERR_USER_SID_MISMATCH (6003).
 */
export function resolveUser(users: readonly StorageUser[], lookup: UserLookup): StorageUser {
  const hits = users.filter((u) => matches(u, lookup));
  const chosen =
    hits.length > 1 && lookup.sid !== undefined ? hits.filter((u) => sidOf(u) === lookup.sid) : hits;
  const [user, second] = chosen;
  if (!user) {
    throw storageError(
      'ERR_USER_CLAIMS_NO_MATCH',
      `no user here matches the token's claims (${describe(lookup)})`,
      { lookup: { ...lookup } },
    );
  }
  if (second) {
    throw storageError(
      'ERR_USER_CLAIMS_AMBIGUOUS',
      `${chosen.length} users match the token's claims (${describe(lookup)})`,
      { matches: chosen.map((u) => u.sip) },
    );
  }
  const recorded = sidOf(user);
  if (lookup.sid !== undefined && recorded !== undefined && recorded !== lookup.sid) {
    throw storageError('ERR_USER_SID_MISMATCH', `the token's SID differs from the SID of user ${user.sip}`, {
      sip: user.sip,
    });
  }
  return user;
}

/** Both steps at once: the acting user of an act-as principal. */
export function resolveActingUser(
  users: readonly StorageUser[],
  claims: ActingUserClaims,
  acceptSid: boolean,
): StorageUser {
  return resolveUser(users, userLookupFromClaims(claims, acceptSid));
}

function matches(u: StorageUser, q: UserLookup): boolean {
  return (
    (q.sid !== undefined && sidOf(u) === q.sid) ||
    (q.upn !== undefined && u.upn === q.upn) ||
    (q.smtp !== undefined && u.smtp === q.smtp) ||
    (q.sip !== undefined && u.sip === q.sip)
  );
}

function sidOf(u: StorageUser): string | undefined {
  return u.sid?.toLowerCase();
}

function clean(v: string | null): string | undefined {
  const t = v?.trim().toLowerCase();
  return t ? t : undefined;
}

function compact(q: Partial<Record<keyof UserLookup, string | undefined>>): UserLookup {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
}

function describe(q: UserLookup): string {
  const parts = Object.entries(q).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join(', ') : 'no usable claim';
}
