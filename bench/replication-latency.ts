/**
 * Replication latency of a three-node pool (issue 6): the time from a committed write on the central
 * PostgreSQL store until each node serves it from its snapshot. Runs against S2S_BENCH_POSTGRES (or
 * S2S_TEST_POSTGRES, default postgres://postgres@127.0.0.1:5432/test) in a throw-away schema.
 * `npm run bench` calls {@link measureReplicationLatency}; `node --import tsx bench/replication-latency.ts` prints it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SecretBox, systemClock } from '../src/core/index.ts';
import { openReplicatedStore } from '../src/replication/index.ts';
import type { ReplicatedDocumentStore } from '../src/replication/index.ts';
import { PostgresDocumentStore } from '../src/store/postgres/postgres-document-store.ts';

const BASE_URL =
  process.env.S2S_BENCH_POSTGRES ??
  process.env.S2S_TEST_POSTGRES ??
  'postgres://postgres@127.0.0.1:5432/test';

/** A write not applied by a node within this is a failed measurement (the bench never hangs). */
const WRITE_TIMEOUT_MS = 10_000;

export interface ReplicationLatency {
  readonly medianMs: number;
  readonly p99Ms: number;
  /** One sample per (write, node). */
  readonly samples: number;
}

/** Measures `writes` committed changes, each observed on three nodes. */
export async function measureReplicationLatency(writes = 100): Promise<ReplicationLatency> {
  const schema = `s2s_bench_${randomBytes(5).toString('hex')}`;
  const url = new URL(BASE_URL);
  url.searchParams.set('schema', schema);
  const dir = mkdtempSync(join(tmpdir(), 's2s-bench-repl-'));
  const box = new SecretBox(randomBytes(32));
  const admin = await PostgresDocumentStore.open(url.toString());
  const nodes: ReplicatedDocumentStore[] = [];
  try {
    for (let i = 1; i <= 3; i += 1) {
      const name = `fe${i}.bench.local`;
      const central = await PostgresDocumentStore.open(url.toString());
      nodes.push(
        await openReplicatedStore({
          central,
          replicaFile: join(dir, name, 'replica.sealed.json'),
          secretBox: box,
          nodeName: name,
          clock: systemClock,
          heartbeatMs: 0,
        }),
      );
    }
    const latencies: number[] = [];
    for (let i = 0; i < writes; i += 1) latencies.push(...(await oneWrite(admin, nodes, i)));
    latencies.sort((a, b) => a - b);
    return {
      medianMs: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      samples: latencies.length,
    };
  } finally {
    await Promise.all(nodes.map((n) => n.close()));
    await admin.close();
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  }
}

/** Commits one change and resolves with each node's delay until it applied it (ms). */
async function oneWrite(
  admin: PostgresDocumentStore,
  nodes: readonly ReplicatedDocumentStore[],
  i: number,
): Promise<number[]> {
  const started = performance.now();
  let version = Number.POSITIVE_INFINITY;
  const done: Array<() => void> = [];
  const seen = nodes.map(
    (node) =>
      new Promise<number>((resolve, reject) => {
        let settled = false;
        const timer = setTimeout(() => {
          off();
          reject(new Error(`node did not apply version ${version} within ${WRITE_TIMEOUT_MS} ms`));
        }, WRITE_TIMEOUT_MS);
        const finish = () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          off();
          resolve(performance.now() - started);
        };
        const off = node.subscribe((v) => {
          if (v >= version) finish();
        });
        done.push(finish);
      }),
  );
  version = (await admin.write([{ op: 'put', kind: 'partner', key: 'bench', body: { i }, expect: 'any' }]))
    .version;
  // A node that applied it before `version` was known heard nothing new since: it is checked here.
  nodes.forEach((node, k) => {
    void node
      .sync()
      .then(async () => {
        if ((await node.headVersion()) >= version) done[k]!();
      })
      .catch(() => undefined); // the subscription or the timeout settles this node
  });
  return Promise.all(seen);
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const v = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return Math.round(v * 100) / 100;
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: BASE_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify({ replicationLatency: await measureReplicationLatency() }));
}
