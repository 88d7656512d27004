// test-file-timeout: 600s
/**
 * The audit log across a pool (docs/admin.md "Audit log"; docs/replication.md): two `s2s server start`
 * nodes on one real PostgreSQL store. A change made through the administration API of node A, with an API
 * token, appears in `s2s audit list` run on node B — with the actor (the token, its role, the caller's
 * address) and the partner's values before and after — and in node B's own API answer, served from B's
 * replica once it has caught up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { AuditEntry } from '../../src/core/index.ts';
import type { NodeConfig } from '../../src/config/node-config.ts';
import { buildDeployment } from '../../src/main/deployment.ts';
import { PostgresDocumentStore } from '../../src/store/postgres/postgres-document-store.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import { freshPostgresUrl } from '../fixtures/postgres.ts';
import { runS2s, startServerNode, removeTree } from '../fixtures/s2s-process.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('a change through the API of node A is in `s2s audit list` on node B, with actor and before/after', async (t) => {
  const url = await freshPostgresUrl(t);
  if (url === undefined) return;
  const dir = mkdtempSync(join(tmpdir(), 's2s-adminpool-'));
  const key = randomBytes(32).toString('hex');
  const ports = [await freePort(), await freePort()];
  const adminStore = await PostgresDocumentStore.open(url);
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  t.after(async () => {
    await agent.close();
    await adminStore.close();
    removeTree(dir);
  });
  const setupConfig: NodeConfig = {
    home: join(dir, 'setup'),
    store: url,
    nodeName: 'setup.contoso.com',
    masterKey: key,
    masterKeyFile: join(dir, 'setup', 'master.key'),
    listen: '127.0.0.1:0',
  };
  const setup = buildDeployment(setupConfig, adminStore);
  await setup.services.oauth.initialize({
    realm: 'contoso.com',
    hostNames: ports.map((p) => `127.0.0.1:${p}`),
  });
  const web = await makeCertificate({ subject: 'CN=pool.contoso.com', dnsNames: ['pool.contoso.com'] });
  await setup.services.certificates.import({
    file: Buffer.from(web.pem),
    keyFile: Buffer.from(web.keyPem),
    usages: ['OAuthTokenIssuer', 'Default'],
  });
  const exchange = await makeCertificate({ subject: 'CN=mail.contoso.com', freshKey: true });
  await setup.services.partners.create({
    identity: 'microsoft.exchange',
    applicationIdentifier: '00000002-0000-0ff1-ce00-000000000000',
    realm: 'contoso.com',
    certificate: exchange.der,
    trustLevel: 'Full',
  });
  const { token } = await setup.services.admins.newToken({
    name: 'alice-ci',
    role: 'partner',
    expires: '1d',
  });

  const homes = [join(dir, 'fe1'), join(dir, 'fe2')];
  const nodes = ports.map((port, i) =>
    startServerNode(t, ['--node', `fe${i + 1}.contoso.com`, '--listen', `127.0.0.1:${port}`], {
      S2S_HOME: homes[i]!,
      S2S_STORE: url,
      S2S_MASTER_KEY: key,
    }),
  );
  const [a, b] = (await Promise.all(nodes.map((n) => n.ready))) as [string, string];
  const operation = async (base: string, id: string, args: unknown[]) => {
    const res = await request(`${base}/admin/api/v1/operations/${id}`, {
      dispatcher: agent,
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ args }),
    });
    return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
  };

  const changed = await operation(a, 'partners.update', [
    'microsoft.exchange',
    { enabled: false, trustLevel: 'Application' },
  ]);
  assert.equal(changed.status, 200, JSON.stringify(changed.json));
  // A refused attempt through A is audited too.
  const refused = await operation(a, 'oauth.update', [{ clockSkewSeconds: 1 }]);
  assert.equal(refused.status, 403);

  // `s2s audit list` on node B (its S2S_HOME, the pool's store).
  const listed = await runS2s(['audit', 'list', '--actor', 'token:alice-ci', '--json'], {
    S2S_HOME: homes[1]!,
    S2S_STORE: url,
    S2S_MASTER_KEY: key,
    S2S_NODE: 'fe2.contoso.com',
  });
  assert.equal(listed.code, 0, listed.stderr);
  const entries = (JSON.parse(listed.stdout) as { entries: AuditEntry[] }).entries;
  assert.deepEqual(
    entries.map((e) => [e.operation, e.outcome]),
    [
      ['partners.update', 'success'],
      ['oauth.update', 'refused'],
    ],
  );
  const entry = entries[0]!;
  assert.deepEqual(entry.actor, {
    kind: 'token',
    name: 'token:alice-ci',
    role: 'partner',
    from: '127.0.0.1',
    via: 'api',
  });
  const change = entry.changes.find((c) => c.kind === 'partner' && c.key === 'microsoft.exchange')!;
  assert.ok(change, JSON.stringify(entry.changes));
  assert.deepEqual(
    [
      (change.before as { enabled: boolean; trustLevel: string }).enabled,
      (change.before as { trustLevel: string }).trustLevel,
    ],
    [true, 'Full'],
  );
  assert.deepEqual(
    [(change.after as { enabled: boolean }).enabled, (change.after as { trustLevel: string }).trustLevel],
    [false, 'Application'],
  );
  const human = await runS2s(['audit', 'list', '--actor', 'token:alice-ci'], {
    S2S_HOME: homes[1]!,
    S2S_STORE: url,
    S2S_MASTER_KEY: key,
    S2S_NODE: 'fe2.contoso.com',
  });
  assert.match(
    human.stdout,
    /success\s+token:alice-ci \(partner, api from 127\.0\.0\.1\)\s+partners\.update \[partner set\]/,
  );
  assert.match(human.stdout, /put partner\/microsoft\.exchange: .*"enabled":true.* -> .*"enabled":false/);

  // Node B's own API serves the audit log from its replica: the entry arrives there too.
  let seen: AuditEntry[] = [];
  for (let attempt = 0; attempt < 300 && seen.length < 2; attempt += 1) {
    const answer = await operation(b, 'audit.list', [{ actor: 'token:alice-ci' }]);
    assert.equal(answer.status, 200);
    seen = answer.json.result as AuditEntry[];
    if (seen.length < 2) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(
    seen.map((e) => e.id),
    entries.map((e) => e.id),
  );
  await Promise.all(nodes.map((n) => n.stop()));
});
