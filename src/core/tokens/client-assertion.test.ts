import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createVerify } from 'node:crypto';
import { buildClientAssertion } from './client-assertion.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW = new Date('2026-06-01T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const base = {
  clientId: '00000004-0000-0ff1-ce00-000000000000',
  tenant: '52aa6841-b76b-4ed4-a3d7-a259fce1dfa2',
  tokenEndpoint:
    'https://accounts.accesscontrol.windows.net/52aa6841-b76b-4ed4-a3d7-a259fce1dfa2/tokens/OAuth/2',
  now: NOW,
  jti: 'j-1',
  x5t: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA',
  privateKey,
};
const parts = (jwt: string) => {
  const [h, p, s] = jwt.split('.');
  const v = createVerify('RSA-SHA256');
  v.update(`${h}.${p}`);
  assert.ok(v.verify(publicKey, Buffer.from(s!, 'base64url')), 'RS256 with our key');
  return [h, p].map((x) => JSON.parse(Buffer.from(x!, 'base64url').toString()) as Record<string, unknown>);
};

test('ACS form: iss <id>@<tenant>, aud <ACS id>/<token endpoint host>@<tenant>, 10 minutes (docs/protocol.md §8 step 2)', () => {
  const [header, claims] = parts(buildClientAssertion({ ...base, type: 'acs' }));
  assert.deepEqual(header, { typ: 'JWT', alg: 'RS256', x5t: base.x5t, kid: base.x5t });
  assert.equal(claims!['iss'], `${base.clientId}@${base.tenant}`);
  assert.equal(
    claims!['aud'],
    `00000001-0000-0000-c000-000000000000/accounts.accesscontrol.windows.net@${base.tenant}`,
  );
  assert.equal(claims!['nbf'], String(T));
  assert.equal(claims!['exp'], String(T + 600));
});

test('RFC 7523 form: iss = sub = client id, aud = token endpoint, jti, exp', () => {
  const [, claims] = parts(
    buildClientAssertion({ ...base, type: 'oauth2', tokenEndpoint: 'https://idp/token' }),
  );
  assert.equal(claims!['iss'], base.clientId);
  assert.equal(claims!['sub'], base.clientId);
  assert.equal(claims!['aud'], 'https://idp/token');
  assert.equal(claims!['jti'], 'j-1');
  assert.equal(claims!['exp'], T + 600);
});
