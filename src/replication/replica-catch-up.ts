/**
 * Computes the next snapshot of a pool node from the central store (docs/replication.md).
 *
 * The change log names what changed since the applied version; the node fetches those documents and
 * applies them as ONE step to the highest version seen (the target). A fetched document may already be
 * newer than the target (a commit landed meanwhile): then the node reads the log past the target and
 * fetches again, until every fetched document is exactly what the log says it was at the target — so
 * the new snapshot is the store as of one version, never a mixture. A node far behind, or one that
 * cannot settle in a few rounds, takes a consistent full `snapshot()` instead.
 */
import type { ChangeEntry, DocumentStore, StoredDocument } from '../store/document-store.ts';
import { holdDocument, isReplicated, REPLICATED_KINDS, ReplicaSnapshot } from './replica-snapshot.ts';
import type { HeldDocument, SnapshotDelta } from './replica-snapshot.ts';

/** Tuning of {@link catchUp}. */
export interface CatchUpLimits {
  /** Change-log entries read per page. */
  readonly pageLimit: number;
  /** Pages read before giving up on the log and taking a full snapshot (200 × 500 = 100 000 entries). */
  readonly maxPages: number;
  /** Rounds of "read past the target and fetch again" before falling back to a full snapshot. */
  readonly maxRounds: number;
  /** Documents fetched at once. */
  readonly fetchConcurrency: number;
}

export const CATCH_UP_DEFAULTS: CatchUpLimits = {
  pageLimit: 500,
  maxPages: 200,
  maxRounds: 5,
  fetchConcurrency: 8,
};

/** The next snapshot and whether anything but pool records (`node` documents) changed. */
export interface CatchUpResult {
  readonly snapshot: ReplicaSnapshot;
  readonly configurationChanged: boolean;
}

/** Returns `current` itself when nothing committed after it. Throws when the store is unreachable. */
export async function catchUp(
  central: DocumentStore,
  current: ReplicaSnapshot,
  limits = CATCH_UP_DEFAULTS,
): Promise<CatchUpResult> {
  const first = await readLog(central, current.version, limits);
  if (first === undefined) return fullResync(central, current); // too far behind to be worth it
  if (first.length === 0) return { snapshot: current, configurationChanged: false };
  // Versions of logged batches are gap-free: a missing next version means the log was pruned past this
  // node (docs/store.md "Retention"), so only a full snapshot can bring it up to date.
  if (first[0]!.version > current.version + 1) return fullResync(central, current);
  const pending = new PendingChanges(first);
  const fetched = new Map<string, StoredDocument | undefined>();
  for (let round = 0; round < limits.maxRounds; round += 1) {
    await fetchMissing(central, pending, fetched, limits.fetchConcurrency);
    if (pending.consistentWith(fetched))
      return {
        snapshot: current.apply(pending.target, pending.delta(fetched)),
        configurationChanged: pending.touchesConfiguration(),
      };
    const more = forward(await central.changesSince(pending.target, limits.pageLimit), pending.target);
    if (more.length === 0 || more.length >= limits.pageLimit) break; // the log disagrees with the documents, or too much moved
    for (const id of pending.add(more)) fetched.delete(id);
  }
  return fullResync(central, current);
}

/** A consistent copy of the whole store; never moves a node backwards. */
export async function fullResync(central: DocumentStore, current: ReplicaSnapshot): Promise<CatchUpResult> {
  const snap = await central.snapshot(REPLICATED_KINDS);
  if (snap.version <= current.version) return { snapshot: current, configurationChanged: false };
  return {
    snapshot: ReplicaSnapshot.of(snap.version, snap.documents.map(holdDocument)),
    configurationChanged: true,
  };
}

/**
 * Every change-log entry after `version`, page by page (a node back from an outage catches up from the
 * log however long it was away, as long as the log reaches back to it); undefined past `maxPages`.
 */
async function readLog(
  central: DocumentStore,
  version: number,
  limits: CatchUpLimits,
): Promise<ChangeEntry[] | undefined> {
  const all: ChangeEntry[] = [];
  let after = version;
  for (let page = 0; page < limits.maxPages; page += 1) {
    const entries = forward(await central.changesSince(after, limits.pageLimit), after);
    all.push(...entries);
    if (entries.length < limits.pageLimit) return all;
    after = entries[entries.length - 1]!.version;
  }
  return undefined;
}

/** Entries past `version` only: a late or repeated delivery never moves a node backwards. */
function forward(entries: readonly ChangeEntry[], version: number): ChangeEntry[] {
  return entries.filter((e) => e.version > version);
}

/** The last change-log entry of each document up to the target version. */
class PendingChanges {
  readonly #last = new Map<string, ChangeEntry>();
  target = 0;

  constructor(entries: readonly ChangeEntry[]) {
    this.add(entries);
  }

  /** Records newer entries; returns the ids they touched (to fetch again). */
  add(entries: readonly ChangeEntry[]): string[] {
    const touched: string[] = [];
    for (const e of entries) {
      this.target = Math.max(this.target, e.version);
      // Pool records are written unlogged now (docs/replication.md); an entry for one left by an older
      // version is not fetched — the document carries a later version than its entry.
      if (e.kind === 'node') continue;
      // Mailbox items are served from the central store: nothing to fetch or keep (docs/replication.md).
      if (!isReplicated(e.kind, e.key)) continue;
      const id = idOf(e);
      const prior = this.#last.get(id);
      if (prior === undefined || prior.version <= e.version) this.#last.set(id, e);
      this.target = Math.max(this.target, e.version);
      touched.push(id);
    }
    return touched;
  }

  entries(): IterableIterator<[string, ChangeEntry]> {
    return this.#last.entries();
  }

  /** True when every fetched document is exactly as the log says it stood at the target. */
  consistentWith(fetched: ReadonlyMap<string, StoredDocument | undefined>): boolean {
    for (const [id, e] of this.#last) {
      const doc = fetched.get(id);
      if (e.op === 'put' ? doc?.version !== e.version : doc !== undefined) return false;
    }
    return true;
  }

  delta(fetched: ReadonlyMap<string, StoredDocument | undefined>): SnapshotDelta {
    const puts: HeldDocument[] = [];
    const deletes: Array<{ kind: ChangeEntry['kind']; key: string }> = [];
    for (const [id, e] of this.#last) {
      const doc = fetched.get(id);
      if (doc === undefined) deletes.push({ kind: e.kind, key: e.key });
      else puts.push(holdDocument(doc));
    }
    return { puts, deletes };
  }

  touchesConfiguration(): boolean {
    for (const e of this.#last.values()) if (e.kind !== 'node') return true;
    return false;
  }
}

async function fetchMissing(
  central: DocumentStore,
  pending: PendingChanges,
  fetched: Map<string, StoredDocument | undefined>,
  concurrency: number,
): Promise<void> {
  const todo = [...pending.entries()].filter(([id]) => !fetched.has(id));
  for (let i = 0; i < todo.length; i += concurrency) {
    const slice = todo.slice(i, i + concurrency);
    const docs = await Promise.all(slice.map(([, e]) => central.get(e.kind, e.key)));
    slice.forEach(([id], j) => fetched.set(id, docs[j]));
  }
}

function idOf(e: { kind: string; key: string }): string {
  return `${e.kind}\u0000${e.key}`;
}
