import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OnDemandRefreshGate } from './on-demand-refresh-gate.ts';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000);

test('one fetch per partner per 30 s; partners are independent', () => {
  const gate = new OnDemandRefreshGate();
  assert.deepEqual(gate.request('a', 'x1', at(0)), { allowed: true });
  assert.deepEqual(gate.request('a', 'x2', at(10)), { allowed: false, reason: 'interval' });
  assert.deepEqual(gate.request('b', 'x2', at(10)), { allowed: true });
  assert.deepEqual(gate.request('a', 'x2', at(31)), { allowed: true });
});

test('an x5t its fetch did not find is not fetched for again for 15 min', () => {
  const gate = new OnDemandRefreshGate();
  assert.equal(gate.request('a', 'ghost', at(0)).allowed, true);
  gate.settle('a', 'ghost', false, at(0));
  assert.deepEqual(gate.request('a', 'ghost', at(60)), { allowed: false, reason: 'known-absent' });
  assert.deepEqual(gate.request('a', 'ghost', at(899)), { allowed: false, reason: 'known-absent' });
  assert.equal(gate.request('a', 'ghost', at(900)).allowed, true);
});

test('the fast budget spent by fetches that found nothing slows to one per 5 min, never to zero', () => {
  const gate = new OnDemandRefreshGate({ fastPerDay: 3 });
  for (let i = 0; i < 3; i++) {
    assert.equal(gate.request('a', `junk${i}`, at(i * 30)).allowed, true);
    gate.settle('a', `junk${i}`, false, at(i * 30));
  }
  assert.deepEqual(gate.request('a', 'real', at(90)), { allowed: false, reason: 'interval' });
  assert.deepEqual(gate.request('a', 'real', at(60 + 299)), { allowed: false, reason: 'interval' });
  assert.deepEqual(gate.request('a', 'real', at(60 + 300)), { allowed: true });
  // A day later the fast lane is back.
  gate.settle('a', 'real', false, at(360));
  assert.equal(gate.request('a', 'other', at(86_400 + 400)).allowed, true);
  assert.equal(gate.request('a', 'other2', at(86_400 + 431)).allowed, true);
});

test('a fetch that found its x5t (a real roll) is refunded', () => {
  const gate = new OnDemandRefreshGate({ fastPerDay: 1 });
  assert.equal(gate.request('a', 'roll1', at(0)).allowed, true);
  gate.settle('a', 'roll1', true, at(0));
  assert.equal(gate.request('a', 'roll2', at(30)).allowed, true, 'still the fast lane');
});

test('remembered x5t values are bounded per partner, oldest forgotten first', () => {
  const gate = new OnDemandRefreshGate({
    maxRememberedPerPartner: 2,
    minIntervalSeconds: 0,
    fastPerDay: 1000,
  });
  for (const x of ['p', 'q', 'r']) {
    gate.request('a', x, at(0));
    gate.settle('a', x, false, at(0));
  }
  assert.equal(gate.request('a', 'p', at(1)).allowed, true, 'p was forgotten');
  assert.equal(gate.request('a', 'r', at(1)).allowed, false);
});
