// test-file-timeout: 600s
/**
 * Automatic renewal in a three-node pool on PostgreSQL (docs/renewal.md "Pools"): node fe1 runs a renewal
 * pass in its own process and is SIGKILLed in the middle of it (after claiming the renewal, or after the CA
 * issued the successor and before it was stored); nodes fe2 and fe3 — real pool nodes serving from their
 * replicas — then run passes concurrently. The pool must end with exactly one staged successor: nothing from
 * the dead node, and only one of the two survivors renewing once fe1's lease has expired.
 * Survivors run on a ManualClock; polls have generous bounds only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NodeConfig } from '../../src/config/node-config.ts';
import { ManualClock, RENEWAL_DEFAULTS } from '../../src/core/index.ts';
import type { CertificateAssignment, RenewalState } from '../../src/core/index.ts';
import { WEB_SERVER_TEMPLATE } from '../../src/ca/index.ts';
import { buildDeployment, openDeployment } from '../../src/main/deployment.ts';
import type { Deployment } from '../../src/main/deployment.ts';
import { testCaKeys } from '../../src/services/ca/ca-test-deployment.ts';
import type { RenewalOutcome } from '../../src/services/index.ts';
import { PostgresDocumentStore } from '../../src/store/postgres/postgres-document-store.ts';
import { freshPostgresUrl } from '../fixtures/postgres.ts';

const root = resolve(import.meta.dirname, '../..');

/** The dying node: one renewal pass as pool node fe1 (S2S_FAILPOINT kills it midway). */
const CHILD = `
import { openDeployment } from '${root}/src/main/deployment.ts';
const config = JSON.parse(process.env.NODE_CONFIG);
const d = await openDeployment(config, { serverNode: true });
const outcomes = await d.services.renewal.runOnce();
await d.close();
process.stdout.write(JSON.stringify(outcomes));
`;

function nodeConfig(dir: string, url: string, key: string, name: string): NodeConfig {
  const home = join(dir, name);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  return {
    home,
    store: url,
    nodeName: `${name}.contoso.com`,
    masterKey: key,
    masterKeyFile: join(home, 'master.key'),
    listen: '127.0.0.1:0',
  };
}

async function prepare(
  url: string,
  dir: string,
  key: string,
): Promise<{ admin: Deployment; current: string }> {
  const admin = buildDeployment(nodeConfig(dir, url, key, 'admin'), await PostgresDocumentStore.open(url));
  const s = admin.services;
  await s.oauth.initialize({ realm: 'contoso.com', hostNames: ['pool.contoso.com'] });
  await s.ca.authority.init({ keys: testCaKeys() });
  // 20-day certificates under a 30-day window: in the window from the start (real time, for the child).
  await s.ca.authority.addTemplate({
    ...WEB_SERVER_TEMPLATE,
    name: 'Short',
    displayName: 'Short',
    validityDays: 20,
  });
  const outcome = await s.ca.request({ usages: ['OAuthTokenIssuer'], ca: 'internal', template: 'Short' });
  assert.equal(outcome.kind, 'issued');
  await s.renewal.setPolicy({ usage: 'OAuthTokenIssuer', ca: 'internal', template: 'Short' });
  return { admin, current: outcome.kind === 'issued' ? outcome.result.thumbprint : '' };
}

for (const failpoint of ['renewal.after-claim', 'renewal.after-issue'] as const) {
  test(`a node killed at ${failpoint} leaves nothing; one survivor stages exactly one successor`, async (t) => {
    const url = await freshPostgresUrl(t);
    if (!url) return;
    const dir = mkdtempSync(join(tmpdir(), 's2s-renewal-pool-'));
    const key = randomBytes(32).toString('hex');
    const opened: Deployment[] = [];
    t.after(async () => {
      for (const d of opened.reverse()) await d.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    });
    const { admin, current } = await prepare(url, dir, key);
    opened.push(admin);
    const issuedBefore = (await admin.services.ca.authority.issued()).length;

    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: root,
      env: {
        ...process.env,
        S2S_FAILPOINT: failpoint,
        NODE_CONFIG: JSON.stringify(nodeConfig(dir, url, key, 'fe1')),
      },
      encoding: 'utf8',
    });
    assert.equal(child.signal, 'SIGKILL', `fe1 died at the failpoint (stderr: ${child.stderr})`);

    const state = await admin.store.get<RenewalState>('renewal', 'global/OAuthTokenIssuer');
    assert.equal(state?.body.lease?.node, 'fe1.contoso.com', 'fe1 had claimed the renewal');
    const before = await admin.store.get<CertificateAssignment>('assignment', 'global/OAuthTokenIssuer');
    assert.equal(before?.body.staged, null, 'nothing staged by the dead node');
    assert.equal((await admin.store.list('certificate')).length, 1, 'no certificate stored by the dead node');
    if (failpoint === 'renewal.after-issue')
      assert.equal(
        (await admin.services.ca.authority.issued()).length,
        issuedBefore + 1,
        'the CA had issued',
      );

    const clock = new ManualClock();
    const survivors: Deployment[] = [];
    for (const name of ['fe2', 'fe3']) {
      const d = await openDeployment(nodeConfig(dir, url, key, name), { serverNode: true, clock });
      opened.push(d);
      survivors.push(d);
    }
    const pass = async (): Promise<RenewalOutcome[]> =>
      (await Promise.all(survivors.map((d) => d.services.renewal.runOnce()))).flat();

    // While fe1's lease lasts, nobody renews.
    const early = await pass();
    assert.deepEqual(
      early.filter((o) => o.result === 'staged'),
      [],
      'no renewal while the dead node holds the lease',
    );
    const status = await survivors[0]!.services.renewal.status();
    assert.equal(status.find((s) => s.usage === 'OAuthTokenIssuer')?.nextAction, 'in-progress');

    clock.advance((RENEWAL_DEFAULTS.leaseSeconds + 60) * 1000);
    const outcomes: RenewalOutcome[] = [];
    for (let round = 0; round < 100 && !outcomes.some((o) => o.result === 'staged'); round++) {
      outcomes.push(...(await pass()));
      await new Promise((r) => setTimeout(r, 100)); // replicas catch up with a write of the other node
    }
    for (let round = 0; round < 5; round++) {
      outcomes.push(...(await pass()));
      await new Promise((r) => setTimeout(r, 100));
    }
    const staged = outcomes.filter((o) => o.result === 'staged');
    assert.equal(staged.length, 1, `exactly one successor: ${JSON.stringify(outcomes)}`);
    assert.deepEqual(
      outcomes.filter((o) => o.result === 'failed'),
      [],
      'no failed attempt',
    );
    const after = await admin.store.get<CertificateAssignment>('assignment', 'global/OAuthTokenIssuer');
    assert.equal(after?.body.current, current, 'the current certificate is untouched');
    assert.equal(after?.body.staged?.thumbprint, staged[0]!.thumbprint);
    const certificates = await admin.store.list('certificate');
    assert.deepEqual(certificates.map((c) => c.key).sort(), [current, staged[0]!.thumbprint].sort());
    const finalState = await admin.store.get<RenewalState>('renewal', 'global/OAuthTokenIssuer');
    assert.equal(finalState?.body.lease, null, 'the lease was released with the successor');
    assert.equal(finalState?.body.lastStaged?.thumbprint, staged[0]!.thumbprint);
  });
}
