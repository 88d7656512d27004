/** Tokens: issuing and validating S2S tokens (protocol.md §2, §4, §6.2). Pure: no I/O. */
export * from './token-errors.ts';
export * from './validation-outcome.ts';
export * from './strict-json.ts';
export * from './base64url.ts';
export * from './token-limits.ts';
export * from './compact-jws.ts';
export * from './jose-header.ts';
export * from './token-claims.ts';
export * from './principal-name.ts';
export * from './rs256.ts';
export * from './token-issuer.ts';
export * from './trust-context.ts';
export * from './token-refusal.ts';
export * from './validation-trace.ts';
export * from './token-validator.ts';
