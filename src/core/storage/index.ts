/** The storage service's pure domain: mailboxes, users, user resolution and authorization (docs/storage.md). */
export * from './storage-errors.ts';
export * from './mailbox.ts';
export * from './mailbox-quota.ts';
export * from './storage-user.ts';
export * from './user-resolution.ts';
export * from './storage-authorization.ts';
export * from './storage-api.ts';
