/**
 * Captures what an administration operation writes, for its audit entry (docs/admin.md "Audit log"): a
 * DocumentStore decorator that, while a capture is active in the current async context, reads each
 * document's previous body before a batch and records put/delete with before and after. Outside a capture
 * (token validation, storage items, heartbeats) it only delegates.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  DocumentKind,
  DocumentStore,
  StoredDocument,
  WriteContext,
  WriteOperation,
  WriteResult,
} from '../../store/document-store.ts';
import { exactHeadVersion, knownHeadVersion } from '../tokens/store-head.ts';

/** One captured write: the raw bodies (redacted later, by the audit log). */
export interface CapturedChange {
  readonly kind: DocumentKind;
  readonly key: string;
  readonly op: 'put' | 'delete';
  readonly before: unknown;
  readonly after: unknown;
}

/** Kinds whose bodies an audit entry never copies (mailbox contents: data, not configuration). */
const BODILESS_KINDS: ReadonlySet<DocumentKind> = new Set<DocumentKind>(['mailbox-item']);
/** Changes an entry keeps; the rest are counted. */
export const MAX_CAPTURED_CHANGES = 50;

const capture = new AsyncLocalStorage<{ changes: CapturedChange[]; omitted: number }>();
/**
 * Captures running now. An enabled AsyncLocalStorage keeps Node's promise hooks on for the whole
 * process — a hook call for every promise any request makes (measured: ≈ 3% of a token validation) —
 * so the storage is disabled whenever no capture runs; the next `run` enables it again.
 */
let running = 0;

/** Runs `fn`, returning its outcome and the writes it made through a capturing store. */
export async function captureChanges<T>(
  fn: () => Promise<T>,
): Promise<{ changes: CapturedChange[]; omitted: number; result?: T; error?: unknown }> {
  const sink = { changes: [] as CapturedChange[], omitted: 0 };
  running += 1;
  try {
    const result = await capture.run(sink, fn);
    return { ...sink, result };
  } catch (error) {
    return { ...sink, error };
  } finally {
    if (--running === 0) capture.disable();
  }
}

export class ChangeCapturingStore implements DocumentStore {
  readonly #inner: DocumentStore;
  constructor(inner: DocumentStore) {
    this.#inner = inner;
  }
  get dialect() {
    return this.#inner.dialect;
  }
  get location() {
    return this.#inner.location;
  }
  get<T = unknown>(kind: DocumentKind, key: string): Promise<StoredDocument<T> | undefined> {
    return this.#inner.get<T>(kind, key);
  }
  list<T = unknown>(kind: DocumentKind, prefix?: string): Promise<StoredDocument<T>[]> {
    return this.#inner.list<T>(kind, prefix);
  }
  async write(operations: readonly WriteOperation[], context?: WriteContext): Promise<WriteResult> {
    const sink = capture.getStore();
    if (!sink) return this.#inner.write(operations, context);
    const before = await Promise.all(
      operations.map((o) =>
        BODILESS_KINDS.has(o.kind) || sink.changes.length >= MAX_CAPTURED_CHANGES
          ? Promise.resolve(undefined)
          : this.#inner.get(o.kind, o.key).catch(() => undefined),
      ),
    );
    const result = await this.#inner.write(operations, context);
    operations.forEach((o, i) => {
      if (sink.changes.length >= MAX_CAPTURED_CHANGES) {
        sink.omitted += 1;
        return;
      }
      const bodiless = BODILESS_KINDS.has(o.kind);
      sink.changes.push({
        kind: o.kind,
        key: o.key,
        op: o.op,
        before: bodiless ? null : (before[i]?.body ?? null),
        after: bodiless || o.op === 'delete' ? null : o.body,
      });
    });
    return result;
  }
  headVersion() {
    return this.#inner.headVersion();
  }
  /** The inner store's synchronously known head version, passed through (docs/tokens.md §7). */
  knownHeadVersion(): number | null {
    return knownHeadVersion(this.#inner);
  }
  /** The inner store's exact head version, passed through (services/tokens/store-head.ts). */
  exactHeadVersion(): number | null {
    return exactHeadVersion(this.#inner);
  }
  changesSince(afterVersion: number, limit?: number) {
    return this.#inner.changesSince(afterVersion, limit);
  }
  snapshot(kinds?: readonly DocumentKind[]) {
    return this.#inner.snapshot(kinds);
  }
  serverTime() {
    return this.#inner.serverTime();
  }
  subscribe(listener: (version: number) => void) {
    return this.#inner.subscribe(listener);
  }
  close() {
    return this.#inner.close();
  }
  /** Delegates; 0 where the inner store has no change log to prune. */
  async pruneChanges(before: Date): Promise<number> {
    return this.#inner.pruneChanges ? this.#inner.pruneChanges(before) : 0;
  }
}
