/** Pools (docs/replication.md): the replicated store a pool node serves from, membership heartbeats, the SQLite single-node rule. */
export { openReplicatedStore, REPLICATION_DEFAULTS } from './open-replicated-store.ts';
export type { OpenReplicatedStoreOptions } from './open-replicated-store.ts';
export { ReplicatedDocumentStore } from './replicated-document-store.ts';
export type { FollowerHealth } from './replica-follower.ts';
export { claimSingleNodeStore } from './single-node-claim.ts';
export { measureClockOffset } from './node-heartbeat.ts';
export type { ReplicationLogger } from './replication-logger.ts';
export { deferredStore } from './deferred-document-store.ts';
