/**
 * Opens a pool node's replicated store (docs/replication.md): loads the local replica (or builds it from the central
 * store when there is none), catches up, then follows the store and writes heartbeats until closed.
 * A node with a replica starts even while PostgreSQL is down and serves what it last applied.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock, SecretBox } from '../core/index.ts';
import { S2sError } from '../core/index.ts';
import { replicationError } from '../core/replication/replication-errors.ts';
import { POOL_HEALTH } from '../core/replication/pool-status.ts';
import type { DocumentStore } from '../store/document-store.ts';
import { NodeHeartbeat } from './node-heartbeat.ts';
// The s2s version (what `s2s replication status` shows per node): imported, not read at run time, so the
// compiled build (scripts/build.mjs) carries it.
import packageJson from '../../package.json' with { type: 'json' };
import { ReplicaFile } from './replica-file.ts';
import { ReplicaFollower } from './replica-follower.ts';
import { ReplicaSnapshot } from './replica-snapshot.ts';
import { ReplicatedDocumentStore } from './replicated-document-store.ts';
import { silentReplicationLogger } from './replication-logger.ts';
import type { ReplicationLogger } from './replication-logger.ts';

/** Every default of a pool node's replication, with its unit. */
export const REPLICATION_DEFAULTS = {
  /** Fallback poll of the change log (ms); LISTEN/NOTIFY normally delivers far sooner. */
  pollIntervalMs: 1_000,
  /** How long a write waits for this node to apply it before returning anyway (ms). */
  readYourWritesMs: 2_000,
  /** How long start-up waits to catch up from the central store before serving the replica (ms). */
  startupSyncMs: 3_000,
  /** Membership heartbeat period (ms); 0 disables heartbeats. */
  heartbeatMs: POOL_HEALTH.heartbeatMs,
  /**
   * Change-log retention (ms): entries older than this are pruned (never the head batch). A node
   * offline for less catches up from the log; one offline longer takes a full snapshot (docs/replication.md).
   */
  changeLogRetentionMs: 30 * 86_400_000,
  /** How often each node prunes the change log (ms); 0 disables pruning. */
  pruneIntervalMs: 3_600_000,
  /** File name of the replica under S2S_HOME. */
  replicaFileName: 'replica.sealed.json',
} as const;

export interface OpenReplicatedStoreOptions {
  /** The central (PostgreSQL) store; the replicated store owns it and closes it. */
  readonly central: DocumentStore;
  /** Path of the local replica file (e.g. S2S_HOME/replica.sealed.json). */
  readonly replicaFile: string;
  readonly secretBox: SecretBox;
  /** This node's FQDN. */
  readonly nodeName: string;
  readonly clock: Clock;
  readonly logger?: ReplicationLogger;
  readonly site?: string;
  readonly softwareVersion?: string;
  readonly pollIntervalMs?: number;
  readonly readYourWritesMs?: number;
  readonly startupSyncMs?: number;
  readonly heartbeatMs?: number;
  readonly changeLogRetentionMs?: number;
  readonly pruneIntervalMs?: number;
}

/** Opens the store a pool node's services use. */
export async function openReplicatedStore(
  options: OpenReplicatedStoreOptions,
): Promise<ReplicatedDocumentStore> {
  const logger = options.logger ?? silentReplicationLogger;
  const file = new ReplicaFile(options.replicaFile, options.secretBox);
  await mkdir(dirname(options.replicaFile), { recursive: true, mode: 0o700 });
  const loaded = await loadReplica(file, options, logger);
  const follower = new ReplicaFollower(
    {
      central: options.central,
      file,
      nodeName: options.nodeName,
      clock: options.clock,
      logger,
      pollIntervalMs: options.pollIntervalMs ?? REPLICATION_DEFAULTS.pollIntervalMs,
    },
    loaded.snapshot ?? ReplicaSnapshot.empty(),
    loaded.snapshot !== undefined,
  );
  if (loaded.snapshot === undefined) await bootstrap(follower, loaded.problem);
  else
    await Promise.race([follower.sync(), delay(options.startupSyncMs ?? REPLICATION_DEFAULTS.startupSyncMs)]);
  follower.start();
  const store = new ReplicatedDocumentStore(options.central, follower, {
    nodeName: options.nodeName,
    logger,
    readYourWritesMs: options.readYourWritesMs ?? REPLICATION_DEFAULTS.readYourWritesMs,
  });
  await startHeartbeat(store, follower, options, logger);
  startPruning(store, options, logger);
  return store;
}

/** Prunes the central change log periodically (any node may; the store serializes it under its lock). */
function startPruning(
  store: ReplicatedDocumentStore,
  options: OpenReplicatedStoreOptions,
  logger: ReplicationLogger,
): void {
  const every = options.pruneIntervalMs ?? REPLICATION_DEFAULTS.pruneIntervalMs;
  const prune = options.central.pruneChanges?.bind(options.central);
  if (every <= 0 || prune === undefined) return;
  const retention = options.changeLogRetentionMs ?? REPLICATION_DEFAULTS.changeLogRetentionMs;
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= prune(new Date(options.clock.now().getTime() - retention))
      .then(
        (deleted) => {
          if (deleted > 0) logger.info({ deleted, retentionMs: retention }, 'change log pruned');
        },
        (err: unknown) => logger.debug({ err: (err as Error).message }, 'change log pruning failed'),
      )
      .finally(() => (running = undefined));
  }, every).unref();
  store.onClose(async () => {
    clearInterval(timer);
    await running;
  });
}

async function loadReplica(
  file: ReplicaFile,
  options: OpenReplicatedStoreOptions,
  logger: ReplicationLogger,
): Promise<{ snapshot?: ReplicaSnapshot; problem?: S2sError }> {
  let contents;
  try {
    contents = await file.load();
  } catch (err) {
    if (!(err instanceof S2sError)) throw err;
    logger.error({ code: err.code, file: file.path }, err.message);
    return { problem: err };
  }
  if (contents === undefined) return {};
  if (contents.node !== options.nodeName || contents.storeLocation !== options.central.location) {
    logger.warn(
      {
        code: 'WARN_REPLICA_DISCARDED',
        file: file.path,
        node: contents.node,
        storeLocation: contents.storeLocation,
      },
      `the local replica belongs to node ${contents.node} of store ${contents.storeLocation}; rebuilding it`,
    );
    return {};
  }
  return { snapshot: ReplicaSnapshot.of(contents.version, contents.documents) };
}

async function bootstrap(follower: ReplicaFollower, problem: S2sError | undefined): Promise<void> {
  try {
    await follower.bootstrap();
  } catch (err) {
    if (problem !== undefined) throw problem;
    if (err instanceof S2sError && err.code !== 'ERR_STORE_UNAVAILABLE') throw err;
    throw replicationError(
      'ERR_REPLICA_UNAVAILABLE',
      'this pool node has no local replica yet and the central store is unreachable',
      {},
      err,
    );
  }
}

async function startHeartbeat(
  store: ReplicatedDocumentStore,
  follower: ReplicaFollower,
  options: OpenReplicatedStoreOptions,
  logger: ReplicationLogger,
): Promise<void> {
  const intervalMs = options.heartbeatMs ?? REPLICATION_DEFAULTS.heartbeatMs;
  if (intervalMs <= 0) return;
  const heartbeat = new NodeHeartbeat({
    central: options.central,
    identity: {
      fqdn: options.nodeName,
      site: options.site ?? 'default',
      softwareVersion: options.softwareVersion ?? packageJson.version,
      startedAt: options.clock.now(),
    },
    clock: options.clock,
    logger,
    snapshot: () => follower.snapshot,
    intervalMs,
    onOutcome: (err) => follower.noteHeartbeat(err),
  });
  heartbeat.start();
  store.onClose(() => heartbeat.stop());
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
