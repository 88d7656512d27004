/** Error codes shared by every module: input, configuration, storage and internal failures. */
import { defineErrors, defineWarnings, errorFactory } from './errors.ts';

export const SHARED_ERRORS = defineErrors({
  ERR_USAGE: {
    category: 'usage',
    meaning: 'A command-line flag or API argument is missing, unknown or malformed.',
    fix: 'Run the command with --help and correct the arguments named in the message.',
  },
  ERR_INVALID_INPUT: {
    category: 'usage',
    meaning: 'A value failed validation (bad host name, bad date, out-of-range number, ...).',
    fix: 'Correct the value named in the message.',
  },
  ERR_TOKEN_ON_COMMAND_LINE: {
    category: 'usage',
    meaning:
      'A token was passed as a command-line argument (`s2s token test <token>`): other users see it (ps, /proc, shell history); the command refuses it without reading it.',
    fix: 'Put the token in a file readable only by you and pass `--token-file <file>`, or pipe it: `--token-file -`.',
  },
  ERR_INPUT_TOO_LARGE: {
    category: 'usage',
    meaning:
      'A password file or standard input holds more than the CLI reads (64 KiB); reading stopped at the limit (docs/security.md §6.1).',
    fix: 'Pass the file that holds only the password (not /dev/zero, a log or a binary); with `-`, pipe only the password.',
  },
  ERR_NOT_INITIALIZED: {
    category: 'not_found',
    meaning: 'The store has no OAuth configuration yet.',
    fix: 'Run `s2s init --realm <sip domain>` first (or `npm start`, which initializes a demo deployment).',
  },
  ERR_ALREADY_INITIALIZED: {
    category: 'conflict',
    meaning: '`s2s init` was run against a store that is already initialized.',
    fix: 'Use `s2s oauth set` to change settings, or `s2s init --force` to re-initialize the OAuth configuration.',
  },
  ERR_STORE_CONFLICT: {
    category: 'conflict',
    meaning: 'Another administrator or node changed the same object after it was read; nothing was written.',
    fix: 'Re-read the current state (the `get` command) and repeat the change if it is still wanted.',
  },
  ERR_STORE_UNAVAILABLE: {
    category: 'unavailable',
    meaning: 'The configuration store (SQLite file or PostgreSQL) could not be opened or reached.',
    fix: 'Check --store / S2S_STORE, that PostgreSQL is running, and file permissions under S2S_HOME.',
  },
  ERR_STORE_BUSY: {
    category: 'unavailable',
    meaning:
      "Another process held the store's write lock longer than the limit (SQLite: the busy timeout; PostgreSQL: lock_timeout, 10 s); nothing was written.",
    fix: 'Retry; if it persists, find the process holding the lock (SQLite: a stuck s2s or a backup tool holding the file; PostgreSQL: a session in pg_stat_activity that is "idle in transaction").',
  },
  ERR_STORE_URL: {
    category: 'usage',
    meaning: 'The store location is neither a file path nor a postgres:// URL.',
    fix: 'Use --store postgres://user@host:5432/db or a path to a SQLite file.',
  },
  ERR_STORE_CORRUPT: {
    category: 'internal',
    meaning: 'A stored object could not be decoded (unexpected schema or damaged data).',
    fix: 'Restore the store from a backup; report the object named in the message.',
  },
  ERR_STORE_INTEGRITY: {
    category: 'refused',
    meaning:
      'A security-relevant stored document (partner, certificate, assignment, trusted root, OAuth configuration, CA) fails its integrity MAC, lacks one, or the store integrity marker is missing: it was changed outside s2s, or under another master key; it is not used (docs/store.md "Integrity").',
    fix: 'Find who wrote the database directly (audit PostgreSQL/SQLite access); restore the document from a backup or re-create it with the s2s command (e.g. `partner remove` then `partner new`); check every node uses the same master key.',
  },
  ERR_STORE_SCHEMA_TOO_NEW: {
    category: 'refused',
    meaning: 'The store was migrated by a newer version of s2s than this one.',
    fix: 'Upgrade s2s on this server to the version the rest of the deployment runs.',
  },
  ERR_MASTER_KEY_MISSING: {
    category: 'refused',
    meaning: 'No master key is available to encrypt or decrypt private keys at rest.',
    fix: 'Set S2S_MASTER_KEY (32 bytes, base64 or hex) or run `s2s init`, which creates S2S_HOME/master.key (mode 0600).',
  },
  ERR_MASTER_KEY_INVALID: {
    category: 'refused',
    meaning: 'The master key is malformed, or is not the key the stored private keys were encrypted with.',
    fix: 'Use the same S2S_MASTER_KEY / master.key on every server of the deployment.',
  },
  ERR_MASTER_KEY_PERMISSIONS: {
    category: 'refused',
    meaning: 'The master key file is readable by users other than its owner.',
    fix: 'Run `chmod 600` on the key file named in the message.',
  },
  ERR_OAUTH_IDENTITY_CHANGE: {
    category: 'refused',
    meaning:
      'Changing the realm or service name would change our issuer while partners trust the current one.',
    fix: 'Repeat with --force, then have every partner re-register our metadata URL.',
  },
  ERR_INTERNAL: {
    category: 'internal',
    meaning: 'An unexpected internal failure; the message names the operation.',
    fix: 'Retry; if it persists, report it with the output of the command run with --json.',
  },
});

export type SharedErrorCode = keyof typeof SHARED_ERRORS;
/** Raises one of the shared error codes. */
export const sharedError = errorFactory(SHARED_ERRORS);

export const SHARED_WARNINGS = defineWarnings({
  WARN_ISSUER_CHANGED: {
    meaning: 'The realm or service name changed while partners trusted the old issuer.',
    fix: 'Have every partner re-register our metadata URL (Exchange: Set-PartnerApplication / New-PartnerApplication).',
  },
  WARN_OUTER_LIFETIME_CAPPED: {
    meaning: 'The outer token lifetime is longer than the actor token lifetime.',
    fix: 'Lower --outer-token-lifetime; outer tokens never outlive their actor token.',
  },
  WARN_TOKEN_LIFETIME_OVER_MAXIMUM: {
    meaning:
      'Our actor token lifetime is longer than the maximum token lifetime we accept, so our own pool refuses our tokens (ERR_TOKEN_LIFETIME_TOO_LONG).',
    fix: 'Lower --token-lifetime to at most --max-token-lifetime, or raise --max-token-lifetime.',
  },
});
