/** Error codes of administrators, API tokens, sessions and the audit log (docs/admin.md; docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const ADMIN_ERRORS = defineErrors({
  ERR_ADMIN_UNAUTHENTICATED: {
    category: 'refused',
    meaning:
      'An administration API request carried no valid credentials: no API token or session cookie, or one that is unknown, revoked, expired or altered (HTTP 401).',
    fix: 'Sign in again (POST /admin/api/v1/session) or pass a valid API token (`s2s admin token new`, then `--token-file`).',
  },
  ERR_ADMIN_SIGN_IN_FAILED: {
    category: 'refused',
    meaning:
      'The administrator name or password is wrong (the answer never says which, docs/admin.md "Sign-in") (HTTP 401).',
    fix: 'Check the name and password; a full administrator can set a new password with `s2s admin set --name <n> --password-file <f>`.',
  },
  ERR_ADMIN_LOCKED: {
    category: 'refused',
    meaning:
      'Too many failed sign-ins for this name: sign-in is refused until the time in the message (the wait doubles with each further failure, docs/admin.md "Lockout") (HTTP 429 with Retry-After).',
    fix: 'Wait until the lockout ends, or have a full administrator run `s2s admin set --name <n> --unlock`.',
  },
  ERR_ADMIN_FORBIDDEN: {
    category: 'refused',
    meaning:
      'The caller\'s role does not allow this operation (docs/admin.md "Roles"); nothing was changed and the attempt is in the audit log (HTTP 403).',
    fix: 'Ask a full administrator to run it, or to give you a role that allows it (`s2s admin role list`).',
  },
  ERR_ADMIN_CSRF: {
    category: 'refused',
    meaning:
      'A session-authenticated request lacked the X-CSRF-Token header of its session, or came from another origin (docs/admin.md "Sessions") (HTTP 403).',
    fix: "Send the csrfToken returned at sign-in (or by GET /admin/api/v1/session) in the X-CSRF-Token header, from the console's own origin.",
  },
  ERR_ADMIN_CURRENT_PASSWORD: {
    category: 'refused',
    meaning:
      'Changing your own password needs your current password, and the one given is wrong; the failure counts toward the sign-in lockout (HTTP 403).',
    fix: 'Enter your current password; if it is lost, a full administrator sets a new one with `s2s admin set --name <n> --password-file <f>`.',
  },
  ERR_ADMIN_NOT_FOUND: {
    category: 'not_found',
    meaning: 'No administrator has this name.',
    fix: 'List administrators with `s2s admin list`.',
  },
  ERR_ADMIN_EXISTS: {
    category: 'conflict',
    meaning: 'An administrator with this name already exists.',
    fix: 'Choose another name, or change the existing one with `s2s admin set`.',
  },
  ERR_ADMIN_NAME_INVALID: {
    category: 'usage',
    meaning:
      'An administrator or API token name must be 1-64 characters: letters, digits, and . _ @ - (docs/admin.md).',
    fix: 'Choose a name made of those characters.',
  },
  ERR_ADMIN_ROLE_UNKNOWN: {
    category: 'usage',
    meaning: 'The role is not one of full, certificate, partner, read-only.',
    fix: 'Run `s2s admin role list` and use one of the names it prints.',
  },
  ERR_ADMIN_PASSWORD_RULES: {
    category: 'usage',
    meaning:
      'The password breaks the password rules: 12 to 1024 characters, not the administrator name, not one character repeated (docs/admin.md "Passwords").',
    fix: "Choose a longer passphrase; a password manager's generated password of 16+ characters is ideal.",
  },
  ERR_ADMIN_LAST_FULL: {
    category: 'refused',
    meaning:
      'The change would leave the deployment without an enabled full administrator; nothing was changed.',
    fix: 'Add or promote another full administrator first (`s2s admin add --role full`).',
  },
  ERR_ADMIN_TOKEN_NOT_FOUND: {
    category: 'not_found',
    meaning: 'No API token has this id.',
    fix: 'List tokens with `s2s admin token list`.',
  },
  ERR_ADMIN_TOKEN_EXPIRY: {
    category: 'usage',
    meaning:
      'An API token needs an expiry between 1 hour and 366 days from now: an ISO 8601 date or a duration such as 90d, 12h.',
    fix: 'Pass --expires 90d (or a date within a year).',
  },
  ERR_ADMIN_OPERATION_UNKNOWN: {
    category: 'not_found',
    meaning: 'The administration API has no operation of this name (HTTP 404).',
    fix: 'GET /admin/api/v1/openapi.json lists every operation.',
  },
  ERR_ADMIN_LOCAL_ONLY: {
    category: 'usage',
    meaning:
      'This command works on the local S2S_HOME only (init, server, replication, backup, completion); it cannot run with --server.',
    fix: 'Run it on the server itself, without --server.',
  },
  ERR_ADMIN_REMOTE_FAILED: {
    category: 'unavailable',
    meaning:
      'The administration API named by --server could not be reached, did not answer over trusted TLS, or answered something that is not the s2s administration API.',
    fix: 'Check the --server URL (https://host:port), that the server runs, and that its TLS certificate is trusted (--server-ca <pem> for a private CA).',
  },
  ERR_ADMIN_TOKEN_FILE: {
    category: 'usage',
    meaning:
      '--server needs --token-file <file> (or S2S_TOKEN_FILE) holding an API token; it is missing, unreadable or empty.',
    fix: 'Write the token `s2s admin token new` printed to a file readable only by you and pass --token-file <file>.',
  },
  ERR_AUDIT_RANGE: {
    category: 'usage',
    meaning:
      'The audit date or age is malformed: use an ISO 8601 date or a duration such as 90d, 12h, 30m; pruning keeps at least 1 day.',
    fix: 'Pass --since 2026-12-01T00:00:00Z or --since 24h; --older-than 90d.',
  },
});

export const ADMIN_WARNINGS = defineWarnings({});

export const adminError = errorFactory(ADMIN_ERRORS);
