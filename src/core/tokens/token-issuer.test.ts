import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import { PRINCIPAL_IDS } from '../shared/principals.ts';
import { buildActAsToken, buildActorToken, NII_ACTIVE_DIRECTORY } from './token-issuer.ts';
import { formatAudience } from './principal-name.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const HOUR = 3600_000;
let cert: TestCertificate;
before(async () => {
  cert = await makeCertificate({ subject: 'CN=pool.contoso.com' });
});

const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
const audience = formatAudience(PRINCIPAL_IDS.exchange, 'Mail.Contoso.com', 'Contoso.com');

function actorToken(expiresAt = new Date(NOW.getTime() + 24 * HOUR)) {
  return buildActorToken({
    audience,
    issuer: `${PRINCIPAL_IDS.lync}@contoso.com`,
    notBefore: NOW,
    expiresAt,
    signer: { x5t: cert.x5t, privateKey: cert.privateKey },
  });
}

describe('token issuer', () => {
  test('the actor token has the §2.3 header and string claims in Exchange order, lower case', () => {
    const [h, p] = actorToken().split('.') as [string, string, string];
    assert.deepEqual(decode(h), { typ: 'JWT', alg: 'RS256', x5t: cert.x5t, kid: cert.x5t });
    const claims = decode(p);
    assert.deepEqual(Object.keys(claims), ['aud', 'iss', 'nbf', 'exp', 'nameid', 'trustedfordelegation']);
    assert.equal(claims.aud, `${PRINCIPAL_IDS.exchange}/mail.contoso.com@contoso.com`);
    assert.equal(claims.nameid, claims.iss);
    assert.equal(claims.nbf, String(NOW.getTime() / 1000));
    assert.equal(claims.exp, String(NOW.getTime() / 1000 + 86400));
    assert.equal(claims.trustedfordelegation, 'true');
  });

  test('our actor tokens verify with jose against the certificate (independent implementation)', async () => {
    const key = await jose.importX509(cert.pem, 'RS256');
    const { protectedHeader, payload } = await jose.compactVerify(actorToken(), key, {
      algorithms: ['RS256'],
    });
    assert.equal(protectedHeader.x5t, cert.x5t);
    assert.equal(JSON.parse(new TextDecoder().decode(payload)).iss, `${PRINCIPAL_IDS.lync}@contoso.com`);
  });

  test('the act-as token is unsigned, carries the user and the actor, and is capped by the actor expiry', async () => {
    const actor = actorToken(new Date(NOW.getTime() + 2 * HOUR));
    const token = buildActAsToken({
      audience,
      issuer: `${PRINCIPAL_IDS.lync}@contoso.com`,
      notBefore: NOW,
      expiresAt: new Date(NOW.getTime() + 8 * HOUR),
      user: {
        nameid: 's-1-5-21-7',
        nii: NII_ACTIVE_DIRECTORY,
        smtp: 'a@contoso.com',
        sip: 'a@contoso.com',
        upn: 'a@contoso.com',
      },
      actorToken: actor,
      actorExpiresAt: new Date(NOW.getTime() + 2 * HOUR),
    });
    assert.ok(token.endsWith('.'));
    const [h, p, s] = token.split('.');
    assert.equal(s, '');
    assert.deepEqual(decode(h!), { typ: 'JWT', alg: 'none' });
    const claims = decode(p!);
    assert.deepEqual(Object.keys(claims), [
      'aud',
      'iss',
      'nbf',
      'exp',
      'nameid',
      'nii',
      'smtp',
      'sip',
      'upn',
      'actortoken',
    ]);
    assert.equal(claims.exp, String(NOW.getTime() / 1000 + 2 * 3600));
    assert.equal(claims.actortoken, actor);
    // jose reads the header of the unsecured JWT and verifies the actor inside (its UnsecuredJWT.decode
    // refuses the string nbf/exp of the SharePoint profile, docs/protocol.md §2.1, so it is not used here)
    assert.deepEqual(jose.decodeProtectedHeader(token), { typ: 'JWT', alg: 'none' });
    await jose.compactVerify(claims.actortoken, await jose.importX509(cert.pem, 'RS256'));
  });
});
