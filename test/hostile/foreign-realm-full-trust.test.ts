/**
 * Full trust for another realm (docs/security.md "Full trust for another realm"): Full trust lets a partner
 * act as any user of our realm (docs/protocol.md §4). Registering a partner of another realm with Full trust —
 * by static certificate or metadata — or raising one to Full is warned about
 * (WARN_PARTNER_FOREIGN_REALM_FULL_TRUST); same-realm Full trust and foreign-realm Application trust are not.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCertificate } from '../fixtures/certificates.ts';
import { hostileWorld, REALM, s2s } from './hostile-deployment.ts';
import type { HostileWorld } from './hostile-deployment.ts';

const WARNING = 'WARN_PARTNER_FOREIGN_REALM_FULL_TRUST';
let w: HostileWorld;
let certFile = '';

before(async () => {
  w = await hostileWorld();
  const cert = await makeCertificate({ subject: 'CN=mail.fabrikam.com', freshKey: true });
  certFile = join(w.home, 'fabrikam.cer');
  writeFileSync(certFile, cert.der);
});
after(async () => w?.close());

const register = (identity: string, appId: string, realm: string, trust: string, ...more: string[]) =>
  s2s(
    w.env,
    'partner',
    'new',
    '--identity',
    identity,
    '--application-identifier',
    appId,
    '--realm',
    realm,
    '--certificate-file',
    certFile,
    '--trust-level',
    trust,
    ...more,
  );

describe('a partner of another realm with Full trust is warned about at registration', () => {
  test('partner new --trust-level Full for realm fabrikam.com warns (human and --json)', async () => {
    const r = await register(
      'fabrikam.exchange',
      '00000002-0000-0ff1-ce00-000000000000',
      'fabrikam.com',
      'Full',
    );
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.err,
      new RegExp(`^warning ${WARNING}: .*fabrikam\\.com.*${REALM.replace('.', '\\.')}`, 'm'),
    );
    const j = await register(
      'fabrikam.sp',
      '00000003-0000-0ff1-ce00-000000000000',
      'Fabrikam.COM',
      'Full',
      '--json',
    );
    assert.equal(j.code, 0, j.err);
    assert.ok(
      (JSON.parse(j.out).warnings as Array<{ code: string }>).some((x) => x.code === WARNING),
      'the --json document lists the warning',
    );
  });

  test('same-realm Full trust and foreign-realm Application trust are not warned about', async () => {
    const same = await register(
      'contoso.sp',
      '11111111-0000-0000-0000-000000000001',
      REALM.toUpperCase(),
      'Full',
    );
    assert.equal(same.code, 0, same.err);
    assert.ok(!same.err.includes(WARNING), same.err);
    const app = await register(
      'fabrikam.app',
      '11111111-0000-0000-0000-000000000002',
      'fabrikam.com',
      'Application',
    );
    assert.equal(app.code, 0, app.err);
    assert.ok(!app.err.includes(WARNING), app.err);
  });

  test('raising a foreign-realm partner to Full with partner set warns too', async () => {
    const r = await s2s(w.env, 'partner', 'set', '--identity', 'fabrikam.app', '--trust-level', 'Full');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, new RegExp(`^warning ${WARNING}: `, 'm'));
  });
});
