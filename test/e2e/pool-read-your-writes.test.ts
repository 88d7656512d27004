// test-file-timeout: 600s
/**
 * Read-your-writes across pool nodes (docs/storage.md "Consistency"): two `s2s server start` processes
 * on one real PostgreSQL store. A mailbox item created through node A answers with `x-s2s-version`; a
 * read on node B carrying that token as `x-s2s-min-version` always finds the item (B waits, bounded,
 * for its replica), a version that never comes answers 503 ERR_STORE_VERSION_NOT_APPLIED with
 * Retry-After, and a malformed one 400. Mailbox items are read from PostgreSQL on every node, so even a
 * read without the header finds the item at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { NodeConfig } from '../../src/config/node-config.ts';
import { buildDeployment } from '../../src/main/deployment.ts';
import { PostgresDocumentStore } from '../../src/store/postgres/postgres-document-store.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import { freshPostgresUrl } from '../fixtures/postgres.ts';
import { startServerNode, removeTree } from '../fixtures/s2s-process.ts';
import { selfPartner } from '../fixtures/self-partner.ts';

const ROUNDS = 25;
const SIP = 'alice@contoso.com';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('a write on one node, then a read with x-s2s-min-version on another: always found; unreachable versions 503, malformed 400', async (t) => {
  const url = await freshPostgresUrl(t);
  if (url === undefined) return;
  const dir = mkdtempSync(join(tmpdir(), 's2s-ryw-'));
  const key = randomBytes(32).toString('hex');
  const ports = [await freePort(), await freePort()];
  const adminStore = await PostgresDocumentStore.open(url);
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  t.after(async () => {
    await agent.close();
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
  await admin.services.oauth.initialize({
    realm: 'contoso.com',
    hostNames: ports.map((p) => `127.0.0.1:${p}`),
  });
  const issuer = await makeCertificate({ subject: 'CN=pool.contoso.com', dnsNames: ['pool.contoso.com'] });
  await admin.services.certificates.import({
    file: Buffer.from(issuer.pem),
    keyFile: Buffer.from(issuer.keyPem),
    usages: ['OAuthTokenIssuer', 'Default'],
  });
  await admin.store.write([
    { op: 'put', kind: 'partner', key: 'self', body: selfPartner(), expect: 'absent' },
  ]);
  await admin.services.storage.addUser({ sip: SIP, smtp: SIP, upn: SIP });

  const nodes = ports.map((port, i) =>
    startServerNode(t, ['--node', `fe${i + 1}.contoso.com`, '--listen', `127.0.0.1:${port}`], {
      S2S_HOME: join(dir, `fe${i + 1}`),
      S2S_STORE: url,
      S2S_MASTER_KEY: key,
    }),
  );
  const [a, b] = (await Promise.all(nodes.map((n) => n.ready))) as [string, string];
  const bearer = async (base: string) =>
    `Bearer ${(await admin.services.tokens.issue({ partner: 'self', host: new URL(base).host, user: { sip: SIP } })).token}`;
  const authA = await bearer(a);
  const authB = await bearer(b);
  const items = `/storage/v1/users/${SIP}/folders/Inbox/items`;
  const call = async (
    base: string,
    path: string,
    init: { method?: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  ) => {
    const res = await request(`${base}${path}`, { dispatcher: agent, ...init });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  };

  let missesWithoutToken = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const created = await call(a, items, {
      method: 'POST',
      headers: { authorization: authA, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: `round ${round}` }),
    });
    assert.equal(created.status, 201, created.text);
    const version = created.headers['x-s2s-version'];
    assert.match(String(version), /^\d+$/, 'a write returns its version token');
    const id = (JSON.parse(created.text) as { id: string }).id;
    // Without the token first (eventual), then with it (read-your-writes).
    const plain = await call(b, `${items}/${id}`, { headers: { authorization: authB } });
    if (plain.status === 404) missesWithoutToken += 1;
    const read = await call(b, `${items}/${id}`, {
      headers: { authorization: authB, 'x-s2s-min-version': String(version) },
    });
    assert.equal(read.status, 200, `round ${round}: ${read.status} ${read.text}`);
    assert.equal((JSON.parse(read.text) as { subject: string }).subject, `round ${round}`);
    assert.ok(Number(read.headers['x-s2s-version']) >= Number(version));
  }
  t.diagnostic(
    `reads on the other node without x-s2s-min-version right after the write: ${missesWithoutToken}/${ROUNDS} missed`,
  );

  const never = await call(b, items, {
    headers: { authorization: authB, 'x-s2s-min-version': '999999999999' },
  });
  assert.equal(never.status, 503);
  assert.equal((JSON.parse(never.text) as { code: string }).code, 'ERR_STORE_VERSION_NOT_APPLIED');
  assert.equal(never.headers['retry-after'], '1');
  const malformed = await call(b, items, { headers: { authorization: authB, 'x-s2s-min-version': 'soon' } });
  assert.equal(malformed.status, 400);
  assert.equal((JSON.parse(malformed.text) as { code: string }).code, 'ERR_INVALID_INPUT');
});
