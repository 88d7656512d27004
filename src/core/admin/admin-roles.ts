/**
 * Administrator roles (docs/admin.md "Roles"): who may run which operation. The seed documents require
 * that whoever configures server-to-server authentication is an administrator or holds delegated rights
 * (docs/protocol.md §5); s2s models those delegations as four fixed roles.
 */
import { adminError } from './admin-errors.ts';

export const ADMIN_ROLES = ['full', 'certificate', 'partner', 'read-only'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** What each role may do, for `s2s admin role list` and the OpenAPI document. */
export const ROLE_DESCRIPTIONS: Readonly<Record<AdminRole, string>> = {
  full: 'every operation, including administrators, API tokens, users, OAuth settings and audit pruning',
  certificate: 'certificates, certificate requests, the CA and trusted roots; every read',
  partner: 'partner applications and OAuth servers, their refresh and tests, trusted roots; every read',
  'read-only': 'every get, list and show; no change, never a secret',
};

export function parseRole(value: string): AdminRole {
  const role = ADMIN_ROLES.find((r) => r === value.trim().toLowerCase());
  if (!role) {
    throw adminError(
      'ERR_ADMIN_ROLE_UNKNOWN',
      `unknown role '${value}' (full, certificate, partner, read-only)`,
      {
        role: value,
      },
    );
  }
  return role;
}

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

/** Administrator and API token names: one token in logs and URLs, compared case-insensitively. */
export function parseAdminName(value: string): string {
  if (!NAME.test(value)) {
    throw adminError('ERR_ADMIN_NAME_INVALID', 'a name is 1-64 characters: letters, digits, . _ @ -');
  }
  return value.toLowerCase();
}

/** Password rules (docs/admin.md "Passwords", after NIST SP 800-63B §5.1.1: length, no composition rules). */
export const PASSWORD_RULES = { minLength: 12, maxLength: 1024 } as const;

export function checkPasswordRules(password: string, name: string): void {
  const chars = [...password];
  const fail = (why: string) => adminError('ERR_ADMIN_PASSWORD_RULES', `the password ${why}`);
  if (chars.length < PASSWORD_RULES.minLength)
    throw fail(`has fewer than ${PASSWORD_RULES.minLength} characters`);
  if (chars.length > PASSWORD_RULES.maxLength)
    throw fail(`has more than ${PASSWORD_RULES.maxLength} characters`);
  if (password.toLowerCase().includes(name.toLowerCase())) throw fail('contains the administrator name');
  if (new Set(chars).size === 1) throw fail('repeats one character');
}
