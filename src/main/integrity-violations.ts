/**
 * Stored documents refused by their integrity MAC in this process, by kind (docs/store.md "Integrity"):
 * the alert behind the `s2s_store_integrity_violations` metric. Process-wide: every deployment of the
 * process reads the same store files, and an attack on the store concerns them all.
 */
import type { IntegrityViolation } from '../store/integrity/integrity-document-store.ts';

const byKind = new Map<string, number>();

export const integrityViolations = {
  /** Counts one refused document. */
  record(violation: IntegrityViolation): void {
    byKind.set(violation.kind, (byKind.get(violation.kind) ?? 0) + 1);
  },
  /** Refusals so far, by document kind. */
  counts(): ReadonlyMap<string, number> {
    return byKind;
  },
};
