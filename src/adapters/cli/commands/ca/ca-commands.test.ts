import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../run-cli.ts';
import { memoryIo } from '../../cli-io.ts';
import type { CliDeployment, CliEnvironment } from '../../cli-context.ts';
import { resolveNodeConfig } from '../../../../config/node-config.ts';
import { toPem } from '../../../../ca/index.ts';
import { testCaDeployment, testCaKeys } from '../../../../services/ca/ca-test-deployment.ts';

async function cli() {
  const d = await testCaDeployment();
  await d.ca.authority.init({ keys: testCaKeys() });
  const config = resolveNodeConfig({ node: 'fe1.contoso.com' }, {});
  const deployment: CliDeployment = {
    config,
    store: d.store,
    clock: d.clock,
    services: d.services,
    close: async () => {},
  };
  const run = async (...argv: string[]) => {
    const { io, out, err } = memoryIo();
    const env: CliEnvironment = { io, openDeployment: async () => deployment, resolveConfig: () => config };
    const code = await runCli(argv, env);
    return { code, out: out(), err: err(), json: () => JSON.parse(out()) };
  };
  return { run, d };
}

describe('CLI: certificate request, ca and trusted-root', () => {
  test('an online request needs --yes without a terminal, then issues and assigns', async () => {
    const { run } = await cli();
    const refused = await run('certificate', 'request', '--type', 'Default', '--ca', 'internal', '--json');
    assert.equal(refused.code, 2);
    assert.equal(refused.json().error.code, 'ERR_CA_CONFIRMATION_REQUIRED');
    const issued = await run(
      'certificate',
      'request',
      '--type',
      'OAuthTokenIssuer',
      '--ca',
      'internal',
      '--yes',
      '--json',
    );
    assert.equal(issued.code, 0, issued.out);
    const body = issued.json();
    assert.equal(body.status, 'issued');
    assert.deepEqual(body.result.assigned, ['OAuthTokenIssuer']);
    // Checked against the CA's own root, which is not a trusted root for TLS (docs/ca.md "Trusting the root").
    assert.ok(!body.warnings.some((w: { code: string }) => w.code === 'WARN_CA_ROOT_UNTRUSTED'));
    const tooSmall = await run(
      'certificate',
      'request',
      '--type',
      'OAuthTokenIssuer',
      '--ca',
      'internal',
      '--key-size',
      '1024',
      '--yes',
    );
    assert.equal(tooSmall.code, 5);
    assert.match(tooSmall.err, /ERR_CA_KEY_TOO_SMALL/);
  });

  test('offline: writes the request, lists, retrieves and clears it', async () => {
    const { run } = await cli();
    const dir = mkdtempSync(join(tmpdir(), 's2s-cli-req-'));
    try {
      const file = join(dir, 'request.pem');
      const made = await run('certificate', 'request', '--type', 'Default', '--output', file, '--yes');
      assert.equal(made.code, 0, made.err);
      assert.match(readFileSync(file, 'utf8'), /BEGIN CERTIFICATE REQUEST/);
      assert.match(made.out, /s2s certificate import --path/);
      assert.equal((await run('certificate', 'request', '--list', '--json')).json().requests.length, 1);
      const again = join(dir, 'again.pem');
      assert.equal(
        (await run('certificate', 'request', '--retrieve', '--request-id', '1', '--output', again)).code,
        0,
      );
      assert.equal(readFileSync(again, 'utf8'), readFileSync(file, 'utf8'));
      assert.equal((await run('certificate', 'request', '--clear', '--request-id', '9')).code, 3);
      assert.equal((await run('certificate', 'request', '--clear', '--request-id', '1')).code, 0);
      assert.equal((await run('certificate', 'request', '--list', '--json')).json().requests.length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('ca show, template add/list, account add, trusted-root add/list/remove', async () => {
    const { run, d } = await cli();
    const dir = mkdtempSync(join(tmpdir(), 's2s-cli-ca-'));
    try {
      assert.equal((await run('ca', 'show', '--json')).json().templates[0], 'WebServer');
      assert.equal((await run('ca', 'template', 'add', '--name', 'Client', '--eku', 'clientAuth')).code, 0);
      assert.equal((await run('ca', 'template', 'add', '--name', 'Bad', '--key-usage', 'nope')).code, 2);
      assert.deepEqual(
        (await run('ca', 'template', 'list', '--json')).json().templates.map((t: { name: string }) => t.name),
        ['Client', 'WebServer'],
      );
      writeFileSync(join(dir, 'pw'), 'a long enough password\n');
      assert.equal(
        (await run('ca', 'account', 'add', '--name', 'enroller', '--password-file', join(dir, 'pw'))).code,
        0,
      );
      assert.deepEqual(
        (await run('ca', 'account', 'list', '--json')).json().accounts.map((a: { name: string }) => a.name),
        ['enroller'],
      );
      const rootFile = join(dir, 'root.pem');
      writeFileSync(rootFile, toPem((await d.ca.authority.caChain())[0]!));
      const added = (await run('trusted-root', 'add', '--path', rootFile, '--json')).json();
      assert.equal(added.added, true);
      assert.equal((await run('trusted-root', 'list', '--json')).json().roots.length, 1);
      assert.equal((await run('trusted-root', 'remove', '--thumbprint', added.root.thumbprint)).code, 0);
      assert.equal((await run('trusted-root', 'remove', '--thumbprint', added.root.thumbprint)).code, 3);
      const crl = join(dir, 'ca.crl');
      assert.equal((await run('ca', 'crl', '--output', crl)).code, 0);
      assert.ok(existsSync(crl));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--help shows examples', async () => {
    const { run } = await cli();
    assert.match((await run('certificate', 'request', '--help')).out, /Examples:[\s\S]*--ca internal/);
    assert.match((await run('trusted-root', 'add', '--help')).out, /Example:/);
  });
});
