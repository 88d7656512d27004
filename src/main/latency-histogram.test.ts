import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { LatencyHistogram } from './latency-histogram.ts';

test("the exposition is prom-client's Histogram's, text and JSON, for the same observations", async () => {
  const buckets = [0.0005, 0.001, 0.01, 0.1, 1];
  const theirs = new Registry();
  const ours = new Registry();
  for (const r of [theirs, ours]) r.setDefaultLabels({ node: 'fe01' });
  const reference = new Histogram({
    name: 'req_seconds',
    help: 'latency',
    labelNames: ['method', 'route', 'status_code'],
    buckets,
    registers: [theirs],
  });
  const histogram = new LatencyHistogram({
    name: 'req_seconds',
    help: 'latency',
    buckets,
    registers: [ours],
  });
  const samples: [string, string, number, number][] = [
    ['GET', '/a', 200, 0.0004],
    ['GET', '/a', 200, 0.0005],
    ['GET', '/a', 200, 0.02],
    ['GET', '/a', 200, 3],
    ['POST', '/b/:id', 201, 0.0009],
    ['GET', 'unmatched', 404, 0.1],
  ];
  for (const [method, route, status, s] of samples) {
    reference.observe({ method, route, status_code: String(status) }, s);
    histogram.observe(method, route, status, s);
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
  assert.deepEqual(await ours.getMetricsAsJSON(), await theirs.getMetricsAsJSON());
  ours.resetMetrics();
  assert.doesNotMatch(await ours.metrics(), /req_seconds_count/);
});
