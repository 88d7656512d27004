/** Format-List rows of administrators and API tokens (shared by the admin commands). */
import type { AdminView, TokenView } from '../../../../services/index.ts';

export function adminRows(a: AdminView): Record<string, unknown> {
  return {
    Name: a.name,
    Role: a.role,
    Enabled: a.enabled,
    CreatedAt: a.createdAt,
    PasswordChangedAt: a.passwordChangedAt,
    FailedSignIns: a.failedSignIns,
    LockedUntil: a.lockedUntil ?? '',
    LastSignInAt: a.lastSignInAt ?? '',
  };
}

export function tokenRows(t: TokenView): Record<string, unknown> {
  return {
    Id: t.id,
    Name: t.name,
    Role: t.role,
    State: t.state,
    ExpiresAt: t.expiresAt,
    CreatedAt: t.createdAt,
    CreatedBy: t.createdBy,
    RevokedAt: t.revokedAt ?? '',
  };
}
