/** Error and warning codes of the storage service, users, the connectivity test and the front-end server (docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const STORAGE_ERRORS = defineErrors({
  ERR_USER_INVALID: {
    category: 'usage',
    meaning: 'A user attribute is malformed (SIP URI, SMTP address, UPN or SID).',
    fix: 'Give --sip sip:user@domain, --smtp user@domain, --upn user@domain and an S-1-5-… SID.',
  },
  ERR_USER_EXISTS: {
    category: 'conflict',
    meaning:
      'A user with this SIP address, or another user with the same SMTP address, UPN or SID, is already provisioned.',
    fix: 'Remove the existing user first (`s2s user remove --sip …`) or choose unique attributes.',
  },
  ERR_USER_UNKNOWN: {
    category: 'not_found',
    meaning: 'No user with this SIP address is provisioned in this deployment.',
    fix: 'Provision the user with `s2s user add --sip … --smtp … --upn …`.',
  },
  ERR_USER_CLAIMS_NO_MATCH: {
    category: 'refused',
    meaning:
      'The act-as token names a user (by SID, UPN, SMTP or SIP) who does not exist here (Exchange 6001 NoUserFoundWithGivenClaims).',
    fix: 'Provision the user on this server (`s2s user add`), or check that the caller sends the right SIP/SMTP/UPN.',
    diagnostic: { code: 6001, category: 'invalid_user' },
  },
  ERR_USER_CLAIMS_AMBIGUOUS: {
    category: 'refused',
    meaning: 'The act-as token claims match more than one user here (Exchange 6002).',
    fix: 'Make SMTP addresses, UPNs and SIP addresses unique across users (`s2s user list`).',
    diagnostic: { code: 6002, category: 'invalid_user' },
  },
  ERR_USER_SID_MISMATCH: {
    category: 'refused',
    meaning:
      'The SID in the act-as token differs from the SID of the user its other claims name (Exchange 6003).',
    fix: "Correct the user's SID (`s2s user add --sid`) or the partner's directory; the partner may be sending a stale SID.",
    diagnostic: { code: 6003, category: 'invalid_user' },
  },
  ERR_STORAGE_FORBIDDEN: {
    category: 'refused',
    meaning:
      'The caller is authenticated but may not perform this storage operation (wrong mailbox, or an Application-trust partner asking for user data).',
    fix: 'Act as the mailbox owner, or register the partner with --trust-level Full (docs/storage.md, "Authorization").',
  },
  ERR_MAILBOX_FOLDER_UNKNOWN: {
    category: 'usage',
    meaning: 'The folder is not one of ConversationHistory, Inbox, Dumpster, Contacts.',
    fix: 'Use one of the folder names listed in docs/storage.md.',
  },
  ERR_MAILBOX_ITEM_INVALID: {
    category: 'usage',
    meaning: 'A mailbox item is malformed (missing subject, or subject/body/item class too long).',
    fix: 'Send {subject, body, itemClass} within the limits of docs/storage.md.',
  },
  ERR_MAILBOX_QUOTA_EXCEEDED: {
    category: 'conflict',
    meaning:
      'The mailbox holds as many items, or as many characters of subject and body, as its quota allows (docs/storage.md, "Quota and pages": 1000 items, 16 Mi characters).',
    fix: 'Delete items from the mailbox (any folder) before writing more; the quota protects the store from one partner filling it.',
  },
  ERR_MAILBOX_PAGE_INVALID: {
    category: 'usage',
    meaning:
      'The `limit` or `cursor` of an item listing is malformed (limit outside 1–500, or a cursor this server did not issue).',
    fix: 'Omit `cursor` to start from the first page and pass back `nextCursor` as given; keep `limit` between 1 and 500.',
  },
  ERR_MAILBOX_ITEM_NOT_FOUND: {
    category: 'not_found',
    meaning: 'No item with this id exists in the folder.',
    fix: 'List the folder to find the item id; it may have been deleted already.',
  },
  ERR_CONNECTIVITY_PARTNER_NOT_FOUND: {
    category: 'not_found',
    meaning: 'The connectivity test found no partner application to test (none named, or none registered).',
    fix: 'Register the partner (`s2s partner new --identity … --metadata-url …`) or name it with --partner.',
  },
  ERR_CONNECTIVITY_PARTNER_DISABLED: {
    category: 'refused',
    meaning: 'The partner application is disabled, so no token is sent to it.',
    fix: 'Enable it: `s2s partner set --identity <name> --enabled true`.',
  },
  ERR_CONNECTIVITY_NO_ENDPOINT: {
    category: 'not_found',
    meaning: 'The partner registration has neither a storage URL nor a metadata URL to derive one from.',
    fix: 'Register the partner by its metadata URL, or set its storage URL.',
  },
  ERR_CONNECTIVITY_METADATA_UNREACHABLE: {
    category: 'unavailable',
    meaning:
      "The partner's authentication metadata document could not be fetched (connection refused, timeout, DNS or HTTP error).",
    fix: 'Check that the partner server is running and that its metadata URL (`s2s partner get`) is reachable from this server.',
  },
  ERR_CONNECTIVITY_TLS_UNTRUSTED: {
    category: 'refused',
    meaning:
      "The partner's TLS certificate is not trusted (unknown issuer, self-signed, expired, or its name does not match).",
    fix: "Trust the partner's root CA (`s2s trusted-root add`) or give the partner a certificate from a trusted CA naming its host.",
  },
  ERR_CONNECTIVITY_UNREACHABLE: {
    category: 'unavailable',
    meaning: "The partner's storage service could not be reached.",
    fix: 'Check that the partner server is running and reachable at the storage URL shown.',
  },
  ERR_CONNECTIVITY_UNAUTHORIZED: {
    category: 'refused',
    meaning:
      'The partner refused our token with 401; its x-ms-diagnostics header names the reason (docs/protocol.md §6.2).',
    fix: 'Follow the hint in the message: usually the partner must register (or refresh) our metadata URL with trust level Full.',
  },
  ERR_CONNECTIVITY_USER_NOT_FOUND: {
    category: 'not_found',
    meaning: 'The partner has no mailbox for the user named by the SIP URI (401 with diagnostic 6001).',
    fix: 'Provision the user on the partner (`s2s user add` there) or test with a user that exists on both sides.',
  },
  ERR_CONNECTIVITY_FORBIDDEN: {
    category: 'refused',
    meaning:
      'The partner authenticated us but refused the operation (403), e.g. our trust level there is Application.',
    fix: 'Have the partner register our metadata URL with trust level Full.',
  },
  ERR_CONNECTIVITY_BAD_RESPONSE: {
    category: 'unavailable',
    meaning:
      'The partner answered with an unexpected status or body, or the item read back differs from the one written.',
    fix: "Check the partner's storage service logs for the request id shown.",
  },
  ERR_SERVER_NO_CERTIFICATE: {
    category: 'refused',
    meaning:
      'The server has no certificate with a private key for WebServicesInternal or Default, so it cannot serve HTTPS.',
    fix: 'Assign one (`s2s certificate import --type WebServicesInternal …`) or start with --bootstrap to create self-managed certificates.',
  },
  ERR_SERVER_NOT_RUNNING: {
    category: 'not_found',
    meaning: 'No s2s server runs for this S2S_HOME (no pid file, or its process is gone).',
    fix: 'Start it with `s2s server start` (or check --home / S2S_HOME names the right directory).',
  },
  ERR_SERVER_STOP_TIMEOUT: {
    category: 'unavailable',
    meaning: 'The server was asked to stop (SIGTERM) but still ran when the wait ended.',
    fix: 'Wait longer (`s2s server stop --wait <seconds>`), or check its log for what it is finishing.',
  },
  ERR_CONSOLE_NOT_BUILT: {
    category: 'unavailable',
    meaning:
      'The web console was asked for, but its bundle (console/dist) was not built in this installation, so the server has nothing to serve (HTTP 503).',
    fix: 'Run `npm run build:console` (the set-up command `npm ci` runs it) and restart the server.',
  },
  ERR_SERVER_OPS_TOKEN: {
    category: 'refused',
    meaning:
      'S2S_OPS_TOKEN is set on this server, and /metrics (or the detailed /readyz) was asked for without `Authorization: Bearer <that token>`.',
    fix: 'Send the operations token in the Authorization header (configure the Prometheus scrape job with it), or unset S2S_OPS_TOKEN to publish /metrics openly.',
  },
  ERR_STORE_VERSION_NOT_APPLIED: {
    category: 'unavailable',
    meaning:
      'A request asked (x-s2s-min-version) for a store version this server has not applied yet, and it did not arrive within the wait (2 s): 503 with Retry-After.',
    fix: 'Retry after a moment (the change is on its way), or send the request to the server that made the write; if it persists, check that this server reaches PostgreSQL (`/readyz`, `s2s replication status`).',
  },
  ERR_SERVER_WORKERS: {
    category: 'usage',
    meaning:
      '`--workers` (or S2S_WORKERS) is not a whole number from 1 to 64: how many server processes `s2s server start` runs (docs/server.md "Workers").',
    fix: 'Give --workers 1 to 64 (1: one process, no cluster), or leave it out for one worker per core.',
  },
  ERR_SERVER_WORKER_EXITED: {
    category: 'unavailable',
    meaning:
      'A worker of `s2s server start --workers N` ended during start-up without reporting an error (killed, or it failed before it could say why), so the server did not start.',
    fix: "Read the worker's output above (or the system log: out of memory?) and start again; `--workers 1` serves in one process.",
  },
  ERR_SERVER_LISTEN: {
    category: 'unavailable',
    meaning: 'The server could not listen on the requested address (in use, not local, or malformed).',
    fix: 'Choose another --listen host:port (or S2S_LISTEN), or stop the process using the port.',
  },
});

export const STORAGE_WARNINGS = defineWarnings({
  WARN_TEST_ITEM_LEFT: {
    meaning: 'The connectivity test left its test item in the partner mailbox (run without --delete-item).',
    fix: 'Run the test with --delete-item, or delete the item with the id shown.',
  },
});
/** Raises one of this module's error codes. */
export const storageError = errorFactory(STORAGE_ERRORS);
/** A storage error code. */
export type StorageErrorCode = keyof typeof STORAGE_ERRORS;
