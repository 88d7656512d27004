// test-file-timeout: 900s
/**
 * Pool nodes that start together (docs/server.md "Bootstrap", docs/replication.md): five `s2s server
 * start` processes launched at the same instant on one real PostgreSQL store, with `--bootstrap` (each
 * adds its host names to the shared oauth-config/global and races for the global OAuthTokenIssuer) and
 * without it (a store prepared beforehand). All five must serve the metadata document and answer
 * /readyz, and a change made afterwards (a staged certificate roll) must reach all five.
 * No wall-clock limits: polls with generous bounds only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import type { NodeConfig } from '../../src/config/node-config.ts';
import { buildDeployment } from '../../src/main/deployment.ts';
import type { Deployment } from '../../src/main/deployment.ts';
import { PostgresDocumentStore } from '../../src/store/postgres/postgres-document-store.ts';
import { freshPostgresUrl } from '../fixtures/postgres.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { startServerNode } from '../fixtures/s2s-process.ts';
import type { ServerNode } from '../fixtures/s2s-process.ts';

const NODES = 5;
/** Generous: five cold node processes on a loaded two-core machine. */
const SERVE_BOUND_MS = 240_000;
const PROPAGATION_BOUND_MS = 60_000;

const insecure = new Agent({ connect: { rejectUnauthorized: false } });

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { dispatcher: insecure });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the assertion message
  }
  return { status: res.status, body };
}

async function until(predicate: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const start = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() - start > ms)
      throw new Error(`${what}: not met within ${ms} ms (last error: ${String(lastError)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function adminDeployment(dir: string, url: string, store: PostgresDocumentStore, key: string): Deployment {
  const config: NodeConfig = {
    home: join(dir, 'admin'),
    store: url,
    nodeName: 'admin.contoso.com',
    masterKey: key,
    masterKeyFile: join(dir, 'admin', 'master.key'),
    listen: '127.0.0.1:0',
  };
  return buildDeployment(config, store);
}

async function startFive(
  t: Parameters<typeof freshPostgresUrl>[0],
  dir: string,
  url: string,
  key: string,
  bootstrap: boolean,
  started: ServerNode[],
): Promise<{ nodes: ServerNode[]; urls: string[] }> {
  // Spawned in one synchronous loop: the processes start at the same instant and race from there.
  const nodes = Array.from({ length: NODES }, (_, i) =>
    startServerNode(
      t,
      [...(bootstrap ? ['--bootstrap'] : []), '--node', `fe${i + 1}.contoso.com`, '--listen', '127.0.0.1:0'],
      { S2S_HOME: join(dir, `fe${i + 1}`), S2S_STORE: url, S2S_MASTER_KEY: key },
    ),
  );
  started.push(...nodes); // stopped by the test's clean-up before its directory is removed
  const outcomes = await Promise.allSettled(nodes.map((n) => n.ready));
  const failed = outcomes.flatMap((o, i) =>
    o.status === 'rejected' ? [`fe${i + 1}: ${String(o.reason)}`] : [],
  );
  assert.deepEqual(failed, [], 'every node started');
  return { nodes, urls: outcomes.map((o) => (o as PromiseFulfilledResult<string>).value) };
}

/** Every node serves the metadata document and is ready; returns the x5t lists they publish. */
async function everyNodeServes(urls: readonly string[]): Promise<void> {
  await until(
    async () => {
      const answers = await Promise.all(urls.map((u) => getJson(`${u}/metadata/json/1`)));
      return answers.every((a) => a.status === 200 && Array.isArray((a.body as { keys?: unknown }).keys));
    },
    SERVE_BOUND_MS,
    'every node serves /metadata/json/1',
  );
  for (const u of urls) {
    const ready = await getJson(`${u}/readyz`);
    assert.equal(ready.status, 200, `${u}/readyz: ${JSON.stringify(ready.body)}`);
  }
}

async function publishedX5ts(u: string): Promise<string[]> {
  const res = await getJson(`${u}/metadata/json/1`);
  return ((res.body as { keys?: Array<{ keyinfo: { x5t: string } }> }).keys ?? []).map((k) => k.keyinfo.x5t);
}

/** A staged OAuthTokenIssuer roll stored directly in PostgreSQL reaches every node's metadata. */
async function rollReachesAll(
  admin: Deployment,
  urls: readonly string[],
  next: TestCertificate,
): Promise<void> {
  await admin.services.certificates.import({
    file: Buffer.from(next.pem),
    keyFile: Buffer.from(next.keyPem),
    usages: ['OAuthTokenIssuer'],
    roll: true,
    effectiveDate: new Date(Date.now() + 7 * 86_400_000),
  });
  await until(
    async () => (await Promise.all(urls.map(publishedX5ts))).every((x5ts) => x5ts.includes(next.x5t)),
    PROPAGATION_BOUND_MS,
    'the staged certificate is published by every node',
  );
}

test('five nodes started at the same instant with --bootstrap: all serve, host names of all five are kept, a roll reaches all', async (t) => {
  const url = await freshPostgresUrl(t);
  if (url === undefined) return;
  const dir = mkdtempSync(join(tmpdir(), 's2s-start-together-'));
  const key = randomBytes(32).toString('hex');
  const adminStore = await PostgresDocumentStore.open(url);
  const started: ServerNode[] = [];
  // One clean-up, in order, even when the test fails: the nodes stop before their homes are removed.
  t.after(async () => {
    await Promise.allSettled(started.map((n) => n.stop(10_000)));
    await adminStore.close();
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });
  const { urls } = await startFive(t, dir, url, key, true, started);
  await everyNodeServes(urls);

  const admin = adminDeployment(dir, url, adminStore, key);
  const config = await admin.services.oauth.get();
  for (const [i, u] of urls.entries()) {
    const port = new URL(u).port;
    assert.ok(
      config.hostNames.includes(`fe${i + 1}.contoso.com:${port}`),
      `fe${i + 1}'s host name survived the race: ${config.hostNames.join(', ')}`,
    );
  }
  const issuers = await adminStore.list('assignment', 'global/');
  assert.equal(issuers.length, 1, 'one global OAuthTokenIssuer assignment');
  const roots = await adminStore.list('trusted-root');
  const certificates = await adminStore.list('certificate');
  // Each trusted root issued something that is stored: a node that lost the issuer race left no orphan.
  assert.equal(roots.length, NODES, `one local root per node: ${roots.length}`);
  assert.equal(certificates.length, NODES + 1, 'one web certificate per node plus one issuer');

  await rollReachesAll(
    admin,
    urls,
    await makeCertificate({ subject: 'CN=pool.contoso.com', freshKey: true }),
  );
});

test('five nodes started at the same instant without --bootstrap on a prepared store: all serve, a roll reaches all', async (t) => {
  const url = await freshPostgresUrl(t);
  if (url === undefined) return;
  const dir = mkdtempSync(join(tmpdir(), 's2s-start-together-'));
  const key = randomBytes(32).toString('hex');
  const adminStore = await PostgresDocumentStore.open(url);
  const started: ServerNode[] = [];
  // One clean-up, in order, even when the test fails: the nodes stop before their homes are removed.
  t.after(async () => {
    await Promise.allSettled(started.map((n) => n.stop(10_000)));
    await adminStore.close();
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });
  const admin = adminDeployment(dir, url, adminStore, key);
  await admin.services.oauth.initialize({ realm: 'contoso.com', hostNames: ['pool.contoso.com'] });
  const issuer = await makeCertificate({ subject: 'CN=pool.contoso.com', dnsNames: ['pool.contoso.com'] });
  await admin.services.certificates.import({
    file: Buffer.from(issuer.pem),
    keyFile: Buffer.from(issuer.keyPem),
    usages: ['OAuthTokenIssuer', 'Default'],
  });

  const { urls } = await startFive(t, dir, url, key, false, started);
  await everyNodeServes(urls);
  for (const u of urls) assert.deepEqual(await publishedX5ts(u), [issuer.x5t]);

  await rollReachesAll(
    admin,
    urls,
    await makeCertificate({ subject: 'CN=pool.contoso.com', freshKey: true }),
  );
});
