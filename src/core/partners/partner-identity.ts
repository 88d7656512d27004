/**
 * Validation of what an administrator types for a partner (docs/protocol.md §5.1): identity names such as
 * `microsoft.exchange`, trust levels (§4), application identifiers and realms.
 */
import { TRUST_LEVELS } from './partner-application.ts';
import type { TrustLevel } from './partner-application.ts';
import { partnerError } from './partner-errors.ts';
import { didYouMean } from '../shared/did-you-mean.ts';

const IDENTITY = /^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$/;
/** An id or realm: no `@` (it separates them in an issuer), no `/` (it separates the host), no white space. */
const TOKEN = /^[^\s@/]{1,253}$/;

/**
 * The reserved identity that names this deployment itself (`s2s token new --partner self`,
 * `s2s test storage-connectivity --partner self`): tokens addressed to our own service name and realm,
 * the self-issued form servers of one pool use. No partner application may take this name.
 */
export const SELF_PARTNER_IDENTITY = 'self';

/** Lower-cases and checks a partner identity (`microsoft.exchange`, `MicrosoftExchange`). */
export function normalizePartnerIdentity(identity: string): string {
  const id = identity.trim().toLowerCase();
  if (id === SELF_PARTNER_IDENTITY) {
    throw partnerError(
      'ERR_PARTNER_IDENTITY_INVALID',
      `partner identity "self" is reserved: it names this deployment itself`,
      {
        identity: id,
      },
    );
  }
  if (!IDENTITY.test(id)) {
    throw partnerError(
      'ERR_PARTNER_IDENTITY_INVALID',
      `partner identity "${identity.slice(0, 64)}" is not a name such as microsoft.exchange`,
      { identity: identity.slice(0, 64) },
    );
  }
  return id;
}

/** Parses a trust level case-insensitively into its canonical spelling. */
export function parseTrustLevel(value: string): TrustLevel {
  const level = TRUST_LEVELS.find((l) => l.toLowerCase() === value.trim().toLowerCase());
  if (level === undefined) {
    throw partnerError(
      'ERR_PARTNER_TRUST_LEVEL_INVALID',
      `trust level "${value.slice(0, 32)}" is not Full, Application or User${didYouMean(value.trim(), TRUST_LEVELS)}`,
      { value: value.slice(0, 32) },
    );
  }
  return level;
}

/** Lower-cases and checks an application identifier (a principal id). */
export function normalizeApplicationIdentifier(value: string): string {
  const id = value.trim().toLowerCase();
  if (!TOKEN.test(id)) {
    throw partnerError(
      'ERR_PARTNER_APPLICATION_ID_INVALID',
      `application identifier "${value.slice(0, 64)}" must be non-empty, without @, / or spaces`,
      {},
    );
  }
  return id;
}

/** Lower-cases and checks a realm. */
export function normalizePartnerRealm(value: string): string {
  const realm = value.trim().toLowerCase();
  if (!TOKEN.test(realm)) {
    throw partnerError(
      'ERR_PARTNER_REALM_INVALID',
      `realm "${value.slice(0, 64)}" must be non-empty, without @, / or spaces`,
      {},
    );
  }
  return realm;
}
