/**
 * `s2s replication status` [Get-CsManagementStoreReplicationStatus] as a pure function of what the
 * store says: each node's record, when it last wrote it (store clock), and how many configuration
 * changes committed after the version it applied. Thresholds are declared once here.
 */
import type { Warning } from '../shared/warning.ts';
import type { IssuerThumbprints, PoolNodeRecord } from './pool-node.ts';

/** Health thresholds of a pool (docs/replication.md). */
export const POOL_HEALTH = {
  /** A node whose clock differs from the store's by more than this is flagged (ms). */
  maxClockOffsetMs: 60_000,
  /** Default heartbeat period of a pool node (ms). */
  heartbeatMs: 5_000,
  /** A node silent for this many heartbeat periods is reported as not in contact. */
  silentAfterHeartbeats: 3,
} as const;

/** What the status command read about one node. */
export interface NodeObservation {
  readonly record: PoolNodeRecord;
  /** When the store committed the node's last heartbeat (store clock). */
  readonly contactAt: Date;
  /** Configuration (non-`node`) versions committed after `record.appliedVersion`; null: unknown. */
  readonly pendingChanges: number | null;
}

/** One row of the status report. */
export interface PoolNodeStatus {
  readonly fqdn: string;
  readonly site: string;
  readonly softwareVersion: string;
  readonly startedAt: string;
  readonly lastContact: string;
  readonly lastContactAgeMs: number;
  readonly inContact: boolean;
  readonly appliedVersion: number;
  readonly upToDate: boolean;
  readonly pendingChanges: number | null;
  readonly clockOffsetMs: number | null;
  readonly clockHealthy: boolean;
  readonly issuerThumbprints: IssuerThumbprints;
  /** `ok`, or the first problem found: `silent`, `behind`, `clock-skew`. */
  readonly state: 'ok' | 'silent' | 'behind' | 'clock-skew';
}

export interface PoolStatus {
  readonly headVersion: number;
  readonly storeTime: string;
  readonly nodes: readonly PoolNodeStatus[];
  readonly warnings: readonly Warning[];
}

/** Builds the report; `now` is the store's clock, so node clock skew does not distort contact ages. */
export function computePoolStatus(
  observations: readonly NodeObservation[],
  headVersion: number,
  now: Date,
): PoolStatus {
  const nodes = observations.map((o) => nodeStatus(o, now)).sort((a, b) => a.fqdn.localeCompare(b.fqdn));
  return { headVersion, storeTime: now.toISOString(), nodes, warnings: nodes.flatMap(nodeWarnings) };
}

function nodeStatus(o: NodeObservation, now: Date): PoolNodeStatus {
  const r = o.record;
  const age = Math.max(0, now.getTime() - o.contactAt.getTime());
  const inContact = age <= Math.max(r.heartbeatMs, 1) * POOL_HEALTH.silentAfterHeartbeats;
  const upToDate = o.pendingChanges === 0;
  const clockHealthy = r.clockOffsetMs === null || Math.abs(r.clockOffsetMs) <= POOL_HEALTH.maxClockOffsetMs;
  const state = !inContact ? 'silent' : !upToDate ? 'behind' : !clockHealthy ? 'clock-skew' : 'ok';
  return {
    fqdn: r.fqdn,
    site: r.site,
    softwareVersion: r.version,
    startedAt: r.startedAt,
    lastContact: o.contactAt.toISOString(),
    lastContactAgeMs: age,
    inContact,
    appliedVersion: r.appliedVersion,
    upToDate,
    pendingChanges: o.pendingChanges,
    clockOffsetMs: r.clockOffsetMs,
    clockHealthy,
    issuerThumbprints: r.issuerThumbprints,
    state,
  };
}

function nodeWarnings(n: PoolNodeStatus): Warning[] {
  const out: Warning[] = [];
  const details = { node: n.fqdn };
  if (!n.inContact) {
    out.push({
      code: 'WARN_NODE_SILENT',
      message: `node ${n.fqdn} last reported ${Math.round(n.lastContactAgeMs / 1000)} s ago`,
      details,
    });
  }
  if (!n.upToDate) {
    const pending = n.pendingChanges === null ? 'an unknown number of' : String(n.pendingChanges);
    out.push({
      code: 'WARN_NODE_BEHIND',
      message: `node ${n.fqdn} serves version ${n.appliedVersion}; ${pending} configuration change(s) not applied`,
      details,
    });
  }
  if (!n.clockHealthy) {
    out.push({
      code: 'WARN_NODE_CLOCK_SKEW',
      message: `node ${n.fqdn}'s clock is ${Math.round((n.clockOffsetMs ?? 0) / 1000)} s off the store's (limit 60 s)`,
      details,
    });
  }
  return out;
}
