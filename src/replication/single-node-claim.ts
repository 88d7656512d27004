/**
 * A SQLite store serves exactly one server (docs/replication.md): the first node that opens it records itself as a
 * `node` document; any other node name is refused with ERR_SQLITE_SECOND_NODE. Pools use PostgreSQL.
 */
import type { Clock } from '../core/index.ts';
import { hasCode } from '../core/index.ts';
import { replicationError } from '../core/replication/replication-errors.ts';
import type { PoolNodeRecord } from '../core/replication/pool-node.ts';
import type { DocumentStore } from '../store/document-store.ts';

/** Refuses a SQLite store owned by another node; records this node as the owner on first use. */
export async function claimSingleNodeStore(
  store: DocumentStore,
  nodeName: string,
  clock: Clock,
  softwareVersion = 'unknown',
): Promise<void> {
  if (store.dialect !== 'sqlite') return;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const nodes = await store.list('node');
    const owner = nodes.find((n) => n.key !== nodeName);
    if (owner !== undefined) {
      throw replicationError(
        'ERR_SQLITE_SECOND_NODE',
        `the SQLite store ${store.location} belongs to node ${owner.key}; node ${nodeName} cannot share it (a pool needs --store postgres://…)`,
        { location: store.location, owner: owner.key, node: nodeName },
      );
    }
    if (nodes.length > 0) return;
    try {
      await store.write(
        [
          {
            op: 'put',
            kind: 'node',
            key: nodeName,
            body: ownerRecord(nodeName, clock.now(), softwareVersion),
            expect: 'absent',
          },
        ],
        {
          actor: `node:${nodeName}`,
        },
      );
      return;
    } catch (err) {
      // Two processes claiming at once: re-read and decide on what won.
      if (!hasCode(err, 'ERR_STORE_CONFLICT')) throw err;
    }
  }
}

function ownerRecord(fqdn: string, now: Date, version: string): PoolNodeRecord {
  return {
    fqdn,
    site: 'default',
    version,
    startedAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    appliedVersion: 0,
    clockOffsetMs: 0,
    heartbeatMs: 0,
    issuerThumbprints: { current: null, previous: null, staged: null },
  };
}
