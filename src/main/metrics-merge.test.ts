import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry } from 'prom-client';
import { mergeExpositions } from './metrics-merge.ts';

async function worker(id: number, requests: number): Promise<string> {
  const registry = new Registry();
  registry.setDefaultLabels({ node: 'fe01', worker: String(id) });
  const counter = new Counter({
    name: 't_total',
    help: 'requests',
    labelNames: ['r'],
    registers: [registry],
  });
  const histogram = new Histogram({
    name: 't_seconds',
    help: 'latency',
    buckets: [1],
    registers: [registry],
  });
  counter.inc({ r: 'ok' }, requests);
  histogram.observe(0.5);
  return registry.metrics();
}

test('merged expositions keep one HELP/TYPE per family and every worker sample, grouped', async () => {
  const merged = mergeExpositions([await worker(1, 3), await worker(2, 5)]);
  const lines = merged.split('\n').filter((l) => l !== '');
  assert.equal(lines.filter((l) => l.startsWith('# HELP t_total')).length, 1);
  assert.equal(lines.filter((l) => l.startsWith('# TYPE t_seconds histogram')).length, 1);
  assert.ok(lines.includes('t_total{r="ok",node="fe01",worker="1"} 3'), merged);
  assert.ok(lines.includes('t_total{r="ok",node="fe01",worker="2"} 5'), merged);
  // A family's samples are contiguous: nothing of another family between its first and last line.
  const families = lines.map((l) => (l.startsWith('#') ? l.split(' ')[2]! : l.replace(/[{ ].*$/, '')));
  const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');
  const order = families.map(base).filter((n, i, all) => i === 0 || all[i - 1] !== n);
  assert.deepEqual(order, ['t_total', 't_seconds']);
  assert.equal(mergeExpositions([]), '');
  assert.equal(mergeExpositions([await worker(1, 1)]), await worker(1, 1));
});
