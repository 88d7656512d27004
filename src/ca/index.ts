/** The built-in certification authority and request handling (docs/ca.md): engine, formats, policies. */
export {
  x509,
  thumbprintOf,
  publicKeyId,
  toPem,
  signingAlgorithmFor,
  toSigningKey,
  toVerifyKey,
} from './x509.ts';
export type { SigningAlgorithm } from './x509.ts';
export * from './key-pair.ts';
export * from './key-policy.ts';
export * from './certificate-template.ts';
export * from './pkcs10-request.ts';
export * from './certification-authority.ts';
export * from './response-file.ts';
export * from './certificate-chain.ts';
export * from './certificate-status.ts';
export * from './request-names.ts';
export * from './enrollment-names.ts';
export * from './ca-account-password.ts';
// Remote CAs are reached through the CaBackend port only (ca-backend.ts); the clients stay private.
export { enrollmentEndpoint } from './enrollment-client.ts';
export type { CaBackend, CaSubmission, CaTarget } from './ca-backend.ts';
export { caBackendFor, caTargetText, parseCaTarget } from './ca-backend.ts';
export * from './failpoint.ts';
export * from './response-extensions.ts';
export * from './local-certificates.ts';
