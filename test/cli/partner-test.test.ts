/**
 * `s2s partner test --identity …` between two real s2s deployments on 127.0.0.1 (each its own TLS root):
 * while the partner does not trust us, the call step fails and says what is missing; once it registered
 * our metadata, every step passes (exit 0). No mailbox is touched.
 */
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runS2s, startServerNode } from '../fixtures/s2s-process.ts';

const EXCHANGE = '00000002-0000-0ff1-ce00-000000000000';

describe('partner test', () => {
  let dir: string;
  const us = () => ({ S2S_HOME: join(dir, 'us'), S2S_NODE: 'lync.contoso.com' });
  const them = () => ({ S2S_HOME: join(dir, 'them'), S2S_NODE: 'exchange.contoso.com' });
  const ok = async (argv: string[], env: Record<string, string>) => {
    const r = await runS2s(argv, env);
    assert.equal(r.code, 0, `s2s ${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  let ourUrl: string;
  let theirUrl: string;
  const stops: (() => Promise<void>)[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-partner-test-'));
    await ok(['init', '--realm', 'contoso.com', '--service-name', EXCHANGE], them());
    const scope = { after: (fn: () => Promise<void>) => stops.push(fn) } as unknown as TestContext;
    const [a, b] = [
      startServerNode(scope, ['--bootstrap', '--listen', '127.0.0.1:0'], us()),
      startServerNode(scope, ['--bootstrap', '--listen', '127.0.0.1:0'], them()),
    ];
    [ourUrl, theirUrl] = await Promise.all([a.ready, b.ready]);
    await ok(['trusted-root', 'export', '--output', join(dir, 'them-root.pem')], them());
    // Our own root, exported while it is the only one we trust.
    await ok(['trusted-root', 'export', '--output', join(dir, 'us-root.pem')], us());
    await ok(['trusted-root', 'add', '--path', join(dir, 'them-root.pem')], us());
    await ok(
      [
        'partner',
        'new',
        '--identity',
        'exchange',
        '--trust-level',
        'Full',
        '--metadata-url',
        `${theirUrl}/metadata/json/1`,
      ],
      us(),
    );
  });
  after(async () => {
    for (const stop of stops) await stop();
  });

  test('the partner does not trust us yet: the call step fails and names what is missing', async () => {
    const r = await runS2s(['partner', 'test', '--identity', 'exchange'], us());
    assert.equal(r.code, 5, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(
      lines[0]!,
      /^✔ Find the partner registration — exchange \(trust Full\), served at https:\/\/127\.0\.0\.1:\d+\/storage\/v1$/,
    );
    assert.match(
      lines[1]!,
      /^✔ Fetch the partner's metadata document and its signing keys — .* answered 200 with 1 signing key$/,
    );
    assert.match(
      lines[2]!,
      /^✔ Issue an app-only token for the partner — app-only token, audience host 127\.0\.0\.1:\d+$/,
    );
    assert.match(lines[3]!, /^✖ Call the partner's metadata-protected endpoint with it — /);
    assert.match(r.stderr, /^error ERR_CONNECTIVITY_UNAUTHORIZED: .* — fix: /);
    const json = await runS2s(['--json', 'partner', 'test', '--identity', 'exchange'], us());
    const doc = JSON.parse(json.stdout) as {
      error: { code: string; details: { steps: { status: string }[] } };
    };
    assert.equal(doc.error.code, 'ERR_CONNECTIVITY_UNAUTHORIZED');
    assert.deepEqual(
      doc.error.details.steps.map((s) => s.status),
      ['passed', 'passed', 'passed', 'failed'],
    );
  });

  test('once the partner registered our metadata, every step passes', async () => {
    await ok(['trusted-root', 'add', '--path', join(dir, 'us-root.pem')], them());
    await ok(
      [
        'partner',
        'new',
        '--identity',
        'lync',
        '--trust-level',
        'Full',
        '--metadata-url',
        `${ourUrl}/metadata/json/1`,
      ],
      them(),
    );
    const r = await runS2s(['partner', 'test', '--identity', 'exchange'], us());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /^✔ Call the partner's metadata-protected endpoint with it — GET https:\/\/127\.0\.0\.1:\d+\/storage\/v1\/folders answered 200: the partner accepted our token$/m,
    );
    assert.match(r.stdout, /^trust with exchange: passed$/m);
    const json = JSON.parse(await ok(['--json', 'partner', 'test', '--identity', 'exchange'], us())) as {
      passed: boolean;
    };
    assert.equal(json.passed, true);
  });

  test('an unknown partner is refused with its code', async () => {
    const r = await runS2s(['partner', 'test', '--identity', 'nobody'], us());
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      /^error ERR_CONNECTIVITY_PARTNER_NOT_FOUND: no partner application 'nobody' is registered — fix: /,
    );
  });
});
