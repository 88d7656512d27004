/**
 * The configuration a pool node serves: an immutable set of documents as of one store version.
 * A node swaps the whole snapshot at once (one reference assignment), so a reader sees either every
 * document of a change or none of it — never a mixture of old and new configuration (docs/replication.md).
 * Bodies are held as JSON text and parsed on every read, so no caller can alter the shared copy.
 */
import { CENTRAL_KEY_PREFIXES } from '../core/replication/replica-scope.ts';
import type { DocumentKind, StoredDocument } from '../store/document-store.ts';

/**
 * Where each kind of document is served from on a pool node (docs/replication.md "What the replica
 * holds"): configuration — everything token issuance and validation, metadata and the TLS certificate
 * need, small and changed by administrators — is replicated to every node and served from its replica,
 * also while PostgreSQL is down. Mailbox items — data, large, written by partners at any rate — are read
 * from the central store, so writing one costs no node a replica rewrite. A Record, so a new kind must be
 * placed here before the code compiles.
 */
export const KIND_SCOPE: Readonly<Record<DocumentKind, 'replica' | 'central'>> = {
  'oauth-config': 'replica',
  certificate: 'replica',
  assignment: 'replica',
  partner: 'replica',
  'oauth-server': 'replica',
  user: 'replica',
  'mailbox-item': 'central',
  'trusted-root': 'replica',
  ca: 'replica',
  'ca-template': 'replica',
  'ca-issued': 'replica',
  'certificate-request': 'replica',
  node: 'replica',
  'renewal-policy': 'replica',
  renewal: 'replica',
  counter: 'replica',
  admin: 'replica',
  'admin-lockout': 'replica',
  'admin-token': 'replica',
  'admin-session': 'replica',
  audit: 'replica',
};

/** The kinds a replica holds. */
export const REPLICATED_KINDS: readonly DocumentKind[] = (Object.keys(KIND_SCOPE) as DocumentKind[]).filter(
  (k) => KIND_SCOPE[k] === 'replica',
);

/**
 * Whether a document (or, without a key or with a key prefix, a listing) is held by the replica; else it
 * is read from the central store (mailbox data: src/core/replication/replica-scope.ts).
 */
export function isReplicated(kind: DocumentKind, key?: string): boolean {
  if (KIND_SCOPE[kind] === 'central') return false;
  if (key === undefined) return true;
  return !(CENTRAL_KEY_PREFIXES[kind] ?? []).some(
    (p) => key.startsWith(p) || (key !== '' && p.startsWith(key)),
  );
}

/** One document as held by a snapshot and written to the replica file. */
export interface HeldDocument {
  readonly kind: DocumentKind;
  readonly key: string;
  /** The body as JSON text. */
  readonly text: string;
  readonly version: number;
  readonly updatedAt: string;
}

/** Changes that turn one snapshot into the next. */
export interface SnapshotDelta {
  readonly puts: readonly HeldDocument[];
  readonly deletes: ReadonlyArray<{ readonly kind: DocumentKind; readonly key: string }>;
}

/** Immutable documents as of `version`. */
export class ReplicaSnapshot {
  readonly version: number;
  readonly #docs: ReadonlyMap<string, HeldDocument>;
  /** Per-kind documents sorted by key, built on first `list` of that kind. */
  readonly #byKind = new Map<DocumentKind, readonly HeldDocument[]>();

  private constructor(version: number, docs: ReadonlyMap<string, HeldDocument>) {
    this.version = version;
    this.#docs = docs;
  }

  /** A snapshot of the given documents as of `version`. */
  static of(version: number, documents: Iterable<HeldDocument>): ReplicaSnapshot {
    const docs = new Map<string, HeldDocument>();
    // A replica file written before mailbox items moved to the central store may still hold some.
    for (const d of documents) if (isReplicated(d.kind, d.key)) docs.set(idOf(d.kind, d.key), d);
    return new ReplicaSnapshot(version, docs);
  }

  /** The empty snapshot of an empty store. */
  static empty(): ReplicaSnapshot {
    return new ReplicaSnapshot(0, new Map());
  }

  /** The next snapshot: this one with `delta` applied, as of `version`. */
  apply(version: number, delta: SnapshotDelta): ReplicaSnapshot {
    const docs = new Map(this.#docs);
    for (const d of delta.deletes) docs.delete(idOf(d.kind, d.key));
    for (const d of delta.puts) if (isReplicated(d.kind, d.key)) docs.set(idOf(d.kind, d.key), d);
    return new ReplicaSnapshot(version, docs);
  }

  get size(): number {
    return this.#docs.size;
  }

  /** The held form of one document (no parsing). */
  held(kind: DocumentKind, key: string): HeldDocument | undefined {
    return this.#docs.get(idOf(kind, key));
  }

  get<T>(kind: DocumentKind, key: string): StoredDocument<T> | undefined {
    const held = this.#docs.get(idOf(kind, key));
    return held === undefined ? undefined : toStored<T>(held);
  }

  /** Documents of a kind ordered by key (UTF-8 byte order, as the SQL stores sort). */
  list<T>(kind: DocumentKind, prefix = ''): StoredDocument<T>[] {
    return this.#sorted(kind)
      .filter((d) => d.key.startsWith(prefix))
      .map((d) => toStored<T>(d));
  }

  /** Every document (or those of `kinds`), ordered by kind then key. */
  documents(kinds?: readonly DocumentKind[]): StoredDocument[] {
    return [...this.#docs.values()]
      .filter((d) => kinds === undefined || kinds.includes(d.kind))
      .sort((a, b) => compareBytes(a.kind, b.kind) || compareBytes(a.key, b.key))
      .map((d) => toStored(d));
  }

  /** Every held document, unordered (what the replica file stores). */
  heldDocuments(): HeldDocument[] {
    return [...this.#docs.values()];
  }

  #sorted(kind: DocumentKind): readonly HeldDocument[] {
    let sorted = this.#byKind.get(kind);
    if (sorted === undefined) {
      sorted = [...this.#docs.values()]
        .filter((d) => d.kind === kind)
        .sort((a, b) => compareBytes(a.key, b.key));
      this.#byKind.set(kind, sorted);
    }
    return sorted;
  }
}

/** The held form of a stored document. */
export function holdDocument(doc: StoredDocument): HeldDocument {
  return {
    kind: doc.kind,
    key: doc.key,
    text: JSON.stringify(doc.body),
    version: doc.version,
    updatedAt: doc.updatedAt,
  };
}

function toStored<T>(held: HeldDocument): StoredDocument<T> {
  return {
    kind: held.kind,
    key: held.key,
    body: JSON.parse(held.text) as T,
    version: held.version,
    updatedAt: held.updatedAt,
  };
}

function idOf(kind: DocumentKind, key: string): string {
  return `${kind}\u0000${key}`;
}

/** UTF-8 byte order, which is what SQLite's BINARY and PostgreSQL's `COLLATE "C"` give. */
function compareBytes(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}
