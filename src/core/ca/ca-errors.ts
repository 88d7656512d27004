/** Error and warning codes of the certification authority and certificate requests (docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const CA_ERRORS = defineErrors({
  ERR_CA_NOT_INITIALIZED: {
    category: 'not_found',
    meaning: 'The built-in certification authority has not been created in this deployment.',
    fix: 'Run `s2s ca init` once (on any server of the deployment), then repeat the command.',
  },
  ERR_CA_ALREADY_INITIALIZED: {
    category: 'conflict',
    meaning: '`s2s ca init` was run while the deployment already has a built-in CA.',
    fix: 'Keep the existing CA (`s2s ca show`); a deployment has one issuing CA.',
  },
  ERR_CA_TEMPLATE_UNKNOWN: {
    category: 'not_found',
    meaning: 'The certificate template named in the request does not exist on the CA.',
    fix: 'List the templates with `s2s ca template list` and use one of their names (not display names).',
  },
  ERR_CA_TEMPLATE_INVALID: {
    category: 'usage',
    meaning:
      'A certificate template definition has an unknown key usage, extended key usage or a bad validity.',
    fix: 'Correct the flag named in the message (key usages: digitalSignature, keyEncipherment, …; EKU: serverAuth, clientAuth or an OID).',
  },
  ERR_CA_TEMPLATE_EXISTS: {
    category: 'conflict',
    meaning: 'A template with that name already exists.',
    fix: 'Pick another name, or remove the existing template first.',
  },
  ERR_CA_REQUEST_INVALID: {
    category: 'usage',
    meaning: 'The certificate request (PKCS#10) is malformed or its signature does not verify.',
    fix: 'Generate the request again (`s2s certificate request --output …`) and send the file unchanged.',
  },
  ERR_CA_KEY_TOO_SMALL: {
    category: 'refused',
    meaning:
      'The key length is below what a requested usage needs (OAuthTokenIssuer needs RSA of at least 2048 bits).',
    fix: 'Repeat with --key-size 2048 (or larger).',
  },
  ERR_CA_KEY_ALGORITHM: {
    category: 'refused',
    meaning:
      'The key algorithm is not allowed for a requested usage (OAuthTokenIssuer signs tokens with RS256, so it needs RSA).',
    fix: 'Repeat with --key-alg RSA, or request the OAuthTokenIssuer certificate separately.',
  },
  ERR_CA_REQUEST_UNKNOWN: {
    category: 'not_found',
    meaning: 'No pending certificate request has the request id given.',
    fix: 'List the pending requests with `s2s certificate request --list` and use one of their ids.',
  },
  ERR_CA_RESPONSE_INVALID: {
    category: 'usage',
    meaning: 'The CA response file holds no certificate in a format s2s reads (PEM, DER, base64 or PKCS#7).',
    fix: 'Export the response from the CA as a .cer/.crt (PEM or DER) or a .p7b chain and import that file.',
  },
  ERR_CA_RESPONSE_NO_MATCH: {
    category: 'refused',
    meaning:
      'No certificate in the response carries the public key of a pending request; nothing was installed.',
    fix: 'Import the response issued for one of the requests listed by `s2s certificate request --list`.',
  },
  ERR_CA_RESPONSE_USAGE: {
    category: 'refused',
    meaning:
      "The issued certificate's key usage or extended key usage does not fit the usages it was requested for.",
    fix: 'Ask the CA to issue it from a web-server template (serverAuth, digitalSignature + keyEncipherment), then import again.',
  },
  ERR_CA_ACCOUNT_INVALID: {
    category: 'refused',
    meaning: 'The CA account name or password presented for enrollment is wrong.',
    fix: 'Check --ca-account and the password file; the CA administrator lists accounts with `s2s ca account list`.',
  },
  ERR_CA_NAME_NOT_ALLOWED: {
    category: 'refused',
    meaning:
      'An enrollment asked for a name the CA account or the template does not allow: a wildcard or an IP address without a template that allows it, or a DNS name outside the account\'s allowed names (docs/ca.md "Name constraints"). Nothing was issued.',
    fix: 'Request only the names the account may enroll (`s2s ca account list` shows them), or have the CA administrator use a template with --allow-wildcard / --allow-ip-addresses.',
  },
  ERR_CA_ACCOUNT_LOCKED: {
    category: 'refused',
    meaning:
      'The CA account is locked for 15 minutes after 5 consecutive wrong passwords (HTTP 429 with Retry-After); the password was not checked (docs/ca.md "Enrollment limits").',
    fix: 'Wait until the time in the message (Retry-After), then retry with the right password; find who sent the wrong ones.',
  },
  ERR_CA_ENROLL_RATE_LIMITED: {
    category: 'refused',
    meaning:
      'Too many enrollment attempts from this client address (10 per minute) or to this CA node (5 per second); nothing was checked (HTTP 429 with Retry-After).',
    fix: 'Retry after the Retry-After seconds; enrollment is a rare operation, so look for a script retrying in a loop.',
  },
  ERR_CA_ACCOUNT_EXISTS: {
    category: 'conflict',
    meaning: 'A CA account with that name already exists.',
    fix: 'Choose another name, or remove the account first with `s2s ca account remove`.',
  },
  ERR_CA_ENROLLMENT_FAILED: {
    category: 'unavailable',
    meaning: 'The online CA (enrollment URL or ACME server) could not be reached or refused the request.',
    fix: 'Check the URL, that the CA trusts the account, and that its TLS certificate chains to a trusted root (`s2s trusted-root add`).',
  },
  ERR_CA_CONFIRMATION_REQUIRED: {
    category: 'usage',
    meaning: 'The request needs review before it is sent, but there is no terminal to ask on.',
    fix: 'Review the subject and names, then repeat with --yes.',
  },
  ERR_CA_CERTIFICATE_UNKNOWN: {
    category: 'not_found',
    meaning: 'The CA issuance log has no certificate with that serial number.',
    fix: 'List issued certificates with `s2s ca issued` and use the serial shown there.',
  },
  ERR_CA_TRUSTED_ROOT_INVALID: {
    category: 'usage',
    meaning: 'The file given as a trusted root is not a self-signed CA certificate.',
    fix: 'Add the root certificate of the chain (the self-signed one), not a leaf or an intermediate.',
  },
  ERR_CA_TRUSTED_ROOT_UNKNOWN: {
    category: 'not_found',
    meaning: 'No trusted root has that thumbprint.',
    fix: 'List the trusted roots with `s2s trusted-root list` and use one of their thumbprints.',
  },
});

export const CA_WARNINGS = defineWarnings({
  WARN_CA_ALREADY_IMPORTED: {
    meaning: 'The response was imported before: the certificate is already installed, nothing changed.',
    fix: 'Nothing to do; `s2s certificate list` shows the certificate.',
  },
  WARN_CA_RESPONSE_EXTENSIONS_DROPPED: {
    meaning:
      "The CA's certificate lacks DNS names that the request asked for (the CA did not copy the request's extensions).",
    fix: 'Have the CA sign again keeping the extensions (OpenSSL 3: openssl x509 -req … -copy_extensions copy), then import the new response.',
  },
  WARN_CA_UNRELATED_DROPPED: {
    meaning:
      'The response held certificates that are not in the chain of the issued certificate; they were ignored.',
    fix: 'Nothing to do, unless a needed intermediate was expected among them.',
  },
  WARN_CA_ROOT_UNTRUSTED: {
    meaning: "The certificate was issued, but its root CA is not among the deployment's trusted roots.",
    fix: 'Run the `s2s trusted-root add --path <root.pem>` command named in the message.',
  },
  WARN_CA_CHAIN_INCOMPLETE: {
    meaning:
      'The issuer chain of the certificate cannot be completed from the response and the trusted roots.',
    fix: 'Import the intermediate and root certificates too (a .p7b with the full chain), or add the root with `s2s trusted-root add`.',
  },
  WARN_CA_PRIVATE_KEY_MISSING: {
    meaning: 'The certificate has no private key in the store, so it cannot sign or serve TLS.',
    fix: 'Import the PFX that holds the key, or request a new certificate.',
  },
  WARN_CA_USAGE_MISMATCH: {
    meaning:
      "The certificate's key usage or extended key usage does not fit one of the usages it is meant for.",
    fix: 'Request a certificate from a web-server template for that usage.',
  },
  WARN_CA_NAME_DROPPED: {
    meaning: 'The CA template policy dropped a requested subject alternative name.',
    fix: 'Ask the CA administrator for a template whose policy allows the name.',
  },
});
/** Raises one of this module's error codes. */
export const caError = errorFactory(CA_ERRORS);
