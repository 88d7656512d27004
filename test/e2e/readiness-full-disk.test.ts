/**
 * Readiness on a full disk (docs/server.md "Readiness"): a single server on SQLite whose data
 * directory is a tiny tmpfs. Once the file system is full every write fails (SQLITE_FULL →
 * ERR_STORE_UNAVAILABLE): /readyz must say `degraded` with the reason code `store-writes-failing`
 * (and nothing more without the operations token), while the metadata document and token validation
 * keep serving; once space is freed and a write succeeds it is `ready` again.
 *
 * The full disk is real: a 4 MiB tmpfs mounted for the test (needs CAP_SYS_ADMIN, as root in CI). Where
 * mounting is not permitted the test is skipped with a note, except with CI=true where it fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Agent, request } from 'undici';
import { resolveNodeConfig } from '../../src/config/node-config.ts';
import { prepareBootstrap } from '../../src/main/bootstrap.ts';
import { openDeployment } from '../../src/main/deployment.ts';
import { createServerLogger } from '../../src/main/server-logger.ts';
import { startServer } from '../../src/main/server.ts';
import { selfPartner } from '../fixtures/self-partner.ts';

const OPS_TOKEN = randomBytes(24).toString('base64url');

function mountTmpfs(dir: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr ?? err).trim();
  }
}

/** Writes filler files until the file system refuses (ENOSPC). */
function fillUp(dir: string): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `filler-${i}`), chunk);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw err;
    }
  }
}

test('a full disk: /readyz is degraded (store-writes-failing, no details without the token) while validation and metadata keep serving', async (t) => {
  const mountPoint = mkdtempSync(join(tmpdir(), 's2s-full-disk-'));
  const refused = mountTmpfs(mountPoint);
  if (refused !== undefined) {
    rmSync(mountPoint, { recursive: true, force: true });
    const note = `cannot mount a tmpfs (${refused})`;
    if (process.env.CI === 'true') throw new Error(`${note}; CI=true requires the full-disk test`);
    t.skip(`${note}: skipped`);
    return;
  }
  const home = join(mountPoint, 'home');
  const filler = join(mountPoint, 'filler');
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(filler);
  const config = resolveNodeConfig(
    { home, node: 'fe1.contoso.com', listen: '127.0.0.1:0' },
    { S2S_MASTER_KEY: randomBytes(32).toString('hex') },
  );
  const deployment = await openDeployment(config, { serverNode: true });
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  const servers: Array<Awaited<ReturnType<typeof startServer>>> = [];
  t.after(async () => {
    await agent.close();
    for (const s of servers) await s.close();
    await deployment.close();
    execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });
  await prepareBootstrap(deployment, {});
  await deployment.store.write([
    { op: 'put', kind: 'partner', key: 'self', body: selfPartner(), expect: 'absent' },
  ]);
  const server = await startServer(deployment, {
    listen: config.listen,
    logger: createServerLogger({ level: 'fatal', destination: new Writable({ write: (_c, _e, d) => d() }) }),
    opsToken: OPS_TOKEN,
    refreshTickMs: 3_600_000,
  });
  servers.push(server);
  const get = async (path: string, token?: string) => {
    const res = await request(`${server.url}${path}`, {
      dispatcher: agent,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const text = await res.body.text();
    return { status: res.statusCode, text };
  };
  assert.deepEqual(JSON.parse((await get('/readyz')).text), { status: 'ready', reasons: [] });

  fillUp(filler);
  await assert.rejects(
    deployment.services.storage.addUser({
      sip: 'alice@contoso.com',
      smtp: 'alice@contoso.com',
      upn: 'alice@contoso.com',
    }),
    (err: unknown) => (err as { code?: string }).code === 'ERR_STORE_UNAVAILABLE',
  );

  const open = await get('/readyz');
  assert.equal(open.status, 200, 'degraded still serves');
  assert.deepEqual(JSON.parse(open.text), { status: 'degraded', reasons: ['store-writes-failing'] });
  assert.doesNotMatch(open.text, /SQLITE|s2s\.db|\/tmp|contoso|https?:/i, 'no internal details');
  const detailed = JSON.parse((await get('/readyz', OPS_TOKEN)).text) as {
    checks: Array<{ name: string; reason?: string; detail: string }>;
  };
  const writes = detailed.checks.find((c) => c.name === 'store-writes');
  assert.equal(writes?.reason, 'store-writes-failing');
  assert.match(writes?.detail ?? '', /SQLITE_FULL/, 'the operator sees the cause with the token');
  assert.equal((await get('/readyz', 'wrong-token')).text, open.text, 'a wrong token sees the public view');

  // Validation and the metadata document keep serving from the store's reads.
  assert.equal((await get('/metadata/json/1')).status, 200);
  const issued = await deployment.services.tokens.issue({ partner: 'self', host: 'fe1.contoso.com' });
  const outcome = await deployment.services.tokens.validate({
    authorization: `Bearer ${issued.token}`,
    requestUrl: 'https://fe1.contoso.com/storage/v1/items',
  });
  assert.ok(outcome.ok, 'a token validates on a full disk');

  // Space comes back: the next write succeeds and readiness with it.
  rmSync(filler, { recursive: true, force: true });
  await deployment.services.storage.addUser({
    sip: 'alice@contoso.com',
    smtp: 'alice@contoso.com',
    upn: 'alice@contoso.com',
  });
  assert.deepEqual(JSON.parse((await get('/readyz')).text), { status: 'ready', reasons: [] });
});

test('/metrics requires the operations token when one is set', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 's2s-ops-token-'));
  const config = resolveNodeConfig(
    { home, node: 'fe1.contoso.com', listen: '127.0.0.1:0' },
    { S2S_MASTER_KEY: randomBytes(32).toString('hex') },
  );
  const deployment = await openDeployment(config, { serverNode: true });
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  await prepareBootstrap(deployment, {});
  const server = await startServer(deployment, {
    listen: config.listen,
    logger: createServerLogger({ level: 'fatal', destination: new Writable({ write: (_c, _e, d) => d() }) }),
    opsToken: OPS_TOKEN,
    refreshTickMs: 3_600_000,
  });
  t.after(async () => {
    await agent.close();
    await server.close();
    await deployment.close();
    rmSync(home, { recursive: true, force: true });
  });
  const metrics = async (token?: string) => {
    const res = await request(`${server.url}/metrics`, {
      dispatcher: agent,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.statusCode, text: await res.body.text(), auth: res.headers['www-authenticate'] };
  };
  const refused = await metrics();
  assert.equal(refused.status, 401);
  assert.equal((JSON.parse(refused.text) as { code: string }).code, 'ERR_SERVER_OPS_TOKEN');
  assert.match(String(refused.auth), /^Bearer/);
  assert.equal((await metrics('not-the-token')).status, 401);
  const served = await metrics(OPS_TOKEN);
  assert.equal(served.status, 200);
  assert.match(served.text, /# TYPE/);
});
