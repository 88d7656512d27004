/**
 * Pool membership records (document kind `node`, key = the node's FQDN; docs/replication.md, docs/protocol.md §7).
 * Each front-end server writes its own record at start and on every heartbeat; `s2s replication status`
 * reads them. The record is diagnostics, never trust state: no service decides anything from it.
 */
import { replicationError } from './replication-errors.ts';

/** The OAuthTokenIssuer thumbprints a node signs and verifies with, resolved at its own clock. */
export interface IssuerThumbprints {
  readonly current: string | null;
  readonly previous: string | null;
  readonly staged: string | null;
}

/** Body of a `node` document. */
export interface PoolNodeRecord {
  /** The node's FQDN (lower-case), equal to the document key. */
  readonly fqdn: string;
  /** Site / data-centre label (S2S_SITE; default `default`). */
  readonly site: string;
  /** The s2s software version the node runs. */
  readonly version: string;
  /** ISO 8601: when the node process started serving. */
  readonly startedAt: string;
  /** ISO 8601, by the node's own clock: when it wrote this record. */
  readonly lastSeenAt: string;
  /** The store version of the configuration snapshot the node serves. */
  readonly appliedVersion: number;
  /** The node's clock minus the store's (`serverTime()`), in ms; null when it could not be measured. */
  readonly clockOffsetMs: number | null;
  /** The node's heartbeat period (ms): status reports it silent after three missed beats. */
  readonly heartbeatMs: number;
  readonly issuerThumbprints: IssuerThumbprints;
}

/** Validates a stored `node` body (ERR_NODE_RECORD_INVALID names the node). */
export function parsePoolNode(key: string, body: unknown): PoolNodeRecord {
  const b = body as Partial<Record<keyof PoolNodeRecord, unknown>> | null;
  const ok =
    typeof b === 'object' &&
    b !== null &&
    b.fqdn === key &&
    typeof b.site === 'string' &&
    typeof b.version === 'string' &&
    typeof b.startedAt === 'string' &&
    typeof b.lastSeenAt === 'string' &&
    Number.isSafeInteger(b.appliedVersion) &&
    (b.clockOffsetMs === null || typeof b.clockOffsetMs === 'number') &&
    typeof b.heartbeatMs === 'number' &&
    isThumbprints(b.issuerThumbprints);
  if (!ok)
    throw replicationError('ERR_NODE_RECORD_INVALID', `the pool record of node ${key} is malformed`, {
      node: key,
    });
  return b as PoolNodeRecord;
}

function isThumbprints(v: unknown): v is IssuerThumbprints {
  const t = v as Partial<Record<keyof IssuerThumbprints, unknown>> | null;
  const slot = (x: unknown): boolean => x === null || typeof x === 'string';
  return typeof t === 'object' && t !== null && slot(t.current) && slot(t.previous) && slot(t.staged);
}
