/**
 * A claim set as the checks read it (docs/tokens.md §7): one fixed field per claim a check reads, so every
 * check is a monomorphic field load instead of a dictionary lookup on a null-prototype object. Built by
 * the flat scanner straight from the payload bytes (flat-json.ts `scanFlatClaims`), or from the general
 * parser's object ({@link claimRecordOf}) when the scanner defers; either way the same record for the
 * same bytes (flat-json.test.ts). Other claims are not kept: no check reads them, and `explain` lists
 * the names by parsing the payload again.
 */
import type { JsonObject, JsonValue } from './json-value.ts';

/** The claims the checks read (docs/tokens.md §2), each `undefined` when absent. */
export class ClaimRecord {
  aud: JsonValue | undefined = undefined;
  iss: JsonValue | undefined = undefined;
  nbf: JsonValue | undefined = undefined;
  exp: JsonValue | undefined = undefined;
  iat: JsonValue | undefined = undefined;
  nameid: JsonValue | undefined = undefined;
  actortoken: JsonValue | undefined = undefined;
  trustedfordelegation: JsonValue | undefined = undefined;
  nii: JsonValue | undefined = undefined;
  smtp: JsonValue | undefined = undefined;
  sip: JsonValue | undefined = undefined;
  upn: JsonValue | undefined = undefined;
  scp: JsonValue | undefined = undefined;
  unique_name: JsonValue | undefined = undefined;
  altsecid: JsonValue | undefined = undefined;
  client_id: JsonValue | undefined = undefined;
  azp: JsonValue | undefined = undefined;
  appid: JsonValue | undefined = undefined;
  /** Members of the claim set, these and all others. */
  members = 0;
  /** The payload bytes it was read from (for `explain`, which lists every claim name). */
  readonly source: Uint8Array;

  constructor(source: Uint8Array) {
    this.source = source;
  }
}

/** The names of the record's fields, in declaration order: the claims the checks read. */
export const RECORDED_CLAIMS = [
  'aud',
  'iss',
  'nbf',
  'exp',
  'iat',
  'nameid',
  'actortoken',
  'trustedfordelegation',
  'nii',
  'smtp',
  'sip',
  'upn',
  'scp',
  'unique_name',
  'altsecid',
  'client_id',
  'azp',
  'appid',
] as const;

/** A recorded claim's name. */
export type RecordedClaim = (typeof RECORDED_CLAIMS)[number];

/** The record of a claim set the general parser built (already checked: no duplicates, within limits). */
export function claimRecordOf(claims: JsonObject, source: Uint8Array): ClaimRecord {
  const r = new ClaimRecord(source);
  for (const name of RECORDED_CLAIMS) r[name] = claims[name];
  r.members = Object.keys(claims).length;
  return r;
}
