/**
 * A DocumentStore decorator that seals and checks security-relevant documents (docs/store.md
 * "Integrity"; docs/security.md §6.4). Every put of a protected kind gets a MAC member (HMAC-SHA256 under
 * a key derived from the master key, bound to kind and key); every read checks it and strips it, and a
 * document that fails it, or lacks it, is refused with ERR_STORE_INTEGRITY and reported through
 * `onViolation`. The MAC lives inside the body, so it travels with the document into the change log,
 * replicas and snapshots, whatever their file format.
 *
 * Migration: a store written before MACs existed has no integrity marker (document `counter` /
 * `store-integrity`). The first access that needs it seals every protected document and writes the
 * marker, in one batch; from then on a document without a MAC is refused. A store without the marker
 * whose documents already carry MACs is refused too (someone removed the marker to get a tampered
 * document sealed).
 */
import { DOCUMENT_MAC_MEMBER, sharedError } from '../../core/index.ts';
import type { DocumentMac } from '../../core/index.ts';
import type {
  ChangeEntry,
  DocumentKind,
  DocumentStore,
  StoredDocument,
  StoreSnapshot,
  WriteContext,
  WriteOperation,
  WriteResult,
} from '../document-store.ts';

/** The kinds whose documents are sealed: everything that decides trust, keys or issuance. */
export const PROTECTED_KINDS: ReadonlySet<DocumentKind> = new Set<DocumentKind>([
  'oauth-config',
  'certificate',
  'assignment',
  'partner',
  'oauth-server',
  'trusted-root',
  'ca',
  'ca-template',
  'ca-issued',
  'admin',
  'admin-lockout',
  'admin-token',
  'admin-session',
  'audit',
  'renewal-policy',
  'renewal',
]);

/** The integrity marker: present once the store's protected documents are sealed. */
export const INTEGRITY_MARKER = { kind: 'counter', key: 'store-integrity' } as const;

const isMarker = (kind: DocumentKind, key: string): boolean =>
  kind === INTEGRITY_MARKER.kind && key === INTEGRITY_MARKER.key;

const isProtected = (kind: DocumentKind, key: string): boolean =>
  PROTECTED_KINDS.has(kind) || isMarker(kind, key);

/** What a refused document looks like to the alert hook (never its body). */
export interface IntegrityViolation {
  readonly kind: DocumentKind;
  readonly key: string;
  readonly reason: 'mac-mismatch' | 'mac-missing' | 'marker-missing';
}

export interface IntegrityOptions {
  /** The MAC (derived from the master key); called when first needed. */
  readonly mac: () => DocumentMac;
  /** Called for every refusal (log at error level, count a metric). */
  readonly onViolation?: (violation: IntegrityViolation) => void;
}

type Body = Record<string, unknown>;

export class IntegrityDocumentStore implements DocumentStore {
  readonly #inner: DocumentStore;
  readonly #options: IntegrityOptions;
  #sealed: Promise<void> | undefined;

  constructor(inner: DocumentStore, options: IntegrityOptions) {
    this.#inner = inner;
    this.#options = options;
  }

  get dialect() {
    return this.#inner.dialect;
  }
  get location() {
    return this.#inner.location;
  }

  async get<T = unknown>(kind: DocumentKind, key: string): Promise<StoredDocument<T> | undefined> {
    // The marker belongs to this layer: never shown, never written from above (backups leave it alone).
    if (isMarker(kind, key)) return undefined;
    const doc = await this.#inner.get<T>(kind, key);
    if (!doc || !isProtected(kind, key)) return doc;
    if (!hasMac(doc.body)) {
      await this.#ensureSealed();
      return this.#open(await this.#inner.get<T>(kind, key));
    }
    return this.#open(doc);
  }

  async list<T = unknown>(kind: DocumentKind, prefix?: string): Promise<StoredDocument<T>[]> {
    let docs = withoutMarker(await this.#inner.list<T>(kind, prefix));
    if (!docs.some((d) => isProtected(d.kind, d.key))) return docs;
    if (docs.some((d) => isProtected(d.kind, d.key) && !hasMac(d.body))) {
      await this.#ensureSealed();
      docs = withoutMarker(await this.#inner.list<T>(kind, prefix));
    }
    return docs.map((d) => this.#open(d)!);
  }

  async write(all: readonly WriteOperation[], context?: WriteContext): Promise<WriteResult> {
    const operations = all.filter((op) => !isMarker(op.kind, op.key));
    if (operations.length === 0)
      return { version: await this.#inner.headVersion(), at: new Date().toISOString() };
    if (!operations.some((op) => op.op === 'put' && isProtected(op.kind, op.key)))
      return this.#inner.write(operations, context);
    await this.#ensureSealed();
    return this.#inner.write(
      operations.map((op) =>
        op.op === 'put' && isProtected(op.kind, op.key)
          ? { ...op, body: this.#seal(op.kind, op.key, op.body) }
          : op,
      ),
      context,
    );
  }

  async snapshot(kinds?: readonly DocumentKind[]): Promise<StoreSnapshot> {
    let snap = await this.#inner.snapshot(kinds);
    if (snap.documents.some((d) => isProtected(d.kind, d.key) && !hasMac(d.body))) {
      await this.#ensureSealed();
      snap = await this.#inner.snapshot(kinds);
    }
    return {
      version: snap.version,
      documents: snap.documents.map((d) => (isProtected(d.kind, d.key) ? this.#open(d)! : d)),
    };
  }

  headVersion(): Promise<number> {
    return this.#inner.headVersion();
  }
  /**
   * The inner store's head version when it can tell it synchronously (SQLite's `knownHeadVersion`, a
   * pool node's replica `appliedVersion`), else null: versions pass through this layer unchanged.
   */
  knownHeadVersion(): number | null {
    const inner = this.#inner as DocumentStore & {
      knownHeadVersion?: () => number | null;
      appliedVersion?: number;
    };
    if (typeof inner.knownHeadVersion === 'function') return inner.knownHeadVersion();
    return typeof inner.appliedVersion === 'number' ? inner.appliedVersion : null;
  }
  /** The inner store's exact head version (SQLite's), passed through; null for any other store. */
  exactHeadVersion(): number | null {
    const inner = this.#inner as DocumentStore & { exactHeadVersion?: () => number | null };
    return typeof inner.exactHeadVersion === 'function' ? inner.exactHeadVersion() : null;
  }
  changesSince(afterVersion: number, limit?: number): Promise<ChangeEntry[]> {
    return this.#inner.changesSince(afterVersion, limit);
  }
  serverTime(): Promise<Date> {
    return this.#inner.serverTime();
  }
  subscribe(listener: (version: number) => void): () => void {
    return this.#inner.subscribe(listener);
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
  pruneChanges(before: Date): Promise<number> {
    return this.#inner.pruneChanges ? this.#inner.pruneChanges(before) : Promise.resolve(0);
  }

  #seal(kind: DocumentKind, key: string, body: unknown): Body {
    const plain = stripMac(body);
    return { ...plain, [DOCUMENT_MAC_MEMBER]: this.#options.mac().mac(kind, key, plain) };
  }

  /** Checks and strips the MAC; throws ERR_STORE_INTEGRITY. */
  #open<T>(doc: StoredDocument<T> | undefined): StoredDocument<T> | undefined {
    if (!doc) return doc;
    const body = doc.body as unknown;
    if (!hasMac(body)) this.#refuse({ kind: doc.kind, key: doc.key, reason: 'mac-missing' });
    const plain = stripMac(body);
    if (!this.#options.mac().verify(doc.kind, doc.key, plain, (body as Body)[DOCUMENT_MAC_MEMBER]))
      this.#refuse({ kind: doc.kind, key: doc.key, reason: 'mac-mismatch' });
    return { ...doc, body: plain as T };
  }

  #refuse(violation: IntegrityViolation): never {
    this.#options.onViolation?.(violation);
    const why = {
      'mac-mismatch': 'fails its integrity MAC',
      'mac-missing': 'carries no integrity MAC',
      'marker-missing': 'carries a MAC but the store integrity marker is missing',
    }[violation.reason];
    throw sharedError(
      'ERR_STORE_INTEGRITY',
      `the stored ${violation.kind} "${violation.key}" ${why}: it was changed outside s2s (or under another master key) and is not used`,
      { ...violation },
    );
  }

  /** Seals a store written before MACs existed, once per process (see the file comment). */
  #ensureSealed(): Promise<void> {
    this.#sealed ??= this.#sealLegacy().catch((err: unknown) => {
      this.#sealed = undefined;
      throw err;
    });
    return this.#sealed;
  }

  async #sealLegacy(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const marker = await this.#inner.get(INTEGRITY_MARKER.kind, INTEGRITY_MARKER.key);
      if (marker) {
        this.#open(marker);
        return;
      }
      const snap = await this.#inner.snapshot([...PROTECTED_KINDS]);
      const sealed = snap.documents.find((d) => hasMac(d.body));
      if (sealed) this.#refuse({ kind: sealed.kind, key: sealed.key, reason: 'marker-missing' });
      const at = new Date().toISOString();
      try {
        await this.#inner.write([
          ...snap.documents.map((d) => ({
            op: 'put' as const,
            kind: d.kind,
            key: d.key,
            body: this.#seal(d.kind, d.key, d.body),
            expect: d.version,
          })),
          {
            op: 'put',
            kind: INTEGRITY_MARKER.kind,
            key: INTEGRITY_MARKER.key,
            body: this.#seal(INTEGRITY_MARKER.kind, INTEGRITY_MARKER.key, {
              sealedAt: at,
              documents: snap.documents.length,
            }),
            expect: 'absent',
          },
        ]);
        return;
      } catch (err) {
        // Another process sealed (or wrote) meanwhile: look again.
        if ((err as { code?: string }).code !== 'ERR_STORE_CONFLICT') throw err;
      }
    }
  }
}

function withoutMarker<T extends { kind: DocumentKind; key: string }>(docs: readonly T[]): T[] {
  return docs.filter((d) => !isMarker(d.kind, d.key));
}

function hasMac(body: unknown): boolean {
  return typeof body === 'object' && body !== null && DOCUMENT_MAC_MEMBER in body;
}

function stripMac(body: unknown): Body {
  const { [DOCUMENT_MAC_MEMBER]: _mac, ...plain } = (body ?? {}) as Body;
  return plain;
}

/**
 * Wraps `inner` so that protected documents are sealed and checked, and anything else the inner store
 * offers beyond the port (a pool node's `health()`, `waitForVersion()`) stays reachable.
 */
export function withIntegrity(inner: DocumentStore, options: IntegrityOptions): DocumentStore {
  const sealed = new IntegrityDocumentStore(inner, options);
  // Bound methods made once per member: the store is asked on every request (its head version), and a
  // new bound function per access was measurable (docs/server.md "Performance").
  const bound = new Map<PropertyKey, { readonly fn: unknown; readonly bound: unknown }>();
  return new Proxy(sealed, {
    get(target, prop) {
      const owner: object = prop in target ? target : inner;
      const value: unknown = Reflect.get(owner, prop, owner);
      if (typeof value !== 'function') return value;
      const known = bound.get(prop);
      if (known !== undefined && known.fn === value) return known.bound;
      const made = (value as (...a: unknown[]) => unknown).bind(owner);
      bound.set(prop, { fn: value, bound: made });
      return made;
    },
    has(target, prop) {
      return prop in target || prop in inner;
    },
  });
}
