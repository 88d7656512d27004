/**
 * Secrets in trace logs (docs/security.md "Secrets in logs"): the real server at log level `trace` with the
 * production logger receives a valid bearer token and Basic credentials in every place a caller can put
 * them — well-formed headers, a request the HTTP parser refuses (node keeps its raw bytes), an oversized
 * header block, a query string, a path segment, a path that does not decode — and no log line may contain
 * the token, the password or the Basic credentials raw, in base64, base64url, URL-encoded or hex, nor a
 * byte array that decodes to them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startServer } from '../../src/main/server.ts';
import type { RunningServer } from '../../src/main/server.ts';
import { createServerLogger } from '../../src/main/server-logger.ts';
import { actorClaims, EXCHANGE, HOST, hostileWorld, rs256 } from './hostile-deployment.ts';
import { httpsGet, rawTls } from './loopback-https.ts';
import type { HostileWorld } from './hostile-deployment.ts';

const PASSWORD = 'S3cr3t pa$$word/+=?&';
const USER = 'administrator@contoso.com';

let w: HostileWorld;
let server: RunningServer;
let token = '';
const logLines: string[] = [];

before(async () => {
  w = await hostileWorld();
  await w.d.services.certificates.set({ usages: ['Default'], thumbprint: w.us.cert.thumbprint });
  token = rs256(actorClaims(w.clock, EXCHANGE), w.exchange.cert);
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  server = await startServer(w.d, {
    listen: '127.0.0.1:0',
    logger: createServerLogger({ level: 'trace', destination: sink }),
    refreshTickMs: 3_600_000,
    tlsRecheckMs: 3_600_000,
  });
});
after(async () => {
  await server?.close();
  await w?.close();
});

function get(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return httpsGet(server.port, path, { host: HOST, ...headers });
}

/** Raw bytes over TLS, for requests no client library would send; resolves with the answer. */
function raw(text: string): Promise<string> {
  return rawTls(server.port, HOST, text);
}

const basic = () => `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

/** Every encoding of a secret the review asked for, and hex. */
function encodings(secret: string): string[] {
  const bytes = Buffer.from(secret);
  return [
    secret,
    bytes.toString('base64'),
    bytes.toString('base64url'),
    encodeURIComponent(secret),
    encodeURI(secret),
    bytes.toString('hex'),
  ];
}

/** The log text plus every JSON byte array in it decoded (a serialized Buffer is `{"type":"Buffer","data":[…]}`). */
function searchableLog(): string {
  const text = logLines.join('\n');
  const decoded: string[] = [];
  for (const m of text.matchAll(/\[(\d{1,3}(?:,\d{1,3}){15,})\]/g)) {
    decoded.push(Buffer.from(m[1]!.split(',').map(Number)).toString('latin1'));
  }
  return [text, ...decoded].join('\n');
}

describe('no log line at level trace carries a token, password or key', () => {
  test('the requests reach the server (and are logged at all)', async () => {
    assert.equal((await get('/storage/v1/folders', { authorization: `Bearer ${token}` })).status, 200);
    assert.equal((await get('/storage/v1/folders', { authorization: basic() })).status, 401);
    assert.equal(
      (await get(`/metadata/json/1?access_token=${token}&password=${encodeURIComponent(PASSWORD)}`, {}))
        .status,
      200,
    );
    await get(`/storage/v1/users/${token}/folders/conversation-history/items`, { authorization: basic() });
    await get(`/storage/v1/users/%zz${token}/folders`, { authorization: `Bearer ${token}` });
    // The parser refuses these: a header line without a colon; an oversized header block.
    const broken = await raw(
      `GET /storage/v1/folders HTTP/1.1\r\nHost: ${HOST}\r\nAuthorization: Bearer ${token}\r\nX-Basic: ${basic()}\r\nbroken header line\r\n\r\n`,
    );
    assert.match(broken, /^HTTP\/1\.1 400/);
    const huge = await raw(
      `GET /storage/v1/folders HTTP/1.1\r\nHost: ${HOST}\r\nAuthorization: ${basic()}\r\nX-Token: ${token}\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    assert.match(huge, /^HTTP\/1\.1 431/);
    assert.ok(logLines.length > 0, 'the logger captured lines');
    assert.ok(
      logLines.some((l) => l.includes('client error')),
      'the parser failures were logged (at trace)',
    );
  });

  test('the token, the password and the Basic credentials appear in no encoding', () => {
    const log = searchableLog();
    const secrets: Array<[string, string]> = [
      ['bearer token', token],
      ['token signature', token.split('.')[2]!],
      ['password', PASSWORD],
      ['Basic credentials', `${USER}:${PASSWORD}`],
    ];
    for (const [what, secret] of secrets) {
      for (const form of encodings(secret)) {
        assert.ok(!log.includes(form), `the log contains the ${what} (as ${form.slice(0, 24)}…)`);
      }
    }
    assert.ok(!log.includes('rawPacket'), 'raw request bytes are never logged');
    assert.ok(!log.includes('PRIVATE KEY'));
  });

  test('the access line keeps the path without its query string', () => {
    const access = logLines
      .map((l) => JSON.parse(l) as { msg?: string; url?: string })
      .filter((l) => l.msg === 'request completed');
    assert.ok(
      access.some((l) => l.url === '/metadata/json/1?[query not logged]'),
      JSON.stringify(access.map((l) => l.url)),
    );
  });
});
