/**
 * What a pool node's replica holds (docs/replication.md "What the replica holds, and the cost of a
 * write"), as plain data every layer may read: mailbox data — items and the per-mailbox usage counters
 * written with them — is served from the central store; pool membership records are diagnostics. Only
 * the rest is configuration that a node must apply.
 */

/** Document kinds read from the central store, never replicated. */
export const CENTRAL_KINDS: readonly string[] = ['mailbox-item'];

/** Keys of otherwise replicated kinds that are mailbox data all the same. */
export const CENTRAL_KEY_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  counter: ['mailbox-usage/'],
};

/** Whether a document is mailbox data (served from the central store). */
export function isMailboxData(kind: string, key: string): boolean {
  return CENTRAL_KINDS.includes(kind) || (CENTRAL_KEY_PREFIXES[kind] ?? []).some((p) => key.startsWith(p));
}

/** Whether a change-log entry is a configuration change a pool node must apply (not mailbox data, not a heartbeat). */
export function isConfigurationChange(kind: string, key: string): boolean {
  return kind !== 'node' && !isMailboxData(kind, key);
}
