/**
 * A user of the storage service: the directory entry an act-as token is resolved to (docs/protocol.md §2.6
 * step 5). Document kind `user`, key = lower-cased SIP address without `sip:`.
 */
import { storageError } from './storage-errors.ts';

export interface StorageUser {
  /** SIP address without the `sip:` prefix, lower case (the key). */
  readonly sip: string;
  /** Primary SMTP address, lower case. */
  readonly smtp: string;
  /** User principal name, lower case. */
  readonly upn: string;
  /** Windows security identifier (`S-1-5-21-…`), upper-case `S`, when known. */
  readonly sid?: string;
}

const ADDRESS = /^[a-z0-9._%+'-]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const SID = /^s-1-\d+(-\d+){1,14}$/;

/** Normalizes a SIP address: strips `sip:`, lower-cases, validates. */
export function normalizeSip(value: string): string {
  const sip = value.trim().replace(/^sip:/i, '').toLowerCase();
  if (!ADDRESS.test(sip))
    throw storageError(
      'ERR_USER_INVALID',
      `'${value.slice(0, 100)}' is not a SIP address such as sip:user@contoso.com`,
      { field: 'sip' },
    );
  return sip;
}

/** Normalizes an SMTP address or UPN (`user@domain`, compared case-insensitively). */
export function normalizeAddress(value: string, field: 'smtp' | 'upn'): string {
  const v = value
    .trim()
    .replace(/^smtp:/i, '')
    .toLowerCase();
  if (!ADDRESS.test(v))
    throw storageError(
      'ERR_USER_INVALID',
      `${field} '${value.slice(0, 100)}' is not an address such as user@contoso.com`,
      { field },
    );
  return v;
}

/** Normalizes a SID to its canonical `S-1-…` form (SIDs compare case-insensitively; tokens carry them lower case). */
export function normalizeSid(value: string): string {
  const v = value.trim().toLowerCase();
  if (!SID.test(v))
    throw storageError('ERR_USER_INVALID', `'${value.slice(0, 100)}' is not a SID such as S-1-5-21-…-1104`, {
      field: 'sid',
    });
  return `S${v.slice(1)}`;
}

/** Builds a validated user record from administrator input. */
export function newStorageUser(input: {
  sip: string;
  smtp: string;
  upn: string;
  sid?: string | undefined;
}): StorageUser {
  const user = {
    sip: normalizeSip(input.sip),
    smtp: normalizeAddress(input.smtp, 'smtp'),
    upn: normalizeAddress(input.upn, 'upn'),
  };
  return input.sid === undefined ? user : { ...user, sid: normalizeSid(input.sid) };
}
