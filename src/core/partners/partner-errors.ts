/** Error and warning codes of partner applications and metadata documents (docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const PARTNER_ERRORS = defineErrors({
  ERR_PARTNER_NOT_FOUND: {
    category: 'not_found',
    meaning: 'No partner application has the identity named.',
    fix: 'List the partners with `s2s partner get` and use one of their identities.',
  },
  ERR_PARTNER_EXISTS: {
    category: 'conflict',
    meaning: 'A partner application with this identity already exists.',
    fix: 'Choose another identity, or change the existing one with `s2s partner set`.',
  },
  ERR_PARTNER_IDENTITY_INVALID: {
    category: 'usage',
    meaning:
      'The partner identity is not a name such as microsoft.exchange (letters, digits, dot, dash, underscore; at most 128).',
    fix: 'Use a short name such as microsoft.exchange or microsoft.sharepoint.',
  },
  ERR_PARTNER_TRUST_LEVEL_INVALID: {
    category: 'usage',
    meaning: 'The trust level is not one of Full, Application or User.',
    fix: 'Pass --trust-level Full (Exchange, SharePoint), Application or User.',
  },
  ERR_PARTNER_SOURCE_INVALID: {
    category: 'usage',
    meaning:
      'A partner needs exactly one key source: a metadata URL, or an application identifier with a realm and a certificate.',
    fix: 'Pass either --metadata-url, or --application-identifier with --realm and --certificate-file (they are mutually exclusive).',
  },
  ERR_PARTNER_APPLICATION_ID_INVALID: {
    category: 'usage',
    meaning: 'The application identifier is empty, too long, or contains `@`, `/` or white space.',
    fix: "Use the partner's principal id, e.g. 00000002-0000-0ff1-ce00-000000000000 for Exchange.",
  },
  ERR_PARTNER_REALM_INVALID: {
    category: 'usage',
    meaning: 'The realm is empty, too long, or contains `@`, `/` or white space.',
    fix: "Use the partner's realm: a DNS domain (contoso.com) or a GUID (SharePoint farms, tenants).",
  },
  ERR_PARTNER_CERTIFICATE_INVALID: {
    category: 'usage',
    meaning:
      'The certificate file is not an X.509 certificate (.cer as DER, PEM or base64) with an RSA public key of at least 2048 bits.',
    fix: "Export the partner's signing certificate (public part only) as a .cer file and pass it with --certificate-file.",
  },
  ERR_PARTNER_ISSUER_IN_USE: {
    category: 'conflict',
    meaning: 'Another partner application already stands for the same application identifier and realm.',
    fix: 'Remove or change the other partner first: two entries for one issuer would make key selection ambiguous.',
  },
  ERR_PARTNER_IS_SELF: {
    category: 'refused',
    meaning:
      "The partner's service name and realm are our own: servers of one deployment trust each other through the shared certificate.",
    fix: "Do not register our own metadata as a partner; register the other product's metadata URL.",
  },
  ERR_PARTNER_NOT_METADATA: {
    category: 'usage',
    meaning: 'The partner has a static certificate and no metadata URL, so there is nothing to refresh.',
    fix: 'Replace its certificate with `s2s partner set --certificate-file`, or give it a metadata URL.',
  },
  ERR_METADATA_URL_INVALID: {
    category: 'usage',
    meaning: 'The metadata URL is not an absolute https URL without user name or password.',
    fix: "Use the partner's metadata URL, e.g. https://mail.contoso.com/autodiscover/metadata/json/1.",
  },
  ERR_METADATA_REDIRECT_REFUSED: {
    category: 'refused',
    meaning:
      "The metadata URL redirected to another origin, or to a non-public address (loopback, link-local 169.254.0.0/16, RFC 1918, unique local, ...), and the partner's redirect policy does not allow it.",
    fix: 'Register the final URL with `s2s partner set --metadata-url`, or allow it for that partner: `--metadata-redirects public` (other origins on public addresses) or `any`.',
  },
  ERR_METADATA_INSECURE_URL: {
    category: 'refused',
    meaning:
      'The metadata URL (or a redirect) uses plain http, and the partner did not opt in to insecure http.',
    fix: 'Use https; only on test hosts pass --allow-insecure-http for that partner.',
  },
  ERR_METADATA_UNREACHABLE: {
    category: 'unavailable',
    meaning: 'The metadata host could not be reached (name not found, connection refused or reset).',
    fix: 'Check the URL, DNS and firewalls from this server (curl the URL); the partner keeps its last good keys meanwhile.',
  },
  ERR_METADATA_TLS_UNTRUSTED: {
    category: 'refused',
    meaning:
      "The metadata host's TLS certificate is not trusted (unknown CA, expired, or not issued for that host name).",
    fix: "Add the issuing root CA with `s2s trusted-root add`, or fix the certificate on the partner's server.",
  },
  ERR_METADATA_TIMEOUT: {
    category: 'unavailable',
    meaning: 'Connecting to the metadata host or reading its answer took longer than the timeout.',
    fix: "Check the partner server's health and the network path; the partner keeps its last good keys meanwhile.",
  },
  ERR_METADATA_HTTP_STATUS: {
    category: 'unavailable',
    meaning: 'The metadata URL answered with an HTTP status other than 200.',
    fix: 'Check the URL (Exchange: /autodiscover/metadata/json/1, SharePoint: /_layouts/15/metadata/json/1) and the partner server.',
  },
  ERR_METADATA_TOO_LARGE: {
    category: 'refused',
    meaning: 'The metadata document is larger than the size cap.',
    fix: 'Check that the URL names a metadata document; real ones are a few kilobytes.',
  },
  ERR_METADATA_TOO_MANY_REDIRECTS: {
    category: 'refused',
    meaning: 'The metadata URL redirected more times than allowed.',
    fix: 'Register the final URL of the document instead.',
  },
  ERR_METADATA_UNSUPPORTED_FORMAT: {
    category: 'refused',
    meaning: 'The URL names a document type s2s does not read (WS-Federation XML metadata).',
    fix: "Use the partner's JSON metadata (/metadata/json/1) or OpenID Connect discovery URL.",
  },
  ERR_METADATA_INVALID: {
    category: 'refused',
    meaning:
      'The document is not a valid authentication metadata document (not JSON, too deep, or no service name or realm).',
    fix: "Open the URL in a browser and check it serves the partner's metadata document; the message names what is missing.",
  },
  ERR_METADATA_DUPLICATE_MEMBER: {
    category: 'refused',
    meaning:
      'A JSON object in the document has the same member twice (compared case-insensitively), which makes it ambiguous.',
    fix: "Fix the document on the partner's server; s2s refuses ambiguous documents.",
  },
  ERR_METADATA_NO_KEYS: {
    category: 'refused',
    meaning:
      'The document lists no signing certificate (usage signing, type x509Certificate, non-empty value).',
    fix: 'Make sure the partner has a token-signing certificate configured (Exchange: the Auth certificate).',
  },
  ERR_METADATA_TOO_MANY_KEYS: {
    category: 'refused',
    meaning: 'The document lists more than 10 signing certificates.',
    fix: "Remove old certificates from the partner's configuration.",
  },
  ERR_METADATA_INVALID_CERTIFICATE: {
    category: 'refused',
    meaning: 'A signing key in the document is not a base64 DER X.509 certificate with an RSA public key.',
    fix: "Fix the certificate published by the partner; the message names the key's position.",
  },
  ERR_METADATA_WEAK_KEY: {
    category: 'refused',
    meaning:
      'A signing certificate in the document has an RSA key shorter than 2048 bits; tokens it signs would all be refused.',
    fix: 'Ask the partner to publish an OAuth certificate with an RSA key of at least 2048 bits.',
  },
  ERR_METADATA_IDENTITY_CHANGED: {
    category: 'refused',
    meaning:
      'The document now names another service name, realm or issuer than the one registered; the old keys are kept.',
    fix: 'If the partner really changed identity, remove it and register it again (`s2s partner remove` then `new`).',
  },
  ERR_OAUTH_SERVER_NOT_FOUND: {
    category: 'not_found',
    meaning: 'No OAuth server has the identity named.',
    fix: 'List the OAuth servers with `s2s oauth-server list` and use one of their identities.',
  },
  ERR_OAUTH_SERVER_EXISTS: {
    category: 'conflict',
    meaning: 'An OAuth server with this identity already exists.',
    fix: 'Choose another identity, or change the existing one with `s2s oauth-server set`.',
  },
  ERR_OAUTH_SERVER_IN_USE: {
    category: 'conflict',
    meaning:
      'Partner applications are registered through this OAuth server (--use-oauth-server); removing it would orphan them.',
    fix: 'Remove those partners first (`s2s oauth-server get --identity <name>` lists them), or point them at another server.',
  },
  ERR_OAUTH_SERVER_TYPE_INVALID: {
    category: 'usage',
    meaning:
      'The OAuth server type is not `acs` (the legacy ACS metadata and JWT-bearer grant) or `oauth2` (OpenID Connect discovery, RFC 7523 client assertions).',
    fix: 'Pass --type acs for an ACS-shaped /metadata/json/1 document, --type oauth2 for a /.well-known/openid-configuration URL.',
  },
  ERR_OAUTH_SERVER_REALM_REQUIRED: {
    category: 'usage',
    meaning:
      "The OAuth server's metadata names no tenant, and none was given: tokens from it could not be bound to one tenant.",
    fix: 'Pass --realm <tenant id> (the Microsoft 365 tenant GUID, `Get-CsTenant` TenantId).',
  },
  ERR_OAUTH_SERVER_NO_TOKEN_ENDPOINT: {
    category: 'refused',
    meaning:
      "The OAuth server's metadata names no token endpoint (ACS: an `OAuth2` endpoint with usage `issuance`; OpenID Connect: `token_endpoint`).",
    fix: "Check the metadata URL: it must be the server's own document (for ACS `https://accounts.accesscontrol.windows.net/<tenant>/metadata/json/1`).",
  },
  ERR_OAUTH_SERVER_REFUSED: {
    category: 'refused',
    meaning:
      'The OAuth server refused to issue an actor token; its HTTP status, `error`, `error_description` (with AADSTS-style codes) are in the message.',
    fix: "Act on the server's reason: register our OAuthTokenIssuer certificate for our client (service principal) there, check the client id (our service name) and the resource (partner service name, host, tenant).",
  },
  ERR_OAUTH_SERVER_UNREACHABLE: {
    category: 'unavailable',
    meaning: "The OAuth server's token endpoint could not be reached (network, TLS trust, timeout).",
    fix: 'Check the network path to the token endpoint, and `s2s trusted-root add` the root CA of its TLS certificate when it is private.',
  },
  ERR_OAUTH_SERVER_BAD_RESPONSE: {
    category: 'refused',
    meaning: 'The OAuth server answered 200 without a usable token response (no access_token, or not a JWT).',
    fix: 'Check that the metadata URL names the real authorization server and that it issues JWT access tokens for the resource.',
  },
  ERR_PARTNER_OAUTH_SERVER_NEEDS_ID: {
    category: 'usage',
    meaning:
      'A partner registered through an OAuth server (--use-oauth-server) is identified by its application identifier; it has no metadata URL or certificate of its own.',
    fix: 'Pass --use-oauth-server <name> with --application-identifier <id> (and optionally --realm), without --metadata-url or --certificate-file.',
  },
  ERR_HTTP_NOT_FOUND: {
    category: 'not_found',
    meaning: 'No HTTP route answers this method and path.',
    fix: 'Check the URL: metadata is served at /metadata/json/1, discovery at /.well-known/openid-configuration.',
  },
  ERR_HTTP_BAD_URL: {
    category: 'usage',
    meaning:
      'The request path cannot be decoded (a malformed percent-escape, or a path parameter over the length limit); the answer never repeats the path.',
    fix: 'Percent-encode the path correctly (RFC 3986 §2.1); s2s paths are ASCII.',
  },
});

export const PARTNER_WARNINGS = defineWarnings({
  WARN_METADATA_INSECURE_HTTP: {
    meaning:
      "The partner's metadata is fetched over plain http (opt-in): anyone on the path could replace its keys.",
    fix: 'Use https for every production partner; keep --allow-insecure-http for test hosts only.',
  },
  WARN_METADATA_NO_KEYS: {
    meaning:
      'Our metadata document publishes no signing key ("keys": []): no OAuthTokenIssuer certificate is assigned, so no partner can validate our tokens.',
    fix: 'Assign one: `s2s certificate import --path <pfx> --password-file <file> --type OAuthTokenIssuer` (or `s2s certificate request --type OAuthTokenIssuer`).',
  },
  WARN_PARTNER_FOREIGN_REALM_FULL_TRUST: {
    meaning:
      "A partner of another realm was given Full trust: it may act as any user of our realm (docs/protocol.md §4), although it belongs to another organization's directory.",
    fix: 'Keep Full trust for servers of your own organization (same realm); give a partner of another realm Application trust (`s2s partner set --identity <name> --trust-level Application`) unless you mean it to act for your users.',
  },
  WARN_METADATA_KEY_EXPIRED: {
    meaning: "A signing certificate in the partner's document is already expired or not yet valid.",
    fix: 'Ask the partner to remove expired certificates; tokens signed with them will be refused anyway.',
  },
});

export type PartnerErrorCode = keyof typeof PARTNER_ERRORS;
/** Raises one of this module's error codes. */
export const partnerError = errorFactory(PARTNER_ERRORS);
