import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateReadiness } from './server-readiness.ts';
import type { ReadinessFacts, RenewalFacts } from './server-readiness.ts';

const NOW = new Date('2030-06-01T00:00:00Z');
const DAY = 86_400_000;

function facts(over: Partial<ReadinessFacts>): ReadinessFacts {
  return {
    store: { readable: true },
    tokenCertificateNotAfter: new Date(NOW.getTime() + 20 * DAY),
    refreshPeriodSeconds: 43_200,
    partners: [],
    ...over,
  };
}

const renewal = (over: Partial<RenewalFacts>): RenewalFacts => ({
  usage: 'OAuthTokenIssuer',
  identity: 'global',
  automatic: true,
  notAfter: new Date(NOW.getTime() + 20 * DAY),
  renewAt: new Date(NOW.getTime() + 10 * DAY),
  staged: false,
  failures: 0,
  lastError: null,
  ...over,
});

test('without a renewal policy the token certificate degrades 30 days before expiry, as before', () => {
  assert.deepEqual(evaluateReadiness(facts({}), NOW).reasons, ['token-certificate-expiring']);
});

test('under an automatic policy the renewal state decides instead of the 30-day rule', () => {
  assert.equal(evaluateReadiness(facts({ renewals: [renewal({})] }), NOW).status, 'ready');
  const failing = evaluateReadiness(
    facts({ renewals: [renewal({ failures: 2, lastError: 'ERR_CA_ENROLLMENT_FAILED' })] }),
    NOW,
  );
  assert.deepEqual(failing.reasons, ['certificate-renewal-failing']);
  assert.equal(failing.status, 'degraded');
  const overdue = renewal({ renewAt: new Date(NOW.getTime() - 2 * 3600_000) });
  assert.deepEqual(evaluateReadiness(facts({ renewals: [overdue] }), NOW).reasons, [
    'certificate-renewal-failing',
  ]);
  const justOpened = renewal({ renewAt: new Date(NOW.getTime() - 60_000) });
  assert.equal(evaluateReadiness(facts({ renewals: [justOpened] }), NOW).status, 'ready');
  const staged = renewal({ renewAt: new Date(NOW.getTime() - 2 * DAY), staged: true });
  assert.equal(evaluateReadiness(facts({ renewals: [staged] }), NOW).status, 'ready');
  const manual = renewal({ automatic: false, renewAt: new Date(NOW.getTime() - 2 * DAY) });
  assert.deepEqual(evaluateReadiness(facts({ renewals: [manual] }), NOW).reasons, [
    'token-certificate-expiring',
  ]);
});

test('a web usage failing to renew and a partner whose certificates lapse soon degrade readiness', () => {
  const web = renewal({ usage: 'WebServicesInternal', identity: 'fe01.contoso.com', failures: 1 });
  const r = evaluateReadiness(
    facts({
      tokenCertificateNotAfter: new Date(NOW.getTime() + 300 * DAY),
      renewals: [web],
      partnerCertificates: [{ partner: 'microsoft.exchange', daysToExpiry: 9.5 }],
    }),
    NOW,
  );
  assert.deepEqual(r.reasons, ['certificate-renewal-failing', 'partner-certificate-expiring']);
  assert.match(
    r.checks.find((c) => c.reason === 'partner-certificate-expiring')!.detail,
    /microsoft\.exchange .* 9 day/,
  );
});
