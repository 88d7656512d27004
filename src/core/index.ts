/** Public surface of the pure domain (no I/O). Other layers import core only through this file. */
export * from './shared/errors.ts';
export * from './shared/shared-errors.ts';
export * from './shared/clock.ts';
export * from './shared/principals.ts';
export * from './shared/secret-box.ts';
export * from './shared/warning.ts';
export * from './certificates/certificate-usage.ts';
export * from './certificates/certificate-record.ts';
export * from './certificates/certificate-assignment.ts';
export * from './oauth/oauth-configuration.ts';
export * from './partners/partner-application.ts';
export * from './error-catalog.ts';
export * from './certificates/signing-material.ts';
export * from './tokens/validation-outcome.ts';
export * from './ca/ca-errors.ts';
