import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alertThreshold,
  decideRenewal,
  emptyRenewalState,
  retryDelaySeconds,
  successorEffectiveDate,
} from './renewal-decision.ts';
import type { RenewalFacts } from './renewal-decision.ts';
import { checkRenewalTimes, parseRenewalSource, renewalUsage } from './renewal-policy.ts';
import type { RenewalPolicy } from './renewal-policy.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2030-01-01T00:00:00Z');
const policy: RenewalPolicy = {
  usage: 'OAuthTokenIssuer',
  renewBeforeSeconds: 10 * 86_400,
  rollLeadSeconds: 2 * 86_400,
  source: { kind: 'internal' },
  updatedAt: new Date(T0).toISOString(),
};
const current = { thumbprint: 'A', notBefore: new Date(T0), notAfter: new Date(T0 + 30 * DAY) };

function facts(over: Partial<RenewalFacts> & { at: number }): RenewalFacts {
  return {
    policy,
    assignment: {
      usage: 'OAuthTokenIssuer',
      identity: 'global',
      current: 'A',
      currentSince: new Date(T0).toISOString(),
      previous: null,
      staged: null,
    },
    current,
    state: null,
    tokenValiditySeconds: 86_400 + 300,
    node: 'fe1.contoso.com',
    now: new Date(over.at),
    ...over,
  };
}

test('before the window: wait, next action renew at notAfter − renew-before', () => {
  const d = decideRenewal(facts({ at: T0 + 5 * DAY }));
  assert.equal(d.action.kind, 'wait');
  assert.equal(d.next.kind, 'renew');
  assert.equal(d.next.at?.getTime(), T0 + 20 * DAY);
});

test('in the window: renew, the successor effective a full lead time ahead', () => {
  const d = decideRenewal(facts({ at: T0 + 21 * DAY }));
  assert.equal(d.action.kind, 'renew');
  if (d.action.kind !== 'renew') return;
  assert.equal(d.action.effectiveDate.getTime(), T0 + 23 * DAY);
  assert.equal(d.action.leadShortened, false);
});

test('late in the window the lead is shortened to switch an hour before expiry, never in the past', () => {
  const late = successorEffectiveDate(policy, current, new Date(T0 + 29 * DAY));
  assert.equal(late.effectiveDate.getTime(), T0 + 30 * DAY - 3600_000);
  assert.equal(late.leadShortened, true);
  const expired = successorEffectiveDate(policy, current, new Date(T0 + 31 * DAY));
  assert.ok(expired.effectiveDate.getTime() > T0 + 31 * DAY);
});

test('manual policy only warns; staged successor waits for the switch', () => {
  const manual = decideRenewal(
    facts({ at: T0 + 21 * DAY, policy: { ...policy, source: { kind: 'manual' } } }),
  );
  assert.equal(manual.action.kind, 'warn-manual');
  const staged = decideRenewal(
    facts({
      at: T0 + 21 * DAY,
      assignment: {
        usage: 'OAuthTokenIssuer',
        identity: 'global',
        current: 'A',
        currentSince: new Date(T0).toISOString(),
        previous: null,
        staged: { thumbprint: 'B', effectiveDate: new Date(T0 + 23 * DAY).toISOString() },
      },
    }),
  );
  assert.equal(staged.action.kind, 'wait');
  assert.equal(staged.next.kind, 'switch');
});

test("another node's live lease blocks, an expired one or our own does not; back-off delays retries", () => {
  const lease = (node: string, until: number) => ({
    ...emptyRenewalState('global', 'OAuthTokenIssuer'),
    lease: { node, until: new Date(until).toISOString() },
  });
  const at = T0 + 21 * DAY;
  assert.equal(
    decideRenewal(facts({ at, state: lease('fe2.contoso.com', at + 60_000) })).next.kind,
    'in-progress',
  );
  assert.equal(decideRenewal(facts({ at, state: lease('fe2.contoso.com', at - 1) })).action.kind, 'renew');
  assert.equal(
    decideRenewal(facts({ at, state: lease('fe1.contoso.com', at + 60_000) })).action.kind,
    'renew',
  );
  const failing = {
    ...emptyRenewalState('global', 'OAuthTokenIssuer'),
    failures: 2,
    retryAt: new Date(at + 1000).toISOString(),
  };
  assert.equal(decideRenewal(facts({ at, state: failing })).next.kind, 'retry');
  assert.deepEqual([1, 2, 3, 10, 100].map(retryDelaySeconds), [300, 600, 1200, 21_600, 21_600]);
});

test('the previous certificate is retired only once the longest token lifetime has passed since the switch', () => {
  const assignment = {
    usage: 'OAuthTokenIssuer' as const,
    identity: 'global',
    current: 'A',
    currentSince: new Date(T0).toISOString(),
    previous: 'Z',
    staged: null,
  };
  const early = decideRenewal(facts({ at: T0 + 86_400_000, assignment }));
  assert.equal(early.action.kind, 'wait');
  assert.equal(early.next.kind, 'retire-previous');
  assert.equal(early.next.at?.getTime(), T0 + (86_400 + 300) * 1000);
  assert.equal(
    decideRenewal(facts({ at: T0 + (86_400 + 300) * 1000, assignment })).action.kind,
    'retire-previous',
  );
});

test('policy input: sources, usages, window longer than the lead; alert thresholds', () => {
  assert.deepEqual(parseRenewalSource('acme:https://acme.example/dir'), {
    kind: 'acme',
    directoryUrl: 'https://acme.example/dir',
  });
  assert.deepEqual(parseRenewalSource('https://ca.contoso.com:8443'), {
    kind: 'enrollment',
    url: 'https://ca.contoso.com:8443',
  });
  assert.throws(() => parseRenewalSource('http://ca'), { code: 'ERR_CERTIFICATE_RENEWAL_POLICY_INVALID' });
  assert.throws(() => renewalUsage('XMPPServer'), { code: 'ERR_CERTIFICATE_RENEWAL_POLICY_INVALID' });
  assert.equal(renewalUsage('oauthtokenissuer'), 'OAuthTokenIssuer');
  assert.throws(() => checkRenewalTimes(3600, 7200), { code: 'ERR_CERTIFICATE_RENEWAL_POLICY_INVALID' });
  assert.deepEqual([40, 30, 20, 6.5, 0.5, -1].map(alertThreshold), [null, 30, 30, 7, 1, 1]);
});
