import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isRefreshDue, nextRefreshAt } from './refresh-schedule.ts';
import { normalizePartnerIdentity, parseTrustLevel } from './partner-identity.ts';

const H = 3600;
const state = (s: string | null, a: string | null, failed: boolean) => ({
  source: 'metadata' as const,
  enabled: true,
  refresh: {
    lastSuccessAt: s,
    lastAttemptAt: a,
    lastError: failed ? { code: 'ERR_METADATA_TIMEOUT', message: 'x', at: a ?? '' } : null,
  },
});

describe('refresh schedule', () => {
  const cases: Array<[string, ReturnType<typeof state>, string, boolean]> = [
    ['never fetched → due', state(null, null, false), '2026-01-01T00:00:00Z', true],
    [
      'fetched 11 h ago → not due',
      state('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', false),
      '2026-01-01T11:00:00Z',
      false,
    ],
    [
      'fetched 12 h ago → due',
      state('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', false),
      '2026-01-01T12:00:00Z',
      true,
    ],
    [
      'failed 10 min ago after the period → not due',
      state('2026-01-01T00:00:00Z', '2026-01-01T12:50:00Z', true),
      '2026-01-01T13:00:00Z',
      false,
    ],
    [
      'failed 15 min ago → due',
      state('2026-01-01T00:00:00Z', '2026-01-01T12:45:00Z', true),
      '2026-01-01T13:00:00Z',
      true,
    ],
  ];
  for (const [title, partner, now, due] of cases) {
    test(title, () => assert.equal(isRefreshDue(partner, 12 * H, new Date(now)), due));
  }

  test('static-certificate and disabled partners are never due', () => {
    assert.equal(nextRefreshAt({ ...state(null, null, false), source: 'certificate' }, 12 * H), null);
    assert.equal(isRefreshDue({ ...state(null, null, false), enabled: false }, 12 * H, new Date()), false);
  });

  test('identities and trust levels are normalized', () => {
    assert.equal(normalizePartnerIdentity(' Microsoft.Exchange '), 'microsoft.exchange');
    assert.throws(() => normalizePartnerIdentity('bad name'), { code: 'ERR_PARTNER_IDENTITY_INVALID' });
    assert.equal(parseTrustLevel('full'), 'Full');
    assert.throws(() => parseTrustLevel('Admin'), { code: 'ERR_PARTNER_TRUST_LEVEL_INVALID' });
  });
});
