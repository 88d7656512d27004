import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import { checkAssignment } from './certificate-rules.ts';
import type { AssignmentCheck } from './certificate-rules.ts';
import { describeCertificate } from './certificate-info.ts';
import { S2sError } from '../shared/errors.ts';

const NOW = new Date();
const DAY = 86400_000;

describe('assignment rules with real certificates', async () => {
  const good = describeCertificate(
    (await makeCertificate({ subject: 'CN=s2s.contoso.com', dnsNames: ['s2s.contoso.com'] })).der,
  );
  const small = describeCertificate((await makeCertificate({ keySize: 1024 })).der);
  const expired = describeCertificate(
    (
      await makeCertificate({
        notBefore: new Date(NOW.getTime() - 400 * DAY),
        notAfter: new Date(NOW.getTime() - DAY),
      })
    ).der,
  );
  const future = describeCertificate(
    (
      await makeCertificate({
        notBefore: new Date(NOW.getTime() + 10 * DAY),
        notAfter: new Date(NOW.getTime() + 400 * DAY),
      })
    ).der,
  );
  const sha1 = describeCertificate((await makeCertificate({ hash: 'SHA-1', subject: 'CN=contoso.com' })).der);
  const soon = describeCertificate(
    (await makeCertificate({ subject: 'CN=contoso.com', notAfter: new Date(NOW.getTime() + 10 * DAY) })).der,
  );
  const base: AssignmentCheck = {
    info: good,
    hasPrivateKey: true,
    usage: 'OAuthTokenIssuer',
    identity: 'global',
    now: NOW,
    realm: 'contoso.com',
    sha1Policy: 'warn',
  };
  const codes = (check: Partial<AssignmentCheck>) =>
    checkAssignment({ ...base, ...check }).map((w) => w.code);

  const refusals: Array<[string, Partial<AssignmentCheck>, string]> = [
    ['1024-bit key for OAuthTokenIssuer', { info: small }, 'ERR_CERTIFICATE_KEY_TOO_SMALL'],
    [
      '1024-bit key for WebServicesExternal',
      { info: small, usage: 'WebServicesExternal' },
      'ERR_CERTIFICATE_KEY_TOO_SMALL',
    ],
    ['no private key for OAuthTokenIssuer', { hasPrivateKey: false }, 'ERR_CERTIFICATE_NO_PRIVATE_KEY'],
    [
      'no private key for Default',
      { hasPrivateKey: false, usage: 'Default' },
      'ERR_CERTIFICATE_NO_PRIVATE_KEY',
    ],
    ['an expired certificate', { info: expired }, 'ERR_CERTIFICATE_EXPIRED'],
    [
      'a certificate expiring before the roll date',
      { info: soon, effectiveDate: new Date(NOW.getTime() + 20 * DAY) },
      'ERR_CERTIFICATE_EXPIRED',
    ],
    ['a not-yet-valid certificate', { info: future }, 'ERR_CERTIFICATE_NOT_YET_VALID'],
    ['OAuthTokenIssuer at a node identity', { identity: 'fe01.contoso.com' }, 'ERR_CERTIFICATE_GLOBAL_ONLY'],
    ['SHA-1 under the error policy', { info: sha1, sha1Policy: 'error' }, 'ERR_CERTIFICATE_SHA1_SIGNATURE'],
  ];
  for (const [title, check, code] of refusals) {
    test(`refuses ${title}: ${code}`, () => {
      assert.throws(
        () => checkAssignment({ ...base, ...check }),
        (e: unknown) => e instanceof S2sError && e.code === code,
      );
    });
  }

  test('accepts a good certificate without warnings', () => assert.deepEqual(codes({}), []));
  test('a 1024-bit key is acceptable for a label usage', () =>
    assert.deepEqual(codes({ info: small, usage: 'XMPPServer', realm: 'test.contoso.com' }), []));
  test('a not-yet-valid certificate may be rolled to after its NotBefore', () => {
    assert.deepEqual(
      codes({ info: future, effectiveDate: new Date(NOW.getTime() + 11 * DAY), realm: 'test.contoso.com' }),
      [],
    );
  });
  test('warns on SHA-1 under the warn policy', () =>
    assert.deepEqual(codes({ info: sha1 }), ['WARN_CERTIFICATE_SHA1_SIGNATURE']));
  test('warns when the OAuthTokenIssuer names lack the SIP domain', () =>
    assert.deepEqual(codes({ realm: 'fabrikam.com' }), ['WARN_CERTIFICATE_REALM_NOT_IN_NAMES']));
  test('the realm check is OAuthTokenIssuer only', () =>
    assert.deepEqual(codes({ realm: 'fabrikam.com', usage: 'Default' }), []));
  test('warns when the effective date is less than 24 h ahead', () => {
    assert.deepEqual(codes({ effectiveDate: new Date(NOW.getTime() + 3600_000) }), [
      'WARN_CERTIFICATE_EFFECTIVE_DATE_SOON',
    ]);
    assert.deepEqual(codes({ effectiveDate: new Date(NOW.getTime() + 25 * 3600_000) }), []);
  });
  test('warns when the certificate expires within 30 days', () =>
    assert.deepEqual(codes({ info: soon }), ['WARN_CERTIFICATE_EXPIRES_SOON']));
});
