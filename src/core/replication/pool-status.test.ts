import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { computePoolStatus } from './pool-status.ts';
import type { NodeObservation } from './pool-status.ts';
import type { PoolNodeRecord } from './pool-node.ts';
import { parsePoolNode } from './pool-node.ts';
import { issuerThumbprintsAt } from './issuer-thumbprints.ts';

const now = new Date('2025-06-01T12:00:00Z');
const record = (fqdn: string, patch: Partial<PoolNodeRecord> = {}): PoolNodeRecord => ({
  fqdn,
  site: 'default',
  version: '0.1.0',
  startedAt: '2025-06-01T11:00:00Z',
  lastSeenAt: '2025-06-01T11:59:58Z',
  appliedVersion: 10,
  clockOffsetMs: 12,
  heartbeatMs: 5_000,
  issuerThumbprints: { current: 'AA', previous: null, staged: null },
  ...patch,
});
const seen = (r: PoolNodeRecord, agoMs: number, pendingChanges: number | null): NodeObservation => ({
  record: r,
  contactAt: new Date(now.getTime() - agoMs),
  pendingChanges,
});

describe('computePoolStatus', () => {
  test('table of node states: ok, behind, silent, clock skew (limit 60 s either way)', () => {
    const cases: Array<[NodeObservation, string, string[]]> = [
      [seen(record('a'), 2_000, 0), 'ok', []],
      [seen(record('b'), 2_000, 2), 'behind', ['WARN_NODE_BEHIND']],
      [seen(record('c'), 2_000, null), 'behind', ['WARN_NODE_BEHIND']],
      [seen(record('d'), 16_000, 0), 'silent', ['WARN_NODE_SILENT']],
      [seen(record('e', { clockOffsetMs: 60_001 }), 1_000, 0), 'clock-skew', ['WARN_NODE_CLOCK_SKEW']],
      [seen(record('f', { clockOffsetMs: -61_000 }), 1_000, 0), 'clock-skew', ['WARN_NODE_CLOCK_SKEW']],
      [seen(record('g', { clockOffsetMs: 60_000 }), 1_000, 0), 'ok', []],
      [seen(record('h', { clockOffsetMs: null }), 1_000, 0), 'ok', []],
    ];
    for (const [obs, state, codes] of cases) {
      const status = computePoolStatus([obs], 10, now);
      assert.equal(status.nodes[0]!.state, state, obs.record.fqdn);
      assert.deepEqual(
        status.warnings.map((w) => w.code),
        codes,
        obs.record.fqdn,
      );
    }
  });

  test('nodes are sorted and carry applied version, offset and issuer thumbprints', () => {
    const status = computePoolStatus(
      [seen(record('fe2'), 0, 0), seen(record('fe1', { appliedVersion: 9 }), 0, 1)],
      12,
      now,
    );
    assert.deepEqual(
      status.nodes.map((n) => [n.fqdn, n.appliedVersion, n.upToDate]),
      [
        ['fe1', 9, false],
        ['fe2', 10, true],
      ],
    );
    assert.equal(status.headVersion, 12);
    assert.equal(status.nodes[1]!.issuerThumbprints.current, 'AA');
  });
});

describe('parsePoolNode', () => {
  test('accepts a heartbeat record and refuses a malformed one with ERR_NODE_RECORD_INVALID', () => {
    assert.equal(parsePoolNode('a', record('a')).fqdn, 'a');
    for (const bad of [
      null,
      {},
      { ...record('a'), fqdn: 'b' },
      { ...record('a'), appliedVersion: '1' },
      { ...record('a'), issuerThumbprints: {} },
    ]) {
      assert.throws(
        () => parsePoolNode('a', bad),
        (e: unknown) => (e as { code?: string }).code === 'ERR_NODE_RECORD_INVALID',
      );
    }
  });
});

describe('issuerThumbprintsAt', () => {
  const assignment = {
    usage: 'OAuthTokenIssuer' as const,
    identity: 'global',
    current: 'OLD',
    currentSince: '2025-01-01T00:00:00Z',
    previous: 'OLDER',
    staged: { thumbprint: 'NEW', effectiveDate: '2025-06-01T12:00:00Z' },
  };
  test('a staged roll is current from its effective instant on, by the clock alone', () => {
    assert.deepEqual(issuerThumbprintsAt(assignment, new Date('2025-06-01T11:59:59.999Z')), {
      current: 'OLD',
      previous: 'OLDER',
      staged: 'NEW',
    });
    assert.deepEqual(issuerThumbprintsAt(assignment, now), { current: 'NEW', previous: 'OLD', staged: null });
    assert.deepEqual(issuerThumbprintsAt(undefined, now), { current: null, previous: null, staged: null });
  });
});
