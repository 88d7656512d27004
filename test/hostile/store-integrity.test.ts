/**
 * Store integrity (docs/store.md "Integrity"; docs/security.md §6.4): whoever can write the database
 * (the SQLite file, a pool's PostgreSQL) but not the master key cannot widen trust or export a key. One
 * SQL UPDATE that turns an Application-trust partner Full, or marks a key exportable, is refused with
 * ERR_STORE_INTEGRITY, logged at error level and counted; a MAC moved to another document fails; a store
 * written before MACs existed is sealed on first use, and removing the integrity marker afterwards is refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDeployment, resolveNodeConfig } from '../../src/index.ts';
import { openStore } from '../../src/main/open-store.ts';
import { integrityViolations } from '../../src/main/integrity-violations.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import { adminQuery, freshPostgresUrl } from '../fixtures/postgres.ts';
import { APP_PARTNER, hostileWorld, REALM, s2s } from './hostile-deployment.ts';
import type { HostileWorld } from './hostile-deployment.ts';

/** Runs one SQL statement on the world's SQLite file, as an attacker with file access would. */
function sqlite(world: HostileWorld, sql: string, ...params: unknown[]): number {
  const db = new Database(join(world.home, 's2s.db'));
  try {
    return db.prepare(sql).run(...params).changes;
  } finally {
    db.close();
  }
}

const PROMOTE_APP_PARTNER = `UPDATE documents SET body = json_set(body, '$.trustLevel', 'Full')
  WHERE kind = 'partner' AND key = 'app-only'`;

describe('a SQL UPDATE on the SQLite file cannot widen trust or export a key', () => {
  let world: HostileWorld;
  before(async () => (world = await hostileWorld()));
  after(async () => world?.close());

  test('an Application-trust partner turned Full by SQL is refused ERR_STORE_INTEGRITY (service and CLI)', async () => {
    assert.equal((await world.d.services.partners.get('app-only')).partner.trustLevel, 'Application');
    const before = integrityViolations.counts().get('partner') ?? 0;
    assert.equal(sqlite(world, PROMOTE_APP_PARTNER), 1);
    await assert.rejects(world.d.services.partners.get('app-only'), { code: 'ERR_STORE_INTEGRITY' });
    const r = await s2s(world.env, 'partner', 'get', '--identity', 'app-only');
    assert.equal(r.code, 5, r.err);
    assert.match(r.err, /^error ERR_STORE_INTEGRITY: .*partner "app-only"/);
    assert.ok((integrityViolations.counts().get('partner') ?? 0) > before, 'the violation is counted');
  });

  test('a non-exportable key marked exportable by SQL is not exported', async () => {
    const thumbprint = world.us.cert.thumbprint;
    assert.equal(
      sqlite(
        world,
        `UPDATE documents SET body = json_set(body, '$.exportable', json('true')) WHERE kind = 'certificate' AND key = ?`,
        thumbprint,
      ),
      1,
    );
    const out = join(world.home, 'stolen.pfx');
    const r = await s2s(
      { ...world.env, PW: 'export password' },
      'certificate',
      'export',
      '--thumbprint',
      thumbprint,
      '--path',
      out,
      '--password-env',
      'PW',
    );
    assert.notEqual(r.code, 0);
    assert.match(r.err, /ERR_STORE_INTEGRITY/);
    assert.equal(existsSync(out), false, 'no key file written');
  });

  test("a partner document copied over another partner's key (MAC and all) is refused", async () => {
    sqlite(
      world,
      `UPDATE documents SET body = (SELECT body FROM documents WHERE kind = 'partner' AND key = 'microsoft.exchange')
        WHERE kind = 'partner' AND key = 'microsoft.sharepoint'`,
    );
    await assert.rejects(world.d.services.partners.get('microsoft.sharepoint'), {
      code: 'ERR_STORE_INTEGRITY',
    });
  });

  test('a refused document is logged at error level (kind and key, never the body)', async () => {
    const lines: Array<{ obj: object; msg?: string }> = [];
    const logger = {
      info: () => undefined,
      warn: () => undefined,
      debug: () => undefined,
      error: (obj: object, msg?: string) => lines.push({ obj, ...(msg ? { msg } : {}) }),
    };
    const d = await openDeployment(resolveNodeConfig({}, world.env), { logger });
    try {
      await assert.rejects(d.services.partners.get('app-only'), { code: 'ERR_STORE_INTEGRITY' });
    } finally {
      await d.close();
    }
    const line = lines.find((l) => (l.obj as { event?: string }).event === 'store_integrity_violation');
    assert.ok(line, 'an error line');
    assert.deepEqual(line.obj, {
      event: 'store_integrity_violation',
      kind: 'partner',
      key: 'app-only',
      reason: 'mac-mismatch',
    });
  });
});

describe('documents written before the MAC existed', () => {
  let world: HostileWorld;
  before(async () => (world = await hostileWorld()));
  after(async () => world?.close());

  test('are sealed on first use; afterwards removing the marker, or a MAC, is refused', async () => {
    // Simulate a store from before: strip every MAC and the marker.
    sqlite(world, `UPDATE documents SET body = json_remove(body, '$._mac')`);
    sqlite(world, `DELETE FROM documents WHERE kind = 'counter' AND key = 'store-integrity'`);
    const d = await openDeployment(resolveNodeConfig({}, world.env));
    try {
      assert.equal((await d.services.partners.get('app-only')).partner.trustLevel, 'Application');
    } finally {
      await d.close();
    }
    const raw = await openStore(join(world.home, 's2s.db'));
    try {
      const partner = await raw.get<Record<string, unknown>>('partner', 'app-only');
      assert.equal(typeof partner?.body._mac, 'string', 'sealed');
      assert.ok(await raw.get('counter', 'store-integrity'), 'marker written');
    } finally {
      await raw.close();
    }
    // Now: a MAC stripped (to get a tampered document sealed) is refused ...
    sqlite(
      world,
      `UPDATE documents SET body = json_remove(json_set(body, '$.trustLevel', 'Full'), '$._mac') WHERE kind = 'partner' AND key = 'app-only'`,
    );
    const r = await s2s(world.env, 'partner', 'get', '--identity', 'app-only');
    assert.match(r.err, /^error ERR_STORE_INTEGRITY: /);
    // ... and so is removing the marker as well.
    sqlite(world, `DELETE FROM documents WHERE kind = 'counter' AND key = 'store-integrity'`);
    const again = await s2s(world.env, 'partner', 'get', '--identity', 'app-only');
    assert.match(again.err, /^error ERR_STORE_INTEGRITY: /);
  });
});

describe('a SQL UPDATE on PostgreSQL cannot widen trust', () => {
  test('an Application-trust partner turned Full by SQL is refused ERR_STORE_INTEGRITY', async (t) => {
    const url = await freshPostgresUrl(t);
    if (url === undefined) return;
    const schema = new URL(url).searchParams.get('schema')!;
    const env = {
      S2S_HOME: join(process.cwd(), 'nonexistent-home'),
      S2S_MASTER_KEY: randomBytes(32).toString('base64'),
      S2S_NODE: 'pool.contoso.com',
      S2S_STORE: url,
    };
    const d = await openDeployment(resolveNodeConfig({}, env));
    try {
      await d.services.oauth.initialize({ realm: REALM, hostNames: ['pool.contoso.com'] });
      const partner = await makeCertificate({ subject: 'CN=app.contoso.com' });
      await d.services.partners.create({
        identity: 'app-only',
        applicationIdentifier: APP_PARTNER,
        realm: REALM,
        certificate: partner.der,
        trustLevel: 'Application',
      });
      const updated = await adminQuery(
        `UPDATE "${schema}".documents SET body = jsonb_set(body::jsonb, '{trustLevel}', '"Full"')::text WHERE kind = 'partner' AND key = 'app-only'`,
      );
      assert.equal(updated.rowCount, 1);
      await assert.rejects(d.services.partners.get('app-only'), { code: 'ERR_STORE_INTEGRITY' });
    } finally {
      await d.close();
    }
  });
});
