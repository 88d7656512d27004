/** Administrators, roles, operations and the audit log: the pure part (docs/admin.md). */
export * from './admin-errors.ts';
export * from './admin-roles.ts';
export * from './admin-operations.ts';
export * from './audit-entry.ts';
export * from './wire-codec.ts';
