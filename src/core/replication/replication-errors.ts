/** Error and warning codes of pools and replication (docs/errors.md is generated from these). */
import { defineErrors, defineWarnings, errorFactory } from '../shared/errors.ts';

export const REPLICATION_ERRORS = defineErrors({
  ERR_SQLITE_SECOND_NODE: {
    category: 'refused',
    meaning:
      'A SQLite store belongs to one server; another node name tried to use it (a pool needs PostgreSQL).',
    fix: 'Run with the --node / S2S_NODE the store was created with, or move the deployment to PostgreSQL (--store postgres://…) to run a pool.',
  },
  ERR_REPLICA_UNAVAILABLE: {
    category: 'unavailable',
    meaning:
      'A pool node has no usable local replica yet and the central store could not be reached to build one.',
    fix: 'Start the node once while PostgreSQL is reachable; afterwards it can start from its local replica alone.',
  },
  ERR_REPLICA_CORRUPT: {
    category: 'internal',
    meaning:
      'The local replica file of a pool node failed to decrypt or decode (damaged, or sealed with another master key).',
    fix: 'Delete the replica file named in the message while PostgreSQL is reachable; the node rebuilds it from the central store.',
  },
  ERR_REPLICATION_NOT_A_POOL: {
    category: 'refused',
    meaning:
      'A replication command was run against a SQLite store: a single server reads it directly and nothing replicates.',
    fix: 'Name the pool store with --store postgres://… (or S2S_STORE); on SQLite there is nothing to re-sync.',
  },
  ERR_REPLICATION_INVOKE_TIMEOUT: {
    category: 'unavailable',
    meaning:
      'The running server of this S2S_HOME did not report the requested re-sync or rebuild within --wait.',
    fix: 'Check the server log for "replication invoke" and that PostgreSQL is reachable, then run `s2s replication status`; raise --wait for a very large store.',
  },
  ERR_NODE_RECORD_INVALID: {
    category: 'internal',
    meaning: 'A pool membership record (document kind `node`) does not have the expected shape.',
    fix: 'Restart the node named in the message; its next heartbeat rewrites the record.',
  },
});

export const REPLICATION_WARNINGS = defineWarnings({
  WARN_NODE_CLOCK_SKEW: {
    meaning:
      "A pool node's clock differs from the central store's by more than 60 seconds; rolls switch at the wrong instant there.",
    fix: 'Synchronize the clock of the node named in the message (NTP / w32time) with the rest of the pool.',
  },
  WARN_NODE_BEHIND: {
    meaning: 'A pool node has not applied the latest configuration change.',
    fix: 'Check that the node is running and can reach PostgreSQL; it catches up by itself once it can.',
  },
  WARN_NODE_SILENT: {
    meaning: 'A pool node has not sent a heartbeat recently (stopped, or cut off from PostgreSQL).',
    fix: 'Start the node, or restore its connection to PostgreSQL; remove it from the pool if it was decommissioned.',
  },
  WARN_READ_FROM_REPLICA: {
    meaning:
      "PostgreSQL could not be reached, so a read command showed this pool node's local replica instead; changes made since it was written may be missing.",
    fix: 'Restore the connection to PostgreSQL (`s2s replication status` once it is back); the replica version and age are in the message.',
  },
  WARN_REPLICA_DISCARDED: {
    meaning:
      'A local replica file belonged to another store location or node and was rebuilt from the central store.',
    fix: 'None if the store was moved on purpose; otherwise check --store / S2S_STORE on this node.',
  },
});
/** Raises one of this module's error codes. */
export const replicationError = errorFactory(REPLICATION_ERRORS);
