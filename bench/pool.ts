/**
 * The pool bench (docs/replication.md; BENCHMARKS.md "Pool"): real propagation and the costs that grow
 * with time and data, on PostgreSQL (S2S_BENCH_POSTGRES, else S2S_TEST_POSTGRES, else
 * postgres://postgres@127.0.0.1:5432/test), each part in a throw-away schema.
 *
 * 1. Propagation across three `s2s server start` processes: a configuration change committed to
 *    PostgreSQL (what every administration command does) is polled for on each server over HTTPS until
 *    it serves that version (`x-s2s-version`); a mailbox item created through server 1's storage API is
 *    polled for on servers 2 and 3. Every sample has a timeout (10 s) and a timed-out sample is counted,
 *    never waited for. p50 / p99 / max.
 * 2. Change-log rows a day for a 10-node pool without configuration changes: ten in-process nodes
 *    heartbeat at a fast period; rows added per heartbeat, scaled to the default 5 s period and a day.
 * 3. Catch-up after a one-hour outage: one node stops; one hour of the other nine nodes' heartbeats
 *    (9 × 720, injected as the heartbeat writes themselves, at full speed instead of waiting an hour) and
 *    12 configuration changes are written; the node starts again and the time until it serves the head
 *    is measured, with whether it needed a full snapshot.
 * 4. Replica cost per write with 10 000 and 100 000 mailbox items stored: the replica file size and the
 *    time for another node to apply a mailbox item write and a configuration write — and, for comparison,
 *    what sealing and fsyncing a replica that held every item (the former design) costs.
 *
 * Run: `flock /tmp/s2s-heavy.lock node --import tsx bench/pool.ts` (prints JSON; S2S_BENCH_POOL_SAMPLES).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Agent, request } from 'undici';
import { SecretBox, systemClock } from '../src/core/index.ts';
import { buildDeployment } from '../src/main/deployment.ts';
import { openReplicatedStore } from '../src/replication/index.ts';
import type { ReplicatedDocumentStore } from '../src/replication/index.ts';
import { ReplicaFile } from '../src/replication/replica-file.ts';
import { holdDocument } from '../src/replication/replica-snapshot.ts';
import type { WriteOperation } from '../src/store/document-store.ts';
import { PostgresDocumentStore } from '../src/store/postgres/postgres-document-store.ts';
import { createLeaf, createLocalRoot } from '../src/ca/index.ts';
import { selfPartner } from '../test/fixtures/self-partner.ts';

const BASE_URL =
  process.env.S2S_BENCH_POSTGRES ??
  process.env.S2S_TEST_POSTGRES ??
  'postgres://postgres@127.0.0.1:5432/test';
const BIN = fileURLToPath(new URL('../bin/s2s.mjs', import.meta.url));
const SAMPLE_TIMEOUT_MS = 10_000;
const SAMPLES = Number(process.env.S2S_BENCH_POOL_SAMPLES ?? 100);
const SIP = 'bench@contoso.com';

interface Distribution {
  readonly samples: number;
  readonly timeouts: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

function distribution(values: number[], timeouts: number): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0
      ? Number.NaN
      : round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return {
    samples: values.length,
    timeouts,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

const round = (v: number) => Math.round(v * 100) / 100;

async function schemaUrl(): Promise<{ url: string; schema: string }> {
  const schema = `s2s_bench_${randomBytes(5).toString('hex')}`;
  const url = new URL(BASE_URL);
  url.searchParams.set('schema', schema);
  return { url: url.toString(), schema };
}

async function sql(text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: BASE_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `s2s server start --json`; resolves with its URL once it listens. */
function startServer(
  env: Record<string, string>,
  argv: string[],
): { child: ChildProcess; ready: Promise<string> } {
  // One process per node (`S2S_WORKERS=1`): the pool is measured across its nodes, not their workers.
  const child = spawn(process.execPath, [BIN, 'server', 'start', '--json', ...argv], {
    env: { ...process.env, S2S_LOG_LEVEL: 'warn', S2S_WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"url":\s*"(https:\/\/[^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`server not listening after 180 s: ${out}`)), 180_000).unref();
  });
  return { child, ready };
}

/** Part 1: three server processes. */
async function propagation(): Promise<{ configuration: Distribution; mailboxItem: Distribution }> {
  const { url, schema } = await schemaUrl();
  const dir = mkdtempSync(join(tmpdir(), 's2s-bench-pool-'));
  const key = randomBytes(32).toString('hex');
  const ports = [await freePort(), await freePort(), await freePort()];
  const admin = await PostgresDocumentStore.open(url);
  const children: ChildProcess[] = [];
  const agent = new Agent({ connect: { rejectUnauthorized: false }, connections: 8 });
  try {
    const deployment = buildDeployment(
      {
        home: join(dir, 'admin'),
        store: url,
        nodeName: 'admin.contoso.com',
        masterKey: key,
        masterKeyFile: join(dir, 'admin', 'master.key'),
        listen: '127.0.0.1:0',
      },
      admin,
    );
    await deployment.services.oauth.initialize({
      realm: 'contoso.com',
      hostNames: ports.map((p) => `127.0.0.1:${p}`),
    });
    const root = await createLocalRoot('bench.contoso.com', new Date());
    const leaf = await createLeaf(root, {
      commonName: 'bench.contoso.com',
      dnsNames: ['bench.contoso.com', 'localhost'],
      ipAddresses: ['127.0.0.1'],
      now: new Date(),
    });
    const pem = (der: Buffer) =>
      `-----BEGIN CERTIFICATE-----\n${(der.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
    await deployment.services.certificates.import({
      file: Buffer.from(pem(leaf.der) + pem(root.der)),
      keyFile: Buffer.from(leaf.privateKey.export({ format: 'pem', type: 'pkcs8' })),
      fileName: 'bench.pem',
      usages: ['OAuthTokenIssuer', 'Default'],
    });
    await admin.write([{ op: 'put', kind: 'partner', key: 'self', body: selfPartner(), expect: 'absent' }]);
    await deployment.services.storage.addUser({ sip: SIP, smtp: SIP, upn: SIP });
    const servers = ports.map((port, i) =>
      startServer({ S2S_HOME: join(dir, `fe${i + 1}`), S2S_STORE: url, S2S_MASTER_KEY: key }, [
        '--node',
        `fe${i + 1}.contoso.com`,
        '--listen',
        `127.0.0.1:${port}`,
      ]),
    );
    children.push(...servers.map((s) => s.child));
    const bases = await Promise.all(servers.map((s) => s.ready));
    const served = async (base: string): Promise<number> => {
      const res = await request(`${base}/healthz`, {
        dispatcher: agent,
        headers: { 'x-s2s-min-version': '0' },
      });
      await res.body.dump();
      return Number(res.headers['x-s2s-version']);
    };
    const auths = await Promise.all(
      bases.map(
        async (b) =>
          `Bearer ${(await deployment.services.tokens.issue({ partner: 'self', host: new URL(b).host, user: { sip: SIP } })).token}`,
      ),
    );
    const items = `/storage/v1/users/${SIP}/folders/Inbox/items`;

    /** Polls until `done` or the sample's timeout; the delay since `start` (ms) or undefined. */
    const poll = async (start: number, done: () => Promise<boolean>): Promise<number | undefined> => {
      for (;;) {
        if (await done()) return performance.now() - start;
        if (performance.now() - start > SAMPLE_TIMEOUT_MS) return undefined;
        await sleep(1);
      }
    };

    const config: number[] = [];
    let configTimeouts = 0;
    for (let i = 0; i < SAMPLES; i += 1) {
      const start = performance.now();
      const { version } = await admin.write([
        {
          op: 'put',
          kind: 'partner',
          key: 'bench-probe',
          body: { ...selfPartner(), identity: 'bench-probe', enabled: i % 2 === 0 },
          expect: 'any',
        },
      ]);
      const delays = await Promise.all(
        bases.map((b) => poll(start, async () => (await served(b)) >= version)),
      );
      for (const d of delays)
        if (d === undefined) configTimeouts += 1;
        else config.push(d);
    }

    const item: number[] = [];
    let itemTimeouts = 0;
    for (let i = 0; i < SAMPLES; i += 1) {
      const start = performance.now();
      const created = await request(`${bases[0]}${items}`, {
        dispatcher: agent,
        method: 'POST',
        headers: { authorization: auths[0]!, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: `bench ${i}` }),
      });
      const id = ((await created.body.json()) as { id: string }).id;
      const delays = await Promise.all(
        [1, 2].map((n) =>
          poll(start, async () => {
            const res = await request(`${bases[n]}${items}/${id}`, {
              dispatcher: agent,
              headers: { authorization: auths[n]! },
            });
            await res.body.dump();
            return res.statusCode === 200;
          }),
        ),
      );
      for (const d of delays)
        if (d === undefined) itemTimeouts += 1;
        else item.push(d);
    }
    return {
      configuration: distribution(config, configTimeouts),
      mailboxItem: distribution(item, itemTimeouts),
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
    );
    await agent.close();
    await admin.close();
    rmSync(dir, { recursive: true, force: true });
    await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

/** In-process pool nodes on one schema. */
async function inProcessPool(url: string, dir: string, box: SecretBox, names: string[], heartbeatMs: number) {
  const nodes: ReplicatedDocumentStore[] = [];
  for (const name of names)
    nodes.push(
      await openReplicatedStore({
        central: await PostgresDocumentStore.open(url, { maxConnections: 2 }),
        replicaFile: join(dir, name, 'replica.sealed.json'),
        secretBox: box,
        nodeName: name,
        clock: systemClock,
        heartbeatMs,
        pollIntervalMs: 1_000,
      }),
    );
  return nodes;
}

/** Part 2: change-log rows a day, 10 nodes, no configuration change. */
async function changeLogGrowth(): Promise<{
  heartbeats: number;
  rowsAdded: number;
  rowsPerDay: number;
  formerRowsPerDay: number;
}> {
  const { url, schema } = await schemaUrl();
  const dir = mkdtempSync(join(tmpdir(), 's2s-bench-log-'));
  const admin = await PostgresDocumentStore.open(url);
  try {
    await admin.write([{ op: 'put', kind: 'partner', key: 'seed', body: {}, expect: 'any' }]);
    const rows = async () =>
      Number((await sql(`SELECT count(*)::int AS n FROM "${schema}".changes`)).rows[0].n);
    const before = await rows();
    const periodMs = 50;
    const nodes = await inProcessPool(
      url,
      dir,
      new SecretBox(randomBytes(32)),
      Array.from({ length: 10 }, (_, i) => `fe${i + 1}.bench.local`),
      periodMs,
    );
    const started = performance.now();
    await sleep(5_000);
    const elapsed = performance.now() - started;
    await Promise.all(nodes.map((n) => n.close()));
    const heartbeats = Math.round((elapsed / periodMs) * 10);
    const rowsAdded = (await rows()) - before;
    const perDayAtDefault = 10 * (86_400_000 / 5_000);
    return {
      heartbeats,
      rowsAdded,
      rowsPerDay: Math.round((rowsAdded / heartbeats) * perDayAtDefault),
      formerRowsPerDay: perDayAtDefault,
    };
  } finally {
    await admin.close();
    rmSync(dir, { recursive: true, force: true });
    await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

/** Part 3: catch-up after a one-hour outage. */
async function catchUpAfterOutage(): Promise<{
  heartbeatsWhileAway: number;
  configurationChanges: number;
  catchUpMs: number;
  fullSnapshot: boolean;
}> {
  const { url, schema } = await schemaUrl();
  const dir = mkdtempSync(join(tmpdir(), 's2s-bench-outage-'));
  const box = new SecretBox(randomBytes(32));
  const admin = await PostgresDocumentStore.open(url);
  try {
    await admin.write([{ op: 'put', kind: 'partner', key: 'seed', body: {}, expect: 'any' }]);
    const [away] = await inProcessPool(url, dir, box, ['fe1.bench.local'], 0);
    await away!.close();
    // One hour of nine other nodes' heartbeats (5 s period) and a configuration change every 5 minutes.
    const beats = 9 * 720;
    for (let i = 0; i < beats; i += 1) {
      await admin.write(
        [{ op: 'put', kind: 'node', key: `fe${(i % 9) + 2}.bench.local`, body: { beat: i }, expect: 'any' }],
        { unlogged: true },
      );
      if (i % (beats / 12) === 0)
        await admin.write([{ op: 'put', kind: 'partner', key: `p${i}`, body: { i }, expect: 'any' }]);
    }
    const head = await admin.headVersion();
    const snapshotsBefore = Number(
      (await sql(`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`)).rows[0]
        .xact_commit,
    );
    void snapshotsBefore;
    const started = performance.now();
    let fullSnapshot = false;
    const central = await PostgresDocumentStore.open(url, { maxConnections: 2 });
    const watched = new Proxy(central, {
      get(target, prop) {
        if (prop === 'snapshot') fullSnapshot = true;
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const back = await openReplicatedStore({
      central: watched,
      replicaFile: join(dir, 'fe1.bench.local', 'replica.sealed.json'),
      secretBox: box,
      nodeName: 'fe1.bench.local',
      clock: systemClock,
      heartbeatMs: 0,
      startupSyncMs: 60_000,
    });
    while (back.appliedVersion < head) await sleep(1);
    const catchUpMs = round(performance.now() - started);
    await back.close();
    return { heartbeatsWhileAway: beats, configurationChanges: 12, catchUpMs, fullSnapshot };
  } finally {
    await admin.close();
    rmSync(dir, { recursive: true, force: true });
    await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

/** Part 4: replica cost per write with `items` mailbox items stored. */
async function replicaCost(items: number) {
  const { url, schema } = await schemaUrl();
  const dir = mkdtempSync(join(tmpdir(), 's2s-bench-items-'));
  const box = new SecretBox(randomBytes(32));
  const admin = await PostgresDocumentStore.open(url);
  try {
    const body = (i: number) => ({
      id: randomUUID(),
      folder: 'ConversationHistory',
      subject: `Conversation ${i}`,
      body: 'x'.repeat(200),
      itemClass: 'IPM.Note',
      createdAt: new Date().toISOString(),
      createdBy: 'bench',
    });
    for (let i = 0; i < items; i += 1000) {
      const ops: WriteOperation[] = [];
      for (let j = i; j < Math.min(items, i + 1000); j += 1)
        ops.push({
          op: 'put',
          kind: 'mailbox-item',
          key: `user${j % 1000}@contoso.com/ConversationHistory/${j}`,
          body: body(j),
          expect: 'any',
        });
      await admin.write(ops);
    }
    await admin.write([{ op: 'put', kind: 'partner', key: 'seed', body: selfPartner(), expect: 'any' }]);
    const nodes = await inProcessPool(url, dir, box, ['fe1.bench.local', 'fe2.bench.local'], 0);
    const replicaBytes = statSync(join(dir, 'fe2.bench.local', 'replica.sealed.json')).size;
    const applied = async (op: WriteOperation, n: number) => {
      const times: number[] = [];
      for (let i = 0; i < n; i += 1) {
        const start = performance.now();
        const { version } = await nodes[0]!.write([{ ...op, key: `${op.key}${i}` }]);
        while (nodes[1]!.appliedVersion < version) await sleep(0);
        times.push(performance.now() - start);
      }
      return distribution(times, 0);
    };
    const itemWrite = await applied(
      {
        op: 'put',
        kind: 'mailbox-item',
        key: 'user1@contoso.com/Inbox/new',
        body: body(-1),
        expect: 'absent',
      },
      50,
    );
    const configWrite = await applied(
      { op: 'put', kind: 'partner', key: 'probe', body: selfPartner(), expect: 'absent' },
      50,
    );
    await Promise.all(nodes.map((n) => n.close()));
    // The former design: the replica held every document, mailbox items included, rewritten whole per write.
    const all = await admin.snapshot();
    const former = new ReplicaFile(join(dir, 'former', 'replica.sealed.json'), box);
    rmSync(join(dir, 'former'), { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'former'));
    const held = all.documents.map(holdDocument);
    const saves: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const start = performance.now();
      await former.save({
        node: 'former',
        storeLocation: 'bench',
        version: all.version,
        savedAt: new Date().toISOString(),
        documents: held,
      });
      saves.push(performance.now() - start);
    }
    return {
      items,
      replicaBytes,
      itemWrite,
      configurationWrite: configWrite,
      formerReplicaBytes: statSync(join(dir, 'former', 'replica.sealed.json')).size,
      formerRewriteMs: distribution(saves, 0).p50Ms,
    };
  } finally {
    await admin.close();
    rmSync(dir, { recursive: true, force: true });
    await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

export async function runPoolBench() {
  const log = (m: string) => process.stderr.write(`${new Date().toISOString()} ${m}\n`);
  log('propagation across three server processes …');
  const prop = await propagation();
  log('change-log growth …');
  const growth = await changeLogGrowth();
  log('catch-up after a one-hour outage …');
  const outage = await catchUpAfterOutage();
  log('replica cost per write at 10 000 items …');
  const small = await replicaCost(10_000);
  log('replica cost per write at 100 000 items …');
  const large = await replicaCost(100_000);
  return { propagation: prop, changeLog: growth, outage, replicaCost: [small, large] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await runPoolBench(), null, 2));
}
