// test-file-timeout: 600s
/**
 * The CLI in remote mode (docs/admin.md "Remote administration"): `--server https://… --token-file …
 * --server-ca …` runs the same commands through the administration API with the same output as on the
 * server; the token's role decides, refusals print the same one-line errors, local-only commands and a
 * missing token file or an untrusted server are refused, and a remote change is audited as the token.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, memoryIo } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';
import { toPem } from '../../src/ca/index.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import { startAdminServer } from '../admin/admin-server.ts';
import type { AdminServer } from '../admin/admin-server.ts';

describe('s2s --server: the CLI through the administration API', () => {
  let s: AdminServer;
  let dir: string;
  let remote: (
    role: keyof AdminServer['tokens'],
    ...argv: string[]
  ) => Promise<{ code: number; out: string; err: string }>;
  let local: (...argv: string[]) => Promise<{ code: number; out: string; err: string }>;

  before(async () => {
    s = await startAdminServer();
    dir = mkdtempSync(join(tmpdir(), 's2s-remote-'));
    const roots = await s.d.services.ca.trustedRoots.list();
    writeFileSync(
      join(dir, 'ca.pem'),
      roots.map((r) => toPem(Buffer.from(r.certificate, 'base64'))).join(''),
    );
    for (const [role, token] of Object.entries(s.tokens))
      writeFileSync(join(dir, `${role}.token`), `${token}\n`, { mode: 0o600 });
    const run = async (env: Record<string, string>, argv: string[]) => {
      const mem = memoryIo(env);
      const code = await runCli(argv, cliEnvironment(mem.io));
      return { code, out: mem.out(), err: mem.err() };
    };
    // A client machine: no S2S_HOME of the server, no master key.
    const client = { S2S_HOME: join(dir, 'client-home') };
    remote = (role, ...argv) =>
      run(client, [
        '--server',
        `https://127.0.0.1:${s.server.port}`,
        '--token-file',
        join(dir, `${role}.token`),
        '--server-ca',
        join(dir, 'ca.pem'),
        ...argv,
      ]);
    local = (...argv) => run({ ...s.env }, argv);
  });
  after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('reads print exactly what the local command prints', async () => {
    for (const argv of [
      ['oauth', 'get'],
      ['certificate', 'list', '--json'],
      ['certificate', 'get'],
      ['admin', 'list', '--json'],
      ['admin', 'role', 'list'],
      ['trusted-root', 'list'],
      ['ca', 'show'],
      ['partner', 'get', '--json'],
    ]) {
      const [l, r] = [await local(...argv), await remote('read-only', ...argv)];
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.err}`);
      assert.equal(r.out, l.out, argv.join(' '));
    }
  });

  test("a change is made with the token's role and audited as the token; files travel as bytes", async () => {
    const cert = await makeCertificate({ subject: 'CN=remote.contoso.com', freshKey: true });
    writeFileSync(join(dir, 'remote.cer'), cert.pem);
    writeFileSync(join(dir, 'remote.key'), cert.keyPem, { mode: 0o600 });
    const files = ['--path', join(dir, 'remote.cer'), '--key-path', join(dir, 'remote.key')];
    const refused = await remote('partner', 'certificate', 'import', ...files);
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.err,
      /^error ERR_ADMIN_FORBIDDEN: the role partner may not run certificates\.import/,
    );
    const done = await remote('certificate', 'certificate', 'import', ...files, '--json');
    assert.equal(done.code, 0, done.err + done.out);
    assert.ok((await s.d.services.certificates.list()).some((c) => c.subject.includes('remote.contoso.com')));
    const audit = await local('audit', 'list', '--actor', 'token:certificate-token', '--json');
    const entries = (
      JSON.parse(audit.out) as {
        entries: Array<{ operation: string; outcome: string; actor: { via: string; from: string } }>;
      }
    ).entries;
    assert.deepEqual(
      entries.map((e) => [e.operation, e.outcome, e.actor.via]),
      [['certificates.import', 'success', 'api']],
    );
    const viaRemote = await remote('read-only', 'audit', 'list', '--actor', 'token:certificate-token');
    assert.match(
      viaRemote.out,
      /success\s+token:certificate-token \(certificate, api from 127\.0\.0\.1\)\s+certificates\.import/,
    );
  });

  test('a refusal prints the same one-line error as locally; the exit code follows its category', async () => {
    const [l, r] = [
      await local('partner', 'get', '--identity', 'nobody'),
      await remote('full', 'partner', 'get', '--identity', 'nobody'),
    ];
    assert.equal(r.err, l.err);
    assert.equal(r.code, l.code);
  });

  test('local-only commands, a missing token file, an untrusted server are refused', async () => {
    const init = await remote('full', 'init', '--realm', 'x.com');
    assert.match(init.err, /^error ERR_ADMIN_LOCAL_ONLY/);
    const backup = await remote('full', 'backup', 'create', '--output', join(dir, 'b'));
    assert.match(backup.err, /^error ERR_ADMIN_LOCAL_ONLY/);
    const mem = memoryIo({ S2S_HOME: join(dir, 'h2') });
    const code = await runCli(
      ['--server', `https://127.0.0.1:${s.server.port}`, 'oauth', 'get'],
      cliEnvironment(mem.io),
    );
    assert.notEqual(code, 0);
    assert.match(mem.err(), /^error ERR_ADMIN_TOKEN_FILE/);
    const untrusted = memoryIo({ S2S_HOME: join(dir, 'h3') });
    await runCli(
      [
        '--server',
        `https://127.0.0.1:${s.server.port}`,
        '--token-file',
        join(dir, 'full.token'),
        'oauth',
        'get',
      ],
      cliEnvironment(untrusted.io),
    );
    assert.match(
      untrusted.err(),
      /^error ERR_ADMIN_REMOTE_FAILED: cannot reach https:\/\/127\.0\.0\.1:\d+: (SELF_SIGNED|UNABLE_TO|DEPTH)/,
    );
    const plain = memoryIo({});
    await runCli(
      ['--server', 'http://127.0.0.1:1', '--token-file', join(dir, 'full.token'), 'oauth', 'get'],
      cliEnvironment(plain.io),
    );
    assert.match(plain.err(), /https:\/\/ URL/);
  });
});
