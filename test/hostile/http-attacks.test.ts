/**
 * Hostile requests against the real server (startServer over HTTPS on 127.0.0.1, a captured pino log):
 * Authorization header variants, realm discovery (docs/protocol.md §3), the exact challenge and
 * x-ms-diagnostics format of §6.2, header injection through claims, and no token text in any answer or
 * log line.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startServer } from '../../src/main/server.ts';
import type { RunningServer } from '../../src/main/server.ts';
import {
  actorClaims,
  APP_PARTNER,
  EXCHANGE,
  HOST,
  hostileWorld,
  LYNC,
  outer,
  outerClaims,
  REALM,
  rs256,
  SHAREPOINT,
} from './hostile-deployment.ts';
import { httpsGet, rawTls } from './loopback-https.ts';
import type { HostileWorld } from './hostile-deployment.ts';

const CATEGORIES: Record<number, string> = {
  2000000: 'invalid_signature',
  2000001: 'invalid_token',
  2000002: 'token_expired',
  2000003: 'invalid_resource',
  2000004: 'invalid_tenant',
  2000005: 'invalid_user',
  2000006: 'invalid_client',
  2000007: 'internal_error',
  2000008: 'invalid_grant',
  2000009: 'invalid_certificate',
};
const PATH = '/storage/v1/folders';
const CHALLENGE = `Bearer realm="${REALM}", client_id="${LYNC}", trusted_issuers="${
  // ourselves first, then enabled partners by identity (app-only, microsoft.exchange, microsoft.sharepoint)
  [LYNC, APP_PARTNER, EXCHANGE, SHAREPOINT].map((id) => `${id}@${REALM}`).join(',')
}"`;

let w: HostileWorld;
let server: RunningServer;
const logLines: string[] = [];
const sentTokens: string[] = [];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(headers: Record<string, string>, path = PATH): Promise<Answer> {
  return httpsGet(server.port, path, { host: HOST, ...headers });
}

/** Raw HTTP/1.1 over TLS, for what a well-behaved client library would not send. */
function raw(text: string): Promise<string> {
  return rawTls(server.port, HOST, text);
}

function bearer(token: string): Record<string, string> {
  sentTokens.push(token);
  return { authorization: `Bearer ${token}` };
}

const appToken = () => rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert);

before(async () => {
  w = await hostileWorld();
  await w.d.services.certificates.set({ usages: ['Default'], thumbprint: w.us.cert.thumbprint });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  server = await startServer(w.d, {
    listen: '127.0.0.1:0',
    logger,
    refreshTickMs: 3_600_000,
    tlsRecheckMs: 3_600_000,
  });
});
after(async () => {
  await server.close();
  await w.close();
});

describe('Authorization header variants', () => {
  test('no header, "Bearer", "Bearer " and other schemes get the bare challenge (realm discovery, §3)', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: 'Basic dXNlcjpwYXNz' },
    ]) {
      const a = await get(headers);
      assert.equal(a.status, 401);
      assert.equal(a.headers['www-authenticate'], CHALLENGE);
      assert.equal(a.headers['x-ms-diagnostics'], undefined);
    }
  });

  test('SharePoint TokenHelper-style realm extraction works on the challenge', async () => {
    const a = await get({ authorization: 'Bearer ' });
    const header = String(a.headers['www-authenticate']);
    const realm = /^Bearer realm="([^"]*)"/.exec(header)?.[1];
    assert.equal(realm, REALM);
    assert.match(header, /client_id="00000004-0000-0ff1-ce00-000000000000"/);
  });

  test('"Bearer<token>" without a space is not a bearer credential', async () => {
    const t = appToken();
    sentTokens.push(t);
    const a = await get({ authorization: `Bearer${t}` });
    assert.equal(a.status, 401);
  });

  test('scheme is case-insensitive (RFC 9110 §11.1): bearer / BEARER are accepted', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const t = appToken();
      sentTokens.push(t);
      const a = await get({ authorization: `${scheme} ${t}` });
      assert.equal(a.status, 200, a.body);
    }
  });

  test('two Authorization headers never authenticate with the second one', async () => {
    const t = appToken();
    sentTokens.push(t);
    const answer = await raw(
      `GET ${PATH} HTTP/1.1\r\nHost: ${HOST}\r\nAuthorization: Bearer garbage.garbage.garbage\r\nAuthorization: Bearer ${t}\r\nConnection: close\r\n\r\n`,
    );
    assert.match(answer, /^HTTP\/1\.1 (400|401) /);
  });

  test('an oversized Authorization header is answered (431/401), never crashes the server', async () => {
    const big = 'A'.repeat(20_000);
    const a = await get({ authorization: `Bearer ${big}.${big}.${big}` }).catch(() => null);
    if (a) assert.ok([400, 401, 431].includes(a.status));
    const mid = 'A'.repeat(5000);
    const b = await get({ authorization: `Bearer ${mid}.${mid}.${mid}` });
    assert.equal(b.status, 401);
    assert.equal((await get({})).status, 401, 'still serving');
  });
});

describe('refusals on the wire (§6.2)', () => {
  // [case, token, the s2s code of its refusal (docs/errors.md)]
  const cases: Array<[string, () => string, string]> = [
    ['bad signature', () => appToken().slice(0, -4) + 'AAAA', 'ERR_TOKEN_INVALID_SIGNATURE'],
    [
      'expired',
      () => rs256(actorClaims(w.clock, EXCHANGE, { nbf: '1000', exp: '2000' }), w.exchange.cert),
      'ERR_TOKEN_EXPIRED',
    ],
    [
      'wrong audience realm',
      () => rs256(actorClaims(w.clock, EXCHANGE, { aud: `${LYNC}/${HOST}@fabrikam.com` }), w.exchange.cert),
      'ERR_TOKEN_AUDIENCE_REALM',
    ],
    [
      'wrong host',
      () => rs256(actorClaims(w.clock, EXCHANGE, { aud: `${LYNC}/evil@${REALM}` }), w.exchange.cert),
      'ERR_TOKEN_AUDIENCE_HOST',
    ],
    [
      'unknown issuer',
      () => rs256(actorClaims(w.clock, '99999999-0000-0000-0000-000000000000'), w.exchange.cert),
      'ERR_TOKEN_ISSUER_UNKNOWN',
    ],
    ['malformed', () => 'x.y.z', 'ERR_TOKEN_MALFORMED'],
    [
      'actor with user claims',
      () => rs256(actorClaims(w.clock, EXCHANGE, { upn: 'a@contoso.com' }), w.exchange.cert),
      'ERR_TOKEN_ACTOR_USER_CLAIMS',
    ],
  ];
  for (const [name, make, expectedCode] of cases) {
    test(`${name}: 401, challenge + error="invalid_token", x-ms-diagnostics with the §6.2 category`, async () => {
      const token = make();
      const outcome = await w.d.services.tokens.validate({
        authorization: `Bearer ${token}`,
        requestUrl: `https://${HOST}${PATH}`,
      });
      assert.equal(outcome.ok, false);
      if (outcome.ok) return;
      const detail = outcome.refusal.diagnostic.code;
      const a = await get(bearer(token));
      assert.equal(a.status, 401);
      assert.equal(a.headers['www-authenticate'], `${CHALLENGE}, error="invalid_token"`);
      const diag = String(a.headers['x-ms-diagnostics']);
      const m = /^(\d{7});reason="([^"\\]*)";error_category="([a-z_]+)"$/.exec(diag);
      assert.ok(m, diag);
      const category = 2000000 + Math.floor(detail / 1000) - 1;
      assert.equal(Number(m[1]), category);
      assert.equal(m[3], CATEGORIES[category]);
      const body = JSON.parse(a.body);
      assert.equal(body.error, 'invalid_token');
      assert.equal(outcome.refusal.code, expectedCode);
      assert.equal(body.code, expectedCode);
    });
  }

  test('claims carrying quotes, CR/LF and non-ASCII cannot inject headers or break the diagnostic', async () => {
    const evil = 'evil"\r\nSet-Cookie: pwned=1\r\nX-Evil: ü\u2028;reason="x"@contoso.com';
    for (const over of [
      { iss: evil, nameid: evil },
      { aud: `${LYNC}/${evil}` },
      { aud: `${LYNC}/${HOST}@${evil}` },
    ]) {
      const a = await get(bearer(rs256(actorClaims(w.clock, EXCHANGE, over), w.exchange.cert)));
      assert.equal(a.status, 401);
      assert.equal(a.headers['set-cookie'], undefined);
      assert.equal(a.headers['x-evil'], undefined);
      assert.match(
        String(a.headers['x-ms-diagnostics']),
        /^\d{7};reason="[^"\\]*";error_category="[a-z_]+"$/,
      );
    }
  });

  test('act-as accepted over the wire; the same outer from an Application partner refused 7101', async () => {
    const actor = rs256(actorClaims(w.clock, APP_PARTNER), w.appPartner.cert);
    const a = await get(bearer(outer(outerClaims(w.clock, APP_PARTNER, actor))));
    assert.equal(a.status, 401);
    assert.match(String(a.headers['x-ms-diagnostics']), /^2000006;/);
  });
});

describe('no token text anywhere', () => {
  test('no response body or header, and no log line, contains any part of a token we sent', async () => {
    // one more of each kind, then scan everything
    const answers: Answer[] = [];
    answers.push(await get(bearer(appToken())));
    answers.push(await get(bearer(appToken().slice(0, -4) + 'AAAA')));
    answers.push(await get(bearer(outer(outerClaims(w.clock, EXCHANGE, appToken())))));
    const parts = new Set<string>();
    for (const t of sentTokens) for (const p of t.split('.')) if (p.length >= 16) parts.add(p);
    assert.ok(parts.size > 10);
    assert.ok(logLines.length > 0, 'the logger captured lines');
    for (const a of answers) {
      const text = a.body + JSON.stringify(a.headers);
      for (const p of parts) assert.ok(!text.includes(p), 'a token part in a response');
    }
    for (const line of logLines) {
      for (const p of parts) assert.ok(!line.includes(p), `a token part in the log: ${line.slice(0, 120)}`);
      assert.ok(!/PRIVATE KEY/.test(line));
    }
  });
});
