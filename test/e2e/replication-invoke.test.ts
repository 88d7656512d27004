// test-file-timeout: 600s
/**
 * `s2s replication invoke [--rebuild]` on a pool node over real PostgreSQL (docs/replication.md "Invoke"):
 * without a server the command re-syncs or rebuilds the node's replica itself; with the node's server
 * running it asks that server (request file + SIGUSR2) and reports its answer; on SQLite it is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from '../fixtures/certificates.ts';
import { freshPostgresUrl } from '../fixtures/postgres.ts';
import { runS2s, startServerNode } from '../fixtures/s2s-process.ts';

interface Invoked {
  node: string;
  via: 'server' | 'cli';
  pid?: number;
  rebuilt: boolean;
  appliedVersion: number;
}

test('replication invoke: directly, through the running server, with --rebuild; refused on SQLite', async (t) => {
  const url = await freshPostgresUrl(t);
  if (url === undefined) return;
  const dir = mkdtempSync(join(tmpdir(), 's2s-invoke-'));
  const env = {
    S2S_HOME: join(dir, 'fe01'),
    S2S_STORE: url,
    S2S_MASTER_KEY: randomBytes(32).toString('hex'),
    S2S_NODE: 'fe01.contoso.com',
    S2S_LISTEN: '127.0.0.1:0',
  };
  const ok = async (...argv: string[]) => {
    const r = await runS2s(argv, env);
    assert.equal(r.code, 0, `s2s ${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const head = async () =>
    (JSON.parse(await ok('--json', 'replication', 'status')) as { headVersion: number }).headVersion;
  const cert = await makeCertificate({
    subject: 'CN=fe01.contoso.com',
    dnsNames: ['fe01.contoso.com', 'contoso.com'],
  });
  writeFileSync(join(dir, 'cert.pem'), cert.pem + cert.keyPem);
  await ok('init', '--realm', 'contoso.com');
  await ok(
    'certificate',
    'import',
    '--path',
    join(dir, 'cert.pem'),
    '--type',
    'OAuthTokenIssuer,WebServicesInternal',
  );
  const replica = join(env.S2S_HOME, 'replica.sealed.json');

  // No server: the command builds/catches up the replica itself.
  const direct = JSON.parse(await ok('--json', 'replication', 'invoke')) as Invoked;
  assert.equal(direct.node, 'fe01.contoso.com');
  assert.equal(direct.via, 'cli');
  assert.equal(direct.rebuilt, false);
  assert.equal(direct.appliedVersion, await head());
  const before = statSync(replica).mtimeMs;
  await ok('user', 'add', '--sip', 'sip:a@contoso.com', '--smtp', 'a@contoso.com', '--upn', 'a@contoso.com');
  const rebuilt = JSON.parse(await ok('--json', 'replication', 'invoke', '--rebuild')) as Invoked;
  assert.equal(rebuilt.rebuilt, true);
  assert.equal(rebuilt.via, 'cli');
  assert.equal(rebuilt.appliedVersion, await head());
  assert.ok(statSync(replica).mtimeMs > before, 'the replica file was rewritten');

  // With the node's server running: the server does it and answers.
  const node = startServerNode(t, [], { ...env, S2S_LOG_LEVEL: 'info' });
  await node.ready;
  await ok('user', 'add', '--sip', 'sip:b@contoso.com', '--smtp', 'b@contoso.com', '--upn', 'b@contoso.com');
  const viaServer = JSON.parse(await ok('--json', 'replication', 'invoke')) as Invoked;
  assert.equal(viaServer.via, 'server');
  assert.equal(viaServer.pid, node.child.pid);
  assert.ok(viaServer.appliedVersion >= (await head()), JSON.stringify(viaServer));
  const mtime = statSync(replica).mtimeMs;
  const human = await ok('replication', 'invoke', '--rebuild');
  assert.match(human, /^Node\s+: fe01\.contoso\.com$/m);
  assert.match(human, /^Action\s+: rebuilt from a full copy of the central store$/m);
  assert.match(human, new RegExp(`^Through\\s+: the running server \\(pid ${node.child.pid}\\)$`, 'm'));
  assert.ok(statSync(replica).mtimeMs > mtime, 'the server rewrote its replica file');
  assert.match(node.output(), /"msg":"replication invoke"/);
  assert.equal(await node.stop(), 0);

  // SQLite: nothing replicates.
  const sqlite = await runS2s(['replication', 'invoke'], { S2S_HOME: join(dir, 'single') });
  assert.equal(sqlite.code, 5);
  assert.match(
    sqlite.stderr,
    /^error ERR_REPLICATION_NOT_A_POOL: .* is a SQLite store: one server reads it directly and nothing replicates — fix: /,
  );
});
