/** Stored shapes of administrators, their lockout state, API tokens and sessions (docs/admin.md; docs/store.md kinds). */
import type { AdminRole } from '../../core/index.ts';
import type { PasswordHash } from '../../ca/index.ts';

/** Kind `admin`, key: the name (lower-cased). */
export interface AdminDocument {
  readonly name: string;
  readonly role: AdminRole;
  readonly enabled: boolean;
  /** scrypt (docs/admin.md "Passwords"). */
  readonly password: PasswordHash;
  readonly createdAt: string;
  readonly passwordChangedAt: string;
}

/** Kind `admin-lockout`, key: the name. Kept apart so sign-in failures never conflict with `admin set`. */
export interface LockoutDocument {
  readonly failures: number;
  readonly lockedUntil: string | null;
  readonly lastFailureAt: string | null;
  readonly lastSignInAt: string | null;
}

/** Kind `admin-token`, key: the token id (the public part of the token). */
export interface TokenDocument {
  readonly id: string;
  readonly name: string;
  readonly role: AdminRole;
  /** SHA-256 (base64url) of the secret part: the secret has 256 bits, so no slow hash is needed. */
  readonly secretHash: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
}

/** Kind `admin-session`, key: SHA-256 (hex) of the session id (the cookie value never reaches the store). */
export interface SessionDocument {
  readonly admin: string;
  /** SHA-256 (base64url) of the session's CSRF token. */
  readonly csrfHash: string;
  readonly createdAt: string;
  /** Last use, recorded at most every few minutes (the idle timeout); absent: `createdAt`. */
  readonly lastSeenAt?: string;
  readonly expiresAt: string;
  readonly from: string;
}
