/**
 * The store head version, which decides whether cached trust (validation) and issuing state are still
 * those of the store. Read without a round trip when the store can tell it synchronously:
 * - `knownHeadVersion()`: the newest version the store instance has committed itself or heard of
 *   through its change notifications (proposed for the DocumentStore port, docs/tokens.md §7);
 * - `appliedVersion`: a pool node's replica (ReplicatedDocumentStore), whose `headVersion()` returns
 *   exactly that and whose writes return once applied.
 * Otherwise one `headVersion()` read per call, as every process sharing the store sees a commit at once.
 */
import type { DocumentStore } from '../../store/document-store.ts';

interface SynchronousHead {
  knownHeadVersion?: () => number | null;
  appliedVersion?: number;
}

/** The head version if the store knows it synchronously, else null (the caller reads it). */
export function knownHeadVersion(store: DocumentStore): number | null {
  const s = store as DocumentStore & SynchronousHead;
  if (typeof s.knownHeadVersion === 'function') {
    const known = s.knownHeadVersion();
    if (known !== null) return known;
  }
  const applied = s.appliedVersion;
  return typeof applied === 'number' ? applied : null;
}

/**
 * The head version when the store can tell it synchronously AND every read it serves is of that version
 * (one SQLite file: `exactHeadVersion()`, passed through by the decorators), else null. A pool node's
 * replica is not: it reads mailbox items from the central store, ahead of the version it has applied
 * (docs/storage.md "Consistency"), so answers kept per applied version could outlive a change there.
 */
export function exactHeadVersion(store: DocumentStore): number | null {
  const s = store as DocumentStore & { exactHeadVersion?: () => number | null };
  return typeof s.exactHeadVersion === 'function' ? s.exactHeadVersion() : null;
}

/** The head version: synchronously known, or read. */
export async function headVersionOf(store: DocumentStore): Promise<number> {
  return knownHeadVersion(store) ?? store.headVersion();
}
