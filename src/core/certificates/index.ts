/** Public surface of the certificates domain (pure: parsing, rules, rollover mechanics, PFX writing). */
export * from './certificate-usage.ts';
export * from './certificate-record.ts';
export * from './certificate-assignment.ts';
export * from './signing-material.ts';
export * from './certificate-errors.ts';
export * from './certificate-file-limits.ts';
export * from './certificate-file.ts';
export * from './certificate-info.ts';
export * from './certificate-rules.ts';
export * from './assignment-transitions.ts';
export * from './renewal-policy.ts';
export * from './renewal-decision.ts';
export * from './pfx-writer.ts';
export * from './work-budget.ts';
