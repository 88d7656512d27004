/** Normalizing `issue()` input: the target host and the user an act-as token speaks for (docs/protocol.md §2.4, §11). */
import { NII_ACTIVE_DIRECTORY, normalizeAuthority, tokenError } from '../../core/tokens/index.ts';
import type { ActingUser } from '../../core/tokens/index.ts';

/** The user of an act-as token, as a caller names them. */
export interface IssueUser {
  /** SIP address, with or without the `sip:` prefix. */
  readonly sip: string;
  /** Primary SMTP address (default: the SIP address). */
  readonly smtp?: string;
  /** User principal name (default: the SMTP address). */
  readonly upn?: string;
  /** On-premises AD SID; when given it becomes `nameid` with `nii` activedirectory. */
  readonly sid?: string;
}

const AUTHORITY = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?$/;
const ADDRESS = /^[^@\s"\\]{1,128}@[a-z0-9.-]{1,253}$/;
const SID = /^s-1(-[0-9]{1,10}){1,15}$/;

/** The target URL authority as the audience carries it (lower case, default port dropped). */
export function normalizeTargetHost(host: string): string {
  const h = normalizeAuthority(host.trim());
  if (!AUTHORITY.test(h))
    throw tokenError(
      'ERR_TOKEN_ISSUE_INPUT',
      `target host "${host.slice(0, 80)}" is not a host name (optionally with :port)`,
    );
  return h;
}

/**
 * The outer-token user claims. Always `smtp`, `upn` and `sip` (docs/protocol.md §11); `nameid` is the lower-case
 * SID with `nii` activedirectory when a SID is given, otherwise the UPN without `nii` (Exchange then looks
 * the user up by UPN, §2.6 act-as step 5).
 */
export function actingUser(user: IssueUser): ActingUser {
  const sip = address(user.sip.trim().replace(/^sip:/i, ''), 'SIP address');
  const smtp = user.smtp ? address(user.smtp, 'SMTP address') : sip;
  const upn = user.upn ? address(user.upn, 'UPN') : smtp;
  if (user.sid !== undefined) {
    const sid = user.sid.trim().toLowerCase();
    if (!SID.test(sid)) throw tokenError('ERR_TOKEN_ISSUE_INPUT', 'the SID is not of the form S-1-5-21-…');
    return { nameid: sid, nii: NII_ACTIVE_DIRECTORY, smtp, sip, upn };
  }
  return { nameid: upn, nii: null, smtp, sip, upn };
}

function address(value: string, what: string): string {
  const v = value.trim().toLowerCase();
  if (!ADDRESS.test(v))
    throw tokenError(
      'ERR_TOKEN_ISSUE_INPUT',
      `the ${what} "${value.slice(0, 80)}" is not of the form user@domain`,
    );
  return v;
}
