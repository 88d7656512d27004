/**
 * Keeps a pool node's snapshot following the central store (docs/replication.md): LISTEN/NOTIFY through
 * `subscribe()` for sub-second delivery, plus a fallback poll after missed notifications or reconnects.
 * Each catch-up is applied as one step: fetch → build the next snapshot → persist the replica → swap.
 * One catch-up runs at a time; a request during a run makes the run go round once more.
 */
import type { Clock } from '../core/index.ts';
import type { DocumentStore } from '../store/document-store.ts';
import { catchUp, fullResync } from './replica-catch-up.ts';
import type { CatchUpResult } from './replica-catch-up.ts';
import type { ReplicaFile } from './replica-file.ts';
import { holdDocument, REPLICATED_KINDS, ReplicaSnapshot } from './replica-snapshot.ts';
import type { ReplicationLogger } from './replication-logger.ts';

/** What the node knows about its link to the central store. */
export interface FollowerHealth {
  readonly appliedVersion: number;
  /** Highest head version the store announced (may be ahead of `appliedVersion` briefly). */
  readonly announcedVersion: number;
  readonly centralReachable: boolean;
  readonly lastSyncAt: string | null;
  readonly lastError: string | null;
  /** The last write of the local replica file failed (e.g. ENOSPC): its code and message; null once one succeeds. */
  readonly replicaWriteError: string | null;
  /** The last membership heartbeat could not be written to the central store; null once one succeeds. */
  readonly heartbeatError: string | null;
}

export interface ReplicaFollowerOptions {
  readonly central: DocumentStore;
  readonly file: ReplicaFile;
  readonly nodeName: string;
  readonly clock: Clock;
  readonly logger: ReplicationLogger;
  /** Fallback poll period (ms). */
  readonly pollIntervalMs: number;
}

/** Follows the central store and owns the snapshot a node serves. */
export class ReplicaFollower {
  readonly #o: ReplicaFollowerOptions;
  #snapshot: ReplicaSnapshot;
  #persistedVersion: number;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #announced = 0;
  #reachable = true;
  #lastSyncAt: Date | null = null;
  #lastError: string | null = null;
  #replicaWriteError: string | null = null;
  #heartbeatError: string | null = null;
  #unsubscribe: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #appliedListeners = new Set<(snapshot: ReplicaSnapshot) => void>();

  constructor(options: ReplicaFollowerOptions, initial: ReplicaSnapshot, persisted: boolean) {
    this.#o = options;
    this.#snapshot = initial;
    this.#persistedVersion = persisted ? initial.version : -1;
  }

  /** The snapshot served right now (swapped whole, never edited). */
  get snapshot(): ReplicaSnapshot {
    return this.#snapshot;
  }

  health(): FollowerHealth {
    return {
      appliedVersion: this.#snapshot.version,
      announcedVersion: Math.max(this.#announced, this.#snapshot.version),
      centralReachable: this.#reachable,
      lastSyncAt: this.#lastSyncAt?.toISOString() ?? null,
      lastError: this.#lastError,
      replicaWriteError: this.#replicaWriteError,
      heartbeatError: this.#heartbeatError,
    };
  }

  /** Records the outcome of a membership heartbeat write (see NodeHeartbeat). */
  noteHeartbeat(err: unknown): void {
    this.#heartbeatError = err === undefined ? null : describe(err);
  }

  /** Builds the first snapshot from a full consistent read (a node without a replica file). */
  async bootstrap(): Promise<void> {
    await this.#apply(await fullResync(this.#o.central, this.#snapshot), true);
    this.#markReachable();
  }

  /** Subscribes to the store's change notifications and starts the fallback poll. */
  start(): void {
    this.#unsubscribe = this.#o.central.subscribe((version) => {
      this.#announced = Math.max(this.#announced, version);
      if (version > this.#snapshot.version) void this.sync();
    });
    this.#timer = setInterval(() => void this.sync(), this.#o.pollIntervalMs).unref();
  }

  /** Catches up now (or joins the running catch-up); never throws: failures are recorded in health(). */
  sync(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    const run: Promise<void> = this.#loop().finally(() => {
      this.#running = undefined;
      // A request that arrived after the loop's last check still gets its round.
      if (this.#again) void this.sync();
    });
    this.#running = run;
    return run;
  }

  /**
   * Replaces the snapshot and the replica file with one full consistent copy of the central store, even
   * at the version already applied (`s2s replication invoke --rebuild`, docs/replication.md). Never moves
   * the node backwards. Throws when the central store or the file write fails; the current replica then
   * stays in place. Returns the version now served.
   */
  async rebuild(): Promise<number> {
    await this.#running;
    const snap = await this.#o.central.snapshot(REPLICATED_KINDS);
    if (snap.version < this.#snapshot.version) return this.#snapshot.version;
    const next = ReplicaSnapshot.of(snap.version, snap.documents.map(holdDocument));
    await this.#persist(next);
    this.#snapshot = next;
    this.#markReachable();
    for (const listener of [...this.#appliedListeners]) listener(next);
    return next.version;
  }

  /** Calls `listener` after each swap, with the new snapshot. */
  onApplied(listener: (snapshot: ReplicaSnapshot) => void): () => void {
    this.#appliedListeners.add(listener);
    return () => this.#appliedListeners.delete(listener);
  }

  /** Resolves true once the snapshot has reached `version`, false after `ms`. */
  waitFor(version: number, ms: number): Promise<boolean> {
    if (this.#snapshot.version >= version) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        off();
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), ms);
      const off = this.onApplied((s) => s.version >= version && done(true));
    });
  }

  /** Stops following; writes the replica once more if pool records changed since the last write. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#running;
    if (this.#persistedVersion < this.#snapshot.version)
      await this.#persist(this.#snapshot).catch(() => undefined);
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.#apply(await catchUp(this.#o.central, this.#snapshot), false);
        this.#markReachable();
      } catch (err) {
        this.#markUnreachable(err);
        this.#again = false;
        return; // the next notification or poll retries
      }
    } while (this.#again && !this.#stopped);
  }

  /**
   * Persists, then swaps. A batch of pool records only (heartbeats) is not written to the file at once:
   * it is diagnostics, and a restarted node re-reads it from the log; the next configuration change,
   * or stop(), writes it.
   */
  async #apply(result: CatchUpResult, forcePersist: boolean): Promise<void> {
    const next = result.snapshot;
    if (next.version <= this.#snapshot.version) return;
    if (result.configurationChanged || forcePersist) {
      try {
        await this.#persist(next);
      } catch (err) {
        // Serving the new configuration matters more than the file; the next change retries the write.
        this.#replicaWriteError = describe(err);
        this.#o.logger.error({ err: describe(err), file: this.#o.file.path }, 'replica file write failed');
      }
    }
    this.#snapshot = next;
    for (const listener of [...this.#appliedListeners]) listener(next);
  }

  async #persist(snapshot: ReplicaSnapshot): Promise<void> {
    await this.#o.file.save({
      node: this.#o.nodeName,
      storeLocation: this.#o.central.location,
      version: snapshot.version,
      savedAt: this.#o.clock.now().toISOString(),
      documents: snapshot.heldDocuments(),
    });
    this.#persistedVersion = Math.max(this.#persistedVersion, snapshot.version);
    this.#replicaWriteError = null;
  }

  #markReachable(): void {
    if (!this.#reachable)
      this.#o.logger.info(
        { appliedVersion: this.#snapshot.version },
        'central store reachable again; replica caught up',
      );
    this.#reachable = true;
    this.#lastError = null;
    this.#lastSyncAt = this.#o.clock.now();
  }

  #markUnreachable(err: unknown): void {
    const message = describe(err);
    if (this.#reachable)
      this.#o.logger.warn(
        { err: message, appliedVersion: this.#snapshot.version },
        'central store unreachable; serving the local replica',
      );
    this.#reachable = false;
    this.#lastError = message;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error)
    return `${(err as { code?: string }).code ?? err.name}: ${err.message.split('\n')[0] ?? ''}`;
  return String(err);
}
