// test-file-timeout: 600s
/**
 * A pool node while PostgreSQL is down (docs/replication.md "Commands while PostgreSQL is down",
 * docs/server.md "Readiness"): one real `s2s server start` process reaching a real PostgreSQL through a
 * TCP proxy that the test closes. Then:
 *  - /readyz says degraded / central-store-unreachable (reason code only) and the node keeps serving;
 *  - read commands (`oauth get`, `partner get`, `certificate get`, `replication status`) run from the node's
 *    replica and say so (WARN_READ_FROM_REPLICA, with its version and age);
 *  - a write says the central store is unavailable and that nothing was changed;
 *  - the node, SIGKILLed and started again with PostgreSQL still down, starts from its replica alone
 *    and validates tokens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { NodeConfig } from '../../src/config/node-config.ts';
import { buildDeployment } from '../../src/main/deployment.ts';
import { PostgresDocumentStore } from '../../src/store/postgres/postgres-document-store.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import { freshPostgresUrl } from '../fixtures/postgres.ts';
import { runS2s, startServerNode, removeTree } from '../fixtures/s2s-process.ts';
import { TcpProxy } from '../fixtures/tcp-proxy.ts';
import { selfPartner } from '../fixtures/self-partner.ts';

const OPS_TOKEN = randomBytes(24).toString('base64url');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(predicate: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await predicate().catch(() => false))) {
    if (Date.now() - start > ms) throw new Error(`${what}: not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('PostgreSQL down: readiness degraded, read commands from the replica, writes refused with nothing changed, a restarted node validates tokens', async (t) => {
  const url = await freshPostgresUrl(t);
  if (url === undefined) return;
  const proxy = new TcpProxy(Number(new URL(url).port || 5432));
  await proxy.start();
  const dir = mkdtempSync(join(tmpdir(), 's2s-outage-cli-'));
  const home = join(dir, 'fe1');
  const key = randomBytes(32).toString('hex');
  const port = await freePort();
  const adminStore = await PostgresDocumentStore.open(url);
  t.after(async () => {
    await proxy.stop();
    await adminStore.close();
    removeTree(dir);
  });
  const adminConfig: NodeConfig = {
    home: join(dir, 'admin'),
    store: url,
    nodeName: 'admin.contoso.com',
    masterKey: key,
    masterKeyFile: join(dir, 'admin', 'master.key'),
    listen: '127.0.0.1:0',
  };
  const admin = buildDeployment(adminConfig, adminStore);
  await admin.services.oauth.initialize({ realm: 'contoso.com', hostNames: [`127.0.0.1:${port}`] });
  const issuer = await makeCertificate({ subject: 'CN=fe1.contoso.com', dnsNames: ['fe1.contoso.com'] });
  await admin.services.certificates.import({
    file: Buffer.from(issuer.pem),
    keyFile: Buffer.from(issuer.keyPem),
    usages: ['OAuthTokenIssuer', 'Default'],
  });
  await admin.store.write([
    { op: 'put', kind: 'partner', key: 'self', body: selfPartner(), expect: 'absent' },
  ]);

  const env = { S2S_HOME: home, S2S_STORE: proxy.urlFor(url), S2S_MASTER_KEY: key, S2S_OPS_TOKEN: OPS_TOKEN };
  const argv = ['--node', 'fe1.contoso.com', '--listen', `127.0.0.1:${port}`];
  const first = startServerNode(t, argv, env);
  const base = await first.ready;
  assert.ok(existsSync(join(home, 'replica.sealed.json')), 'the node wrote its replica');

  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  t.after(() => agent.close());
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await request(`${base}${path}`, { dispatcher: agent, headers });
    return { status: res.statusCode, text: await res.body.text() };
  };
  assert.deepEqual(JSON.parse((await get('/readyz')).text), { status: 'ready', reasons: [] });

  await proxy.stop(); // PostgreSQL unreachable from the node and its commands (connections refused)

  await until(
    async () => JSON.parse((await get('/readyz')).text).reasons.includes('central-store-unreachable'),
    120_000,
    'readiness reports the central store unreachable',
  );
  const readyz = await get('/readyz');
  assert.equal(readyz.status, 200, 'degraded still serves');
  assert.equal(JSON.parse(readyz.text).status, 'degraded');
  assert.doesNotMatch(readyz.text, /postgres|127\.0\.0\.1|ECONN/i, 'no internal details without the token');
  assert.equal((await get('/metadata/json/1')).status, 200, 'metadata keeps serving');

  // Read commands: the replica, said so.
  for (const command of [
    ['oauth', 'get'],
    ['partner', 'get'],
    ['certificate', 'get'],
    ['replication', 'status'],
  ]) {
    const run = await runS2s([...command, '--json'], env);
    assert.equal(run.code, 0, `${command.join(' ')}: ${run.stdout}${run.stderr}`);
    const doc = JSON.parse(run.stdout) as {
      warnings: Array<{ code: string; message: string; details: { version: number; ageSeconds: number } }>;
    };
    const warning = doc.warnings.find((w) => w.code === 'WARN_READ_FROM_REPLICA');
    assert.ok(warning, `${command.join(' ')} says it read the replica: ${run.stdout}`);
    assert.match(
      warning.message,
      /local replica of node fe1\.contoso\.com \(store version \d+, written .*ago\)/,
    );
    assert.ok(warning.details.version > 0 && warning.details.ageSeconds >= 0);
  }
  const human = await runS2s(['oauth', 'get'], env);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /contoso\.com/);
  assert.match(human.stderr, /^warning WARN_READ_FROM_REPLICA: the central store .* is unreachable/m);

  // A write: refused, saying nothing was changed.
  const skewBefore = (await admin.services.oauth.get()).clockSkewSeconds;
  const write = await runS2s(['oauth', 'set', '--clock-skew', '7m'], env);
  assert.notEqual(write.code, 0);
  assert.match(
    write.stderr,
    /ERR_STORE_UNAVAILABLE: the central store .* is unavailable: nothing was changed/,
  );
  assert.equal((await admin.services.oauth.get()).clockSkewSeconds, skewBefore, 'nothing was changed');
  assert.notEqual(skewBefore, 420);

  // Kill -9 and start again with PostgreSQL still down: the node starts from its replica alone.
  first.child.kill('SIGKILL');
  await first.exited;
  const second = startServerNode(t, argv, env);
  assert.equal(await second.ready, base);
  const issued = await admin.services.tokens.issue({ partner: 'self', host: `127.0.0.1:${port}` });
  const folders = await get('/storage/v1/folders', { authorization: `Bearer ${issued.token}` });
  assert.equal(folders.status, 200, `a token validates on the restarted node: ${folders.text}`);
  const refused = await get('/storage/v1/folders', { authorization: 'Bearer not-a-token' });
  assert.equal(refused.status, 401, 'and a bad one is still refused');
  const detailed = JSON.parse((await get('/readyz', { authorization: `Bearer ${OPS_TOKEN}` })).text) as {
    status: string;
    reasons: string[];
  };
  assert.equal(detailed.status, 'degraded');
  assert.ok(detailed.reasons.includes('central-store-unreachable'), JSON.stringify(detailed));
});
