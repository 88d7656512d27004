import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTokenResponse } from './token-endpoint-response.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const WHERE = {
  server: 'microsoft.sts',
  resource: '00000002-0000-0ff1-ce00-000000000000/mail.contoso.com@t',
};
const jwt = (payload: unknown) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

test('a 200 with a JWT access_token: its expiry is the token exp', () => {
  const exp = Math.floor(NOW.getTime() / 1000) + 3600;
  const r = readTokenResponse(
    200,
    JSON.stringify({ access_token: jwt({ exp }), expires_in: '10' }),
    NOW,
    WHERE,
  );
  assert.equal(r.expiresAt.getTime(), exp * 1000);
});

test('without exp in the token, expires_on then expires_in decide', () => {
  const on = Math.floor(NOW.getTime() / 1000) + 600;
  assert.equal(
    readTokenResponse(
      200,
      JSON.stringify({ access_token: jwt({}), expires_on: String(on) }),
      NOW,
      WHERE,
    ).expiresAt.getTime(),
    on * 1000,
  );
  assert.equal(
    readTokenResponse(
      200,
      JSON.stringify({ access_token: jwt({}), expires_in: 120 }),
      NOW,
      WHERE,
    ).expiresAt.getTime(),
    NOW.getTime() + 120_000,
  );
});

test("a refusal carries the server's status, error, description and AADSTS codes on one line", () => {
  assert.throws(
    () =>
      readTokenResponse(
        400,
        JSON.stringify({
          error: 'invalid_client',
          error_description: 'AADSTS700027: Client assertion contains an invalid signature.\r\nTrace ID: 1',
          error_codes: [700027],
        }),
        NOW,
        WHERE,
      ),
    (err: { code: string; message: string; details: { codes: string[]; status: number } }) => {
      assert.equal(err.code, 'ERR_OAUTH_SERVER_REFUSED');
      assert.match(
        err.message,
        /microsoft\.sts refused an actor token for .* — HTTP 400: invalid_client: AADSTS700027: Client assertion contains an invalid signature\. Trace ID: 1$/,
      );
      assert.deepEqual(err.details.codes, ['AADSTS700027']);
      assert.equal(err.details.status, 400);
      return true;
    },
  );
  assert.throws(() => readTokenResponse(503, '<html>down</html>', NOW, WHERE), {
    code: 'ERR_OAUTH_SERVER_REFUSED',
    message: /— HTTP 503$/,
  });
});

test('a 200 without a JWT access_token is a bad response', () => {
  assert.throws(() => readTokenResponse(200, JSON.stringify({ access_token: 'opaque' }), NOW, WHERE), {
    code: 'ERR_OAUTH_SERVER_BAD_RESPONSE',
  });
  assert.throws(() => readTokenResponse(200, 'not json', NOW, WHERE), {
    code: 'ERR_OAUTH_SERVER_BAD_RESPONSE',
  });
});
