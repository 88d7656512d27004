/** Error and warning codes of certificates (import, assignment, export) (docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const CERTIFICATE_ERRORS = defineErrors({
  ERR_CERTIFICATE_FILE_NOT_FOUND: {
    category: 'not_found',
    meaning: 'The certificate file named by --path does not exist or cannot be read.',
    fix: 'Check the path and that this user may read the file.',
  },
  ERR_CERTIFICATE_FILE_TOO_LARGE: {
    category: 'usage',
    meaning: 'The certificate file is larger than the size accepted before parsing (1 MiB).',
    fix: 'Pass the PFX or PEM file itself; certificate files are a few kilobytes.',
  },
  ERR_CERTIFICATE_FILE_TRUNCATED: {
    category: 'usage',
    meaning: 'The file ends before the structure it starts declares (an interrupted copy or download).',
    fix: 'Copy the file again in binary mode and retry.',
  },
  ERR_CERTIFICATE_FILE_UNRECOGNIZED: {
    category: 'usage',
    meaning: 'The file is neither PKCS#12 (PFX), PEM nor a DER certificate, or its structure is malformed.',
    fix: 'Export the certificate as PFX (with its private key) or as PEM certificate + key.',
  },
  ERR_PFX_NOT_BINARY: {
    category: 'usage',
    meaning: 'A PFX file was expected but the file is PEM or base64 text.',
    fix: 'Decode a base64 PFX with `base64 -d`, or pass PEM certificate and key files as PEM.',
  },
  ERR_PFX_MAC_MISSING: {
    category: 'refused',
    meaning: 'The PFX has no integrity MAC, so tampering and a wrong password could not be detected.',
    fix: 'Export the PFX again with a password (openssl pkcs12 -export without -nomac).',
  },
  ERR_PFX_ITERATIONS_TOO_HIGH: {
    category: 'refused',
    meaning: 'The PFX asks for more key-derivation iterations than s2s accepts (a denial-of-service guard).',
    fix: 'Export the PFX again with the default iteration count (openssl uses 2048; Windows 2000 or 10000).',
  },
  ERR_PFX_UNSUPPORTED_ALGORITHM: {
    category: 'refused',
    meaning:
      'The PFX uses an encryption, MAC or content type s2s does not read (RC4, DES, public-key privacy).',
    fix: 'Export the PFX again with AES-256 (openssl default) or 3DES (-legacy, Windows "TripleDES-SHA1").',
  },
  ERR_CERTIFICATE_PASSWORD_WRONG: {
    category: 'refused',
    meaning:
      'The password does not open the file (the PFX MAC or the encrypted key did not verify), or none was given.',
    fix: 'Pass the right password with --password-file or --password-env.',
  },
  ERR_CERTIFICATE_NO_CERTIFICATE: {
    category: 'usage',
    meaning: 'The file holds no certificate.',
    fix: 'Export the certificate together with its private key (PFX), or pass the certificate PEM too.',
  },
  ERR_CERTIFICATE_IS_CA: {
    category: 'refused',
    meaning:
      'The certificate is a certification authority (basicConstraints CA:TRUE); a CA certificate never signs tokens or serves TLS (docs/security.md §6.2).',
    fix: 'Assign an end-entity certificate issued by the CA (basicConstraints CA:FALSE); with openssl req -x509 add -addext basicConstraints=critical,CA:FALSE.',
  },
  ERR_CERTIFICATE_KEY_USAGE: {
    category: 'refused',
    meaning:
      "The certificate's key usage excludes digitalSignature, which a token-signing certificate needs (RFC 5280 §4.2.1.3; docs/security.md §6.2).",
    fix: 'Request or export a certificate whose key usage includes digitalSignature (the CA templates WebServer and the s2s CA default do).',
  },
  ERR_CERTIFICATE_NO_PRIVATE_KEY: {
    category: 'refused',
    meaning: 'The certificate has no private key, which the usage needs to sign or serve TLS.',
    fix: 'Import a PFX exported with its private key (Windows: "Yes, export the private key"), or name a certificate-only usage with --type.',
  },
  ERR_CERTIFICATE_KEY_MISMATCH: {
    category: 'refused',
    meaning: 'The private key in the file belongs to none of its certificates.',
    fix: 'Pair the certificate with the key it was issued for (compare `openssl x509 -noout -pubkey` and `openssl pkey -pubout`).',
  },
  ERR_CERTIFICATE_MULTIPLE_KEYS: {
    category: 'usage',
    meaning: 'The file holds more than one private key, so which certificate to import is ambiguous.',
    fix: 'Export one certificate with its key per file.',
  },
  ERR_CERTIFICATE_KEY_TOO_SMALL: {
    category: 'refused',
    meaning:
      'The key is smaller than 2048 bits, which OAuthTokenIssuer and web usages require (partners refuse such tokens).',
    fix: 'Request or import a certificate with a 2048-bit (or larger) RSA key.',
  },
  ERR_CERTIFICATE_KEY_ALGORITHM: {
    category: 'refused',
    meaning: 'OAuthTokenIssuer needs an RSA key: S2S tokens are signed RS256 (docs/protocol.md §2.1).',
    fix: 'Use a certificate with an RSA key of 2048 bits or more.',
  },
  ERR_CERTIFICATE_EXPIRED: {
    category: 'refused',
    meaning: "The certificate is expired (or expires before the roll's effective date).",
    fix: 'Renew the certificate and import the new one.',
  },
  ERR_CERTIFICATE_NOT_YET_VALID: {
    category: 'refused',
    meaning: 'The certificate is not valid yet at the moment it would become current.',
    fix: 'Wait for its NotBefore date, or roll it with --effective-date after NotBefore; check the server clock.',
  },
  ERR_CERTIFICATE_SHA1_SIGNATURE: {
    category: 'refused',
    meaning:
      'The certificate is signed with SHA-1 and the OAuth configuration forbids that (sha1CertificatePolicy error).',
    fix: 'Use a SHA-256 signed certificate, or `s2s oauth set --sha1-policy warn`.',
  },
  ERR_CERTIFICATE_NOT_FOUND: {
    category: 'not_found',
    meaning: 'No certificate with that thumbprint is known to the store.',
    fix: 'Run `s2s certificate list`, or import the certificate first.',
  },
  ERR_CERTIFICATE_USAGE_UNKNOWN: {
    category: 'usage',
    meaning: 'A --type value is not a certificate usage.',
    fix: 'Use Default, WebServicesInternal, WebServicesExternal, OAuthTokenIssuer (or another Skype type name).',
  },
  ERR_CERTIFICATE_IDENTITY_INVALID: {
    category: 'usage',
    meaning: 'The --identity is neither `global` nor a server FQDN.',
    fix: 'Pass --identity global or the FQDN of a server (pool member).',
  },
  ERR_CERTIFICATE_GLOBAL_ONLY: {
    category: 'refused',
    meaning:
      'OAuthTokenIssuer exists only at global scope: every server must sign with the same certificate.',
    fix: 'Use --identity global (the default).',
  },
  ERR_CERTIFICATE_ROLL_DATE_REQUIRED: {
    category: 'usage',
    meaning: '--roll needs --effective-date, and --effective-date needs --roll.',
    fix: 'Pass both: --roll --effective-date 2030-01-31T12:00:00Z.',
  },
  ERR_CERTIFICATE_ROLL_DATE_PAST: {
    category: 'refused',
    meaning: "The roll's effective date is not in the future.",
    fix: 'Pass a future date (at least 24 hours ahead is recommended), or set the certificate without --roll.',
  },
  ERR_CERTIFICATE_ROLL_SAME: {
    category: 'usage',
    meaning: 'The certificate to roll to is already the current one.',
    fix: 'Roll to a different certificate.',
  },
  ERR_CERTIFICATE_NOT_ASSIGNED: {
    category: 'not_found',
    meaning: 'Nothing (or no previous certificate) is assigned to that usage at that identity.',
    fix: 'Run `s2s certificate get` to see the assignments.',
  },
  ERR_CERTIFICATE_NOT_EXPORTABLE: {
    category: 'refused',
    meaning:
      'The certificate was not imported as exportable (or has no private key), so its key cannot leave the store.',
    fix: 'Re-import the original file with --exportable if the key must be exported.',
  },
  ERR_CERTIFICATE_PASSWORD_REQUIRED: {
    category: 'usage',
    meaning: 'Exporting a private key needs a password: it only ever leaves in a password-protected PFX.',
    fix: 'Pass --password-file or --password-env (at least 8 characters).',
  },
  ERR_CERTIFICATE_IN_USE: {
    category: 'conflict',
    meaning: 'The certificate is assigned (current, previous or staged) and cannot be deleted.',
    fix: 'Un-assign it with `s2s certificate remove` (with --previous for a previous one) first.',
  },
  ERR_CERTIFICATE_PARSE_TIMEOUT: {
    category: 'refused',
    meaning:
      'No longer produced: reading a certificate file is bounded by its work (ERR_CERTIFICATE_TOO_MUCH_WORK), not by time.',
    fix: 'Upgrade s2s; reading no longer depends on how busy the machine is.',
  },
  ERR_CERTIFICATE_TOO_MUCH_WORK: {
    category: 'refused',
    meaning:
      'The file asks for more key-derivation work in total than s2s does for one file (very high iteration counts or many encrypted items).',
    fix: 'Export the file again with the default settings of openssl or Windows (one key, at most 600000 iterations).',
  },
  ERR_CERTIFICATE_RENEWAL_POLICY_INVALID: {
    category: 'usage',
    meaning:
      'A renewal policy is not usable: an unknown or label usage, a duration that is not one, a renewal window not longer than the roll lead time, or a source that is not internal, manual, an https:// enrollment URL or acme:<https directory URL>.',
    fix: 'Repeat `s2s certificate policy set` with --renew-before longer than --roll-lead (e.g. 30d and 48h) and a --ca named in docs/renewal.md.',
  },
  ERR_CERTIFICATE_RENEWAL_FAILED: {
    category: 'unavailable',
    meaning:
      'An automatic renewal could not get a usable successor certificate (the CA refused or was unreachable, or what it issued does not fit the usage); the current certificate stays in place and the renewal is retried with back-off.',
    fix: 'Read the renewal error in `s2s certificate get` (LastRenewalError) and the server log; fix the CA, its account or the policy (`s2s certificate policy set`).',
  },
});

export const CERTIFICATE_WARNINGS = defineWarnings({
  WARN_CERTIFICATE_SHA1_SIGNATURE: {
    meaning: 'The certificate is signed with SHA-1, which modern partners and TLS clients reject.',
    fix: 'Replace it with a SHA-256 signed certificate (`s2s oauth set --sha1-policy error` makes this an error).',
  },
  WARN_CERTIFICATE_REALM_NOT_IN_NAMES: {
    meaning:
      'The OAuthTokenIssuer certificate names neither the SIP domain (realm) in its Subject nor in its SANs.',
    fix: 'Use a certificate whose Subject or SANs contain the SIP domain (docs/protocol.md §5.4).',
  },
  WARN_CERTIFICATE_EFFECTIVE_DATE_SOON: {
    meaning:
      'The roll takes effect in less than 24 hours; partners may still cache the old key material (docs/protocol.md §7).',
    fix: 'Roll with an effective date at least 24 hours (ideally 36 hours) ahead.',
  },
  WARN_CERTIFICATE_ROLL_WITHOUT_CURRENT: {
    meaning:
      'A roll was staged for a usage that has no current certificate: nothing serves the usage until the effective date.',
    fix: 'Import the certificate without --roll/--effective-date to assign it at once (a roll is for replacing a current certificate).',
  },
  WARN_CERTIFICATE_NAMES_NOT_COVERED: {
    meaning:
      "A TLS certificate's DNS names (SANs) do not cover every host name the deployment serves (`s2s oauth get` HostNames, or the server's FQDN).",
    fix: "Request or export a certificate whose SANs list every host name (openssl x509 -req needs -copy_extensions copy to keep the request's SANs).",
  },
  WARN_CERTIFICATE_EXPIRES_SOON: {
    meaning: 'The certificate expires within 30 days.',
    fix: 'Renew it and roll to the new one at least 24 hours before it expires.',
  },
  WARN_CERTIFICATE_STAGED_CANCELLED: {
    meaning: 'A staged roll was replaced or cancelled by this change.',
    fix: 'Run `s2s certificate get` and stage the roll again if it is still wanted.',
  },
  WARN_CERTIFICATE_RENEWAL_MANUAL: {
    meaning:
      "The certificate is inside its renewal window and its usage's renewal policy is `manual`: s2s does not renew it.",
    fix: 'Request a successor and roll to it (`s2s certificate request`, then `s2s certificate set --roll`), or set an automatic source with `s2s certificate policy set --ca …`.',
  },
  WARN_CERTIFICATE_RENEWAL_FAILING: {
    meaning:
      'Automatic renewal of the certificate has failed at least once; it is retried with back-off and the current certificate stays in place.',
    fix: 'Read LastRenewalError in `s2s certificate get` and fix the CA or the policy before the certificate expires.',
  },
  WARN_CERTIFICATE_ROLL_LEAD_SHORTENED: {
    meaning:
      'The renewed certificate was staged with less than the policy roll lead time, because the current certificate expires sooner: partners that cache metadata may not know the successor before it signs.',
    fix: 'Make --renew-before longer (at least the roll lead time plus the time a renewal may need), and keep the CA reachable.',
  },
  WARN_PARTNER_CERTIFICATE_EXPIRES_SOON: {
    meaning:
      "Every signing certificate a partner publishes in its metadata expires within 30 days: once they expire, the partner's tokens are refused.",
    fix: "Ask the partner's administrator to renew and publish a successor (Exchange: New-ExchangeCertificate, then Set-AuthConfig -NewCertificateThumbprint); `s2s partner refresh` picks it up.",
  },
});
/** Raises one of this module's error codes. */
export const certificateError = errorFactory(CERTIFICATE_ERRORS);
/** A certificate error code. */
export type CertificateErrorCode = keyof typeof CERTIFICATE_ERRORS;
/** A certificate warning code. */
export type CertificateWarningCode = keyof typeof CERTIFICATE_WARNINGS;
