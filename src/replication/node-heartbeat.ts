/**
 * Pool membership (docs/replication.md): each node writes its own `node` document (key = FQDN) at start and every
 * heartbeat — last contact, applied version, clock offset against the store, the OAuthTokenIssuer
 * thumbprints it serves. Heartbeats go straight to the central store (no read-your-writes wait) as
 * unlogged writes: no change-log row, no new version, no notification, so a pool's change log grows
 * only with configuration changes and followers are not woken by heartbeats.
 */
import { GLOBAL_IDENTITY } from '../core/index.ts';
import type { CertificateAssignment, Clock } from '../core/index.ts';
import { issuerThumbprintsAt } from '../core/replication/issuer-thumbprints.ts';
import type { PoolNodeRecord } from '../core/replication/pool-node.ts';
import type { DocumentStore } from '../store/document-store.ts';
import type { ReplicaSnapshot } from './replica-snapshot.ts';
import type { ReplicationLogger } from './replication-logger.ts';

/** Who the node is (fixed for the life of the process). */
export interface NodeIdentity {
  readonly fqdn: string;
  readonly site: string;
  readonly softwareVersion: string;
  readonly startedAt: Date;
}

export interface NodeHeartbeatOptions {
  readonly central: DocumentStore;
  readonly identity: NodeIdentity;
  readonly clock: Clock;
  readonly logger: ReplicationLogger;
  /** The snapshot the node serves right now. */
  readonly snapshot: () => ReplicaSnapshot;
  readonly intervalMs: number;
  /** Told the outcome of every beat: undefined when written, else the error. */
  readonly onOutcome?: (err: unknown) => void;
}

/** Writes the node's membership record periodically. */
export class NodeHeartbeat {
  readonly #o: NodeHeartbeatOptions;
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;
  #failing = false;

  constructor(options: NodeHeartbeatOptions) {
    this.#o = options;
  }

  /** Beats now and then every interval. */
  start(): void {
    void this.beat();
    this.#timer = setInterval(() => void this.beat(), this.#o.intervalMs).unref();
  }

  /** Writes the record once; failures (the store is down) are logged and retried next period. */
  beat(): Promise<void> {
    this.#beating ??= this.#write()
      .then(() => this.#recovered())
      .catch((err: unknown) => this.#failed(err))
      .finally(() => (this.#beating = undefined));
    return this.#beating;
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#beating;
  }

  async #write(): Promise<void> {
    const { central, identity } = this.#o;
    const clockOffsetMs = await measureClockOffset(central, this.#o.clock);
    const snapshot = this.#o.snapshot();
    const now = this.#o.clock.now();
    const assignment = snapshot.get<CertificateAssignment>(
      'assignment',
      `${GLOBAL_IDENTITY}/OAuthTokenIssuer`,
    )?.body;
    const record: PoolNodeRecord = {
      fqdn: identity.fqdn,
      site: identity.site,
      version: identity.softwareVersion,
      startedAt: identity.startedAt.toISOString(),
      lastSeenAt: now.toISOString(),
      appliedVersion: snapshot.version,
      clockOffsetMs,
      heartbeatMs: this.#o.intervalMs,
      issuerThumbprints: issuerThumbprintsAt(assignment, now),
    };
    // Unlogged: a heartbeat adds no change-log row and wakes no follower (docs/replication.md).
    await central.write([{ op: 'put', kind: 'node', key: identity.fqdn, body: record, expect: 'any' }], {
      actor: `node:${identity.fqdn}`,
      unlogged: true,
    });
  }

  #recovered(): void {
    this.#o.onOutcome?.(undefined);
    if (this.#failing) this.#o.logger.info({ node: this.#o.identity.fqdn }, 'heartbeat written again');
    this.#failing = false;
  }

  #failed(err: unknown): void {
    this.#o.onOutcome?.(err);
    if (!this.#failing)
      this.#o.logger.warn(
        { node: this.#o.identity.fqdn, err: err instanceof Error ? err.message : String(err) },
        'heartbeat failed',
      );
    this.#failing = true;
  }
}

/**
 * The node's clock minus the store's, in ms, compensating half the round trip (as NTP does).
 * See docs/replication.md: a node more than 60 s off is flagged by `s2s replication status`.
 */
export async function measureClockOffset(central: DocumentStore, clock: Clock): Promise<number> {
  const sent = clock.now().getTime();
  const server = (await central.serverTime()).getTime();
  const received = clock.now().getTime();
  return Math.round((sent + received) / 2 - server);
}
