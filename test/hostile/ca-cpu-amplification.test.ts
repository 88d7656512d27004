/**
 * Unauthenticated CPU amplification at the built-in CA (docs/security.md §6.3; docs/ca.md "Enrollment
 * limits"): `GET /ca/crl` serves a cached signed CRL (signed again only when revocations change or it
 * nears nextUpdate), and `POST /ca/enroll` is rate-limited per client and locks an account after 5 wrong
 * passwords for 15 minutes — before any password KDF runs. Real HTTPS on 127.0.0.1; time is the
 * deployment's ManualClock, never the wall clock.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { createRequest, generateKeyPair, toPem, x509 } from '../../src/ca/index.ts';
import { caRoutes } from '../../src/adapters/http/routes/ca-routes.ts';
import { testCaDeployment, testCaKeys } from '../../src/services/ca/ca-test-deployment.ts';

const PASSWORD = 'correct horse battery';

interface CaServer {
  readonly d: Awaited<ReturnType<typeof testCaDeployment>>;
  readonly app: FastifyInstance;
  readonly port: number;
  readonly ca: string;
}

async function caServer(): Promise<CaServer> {
  const d = await testCaDeployment({ nodeName: 'ca.contoso.com' });
  await d.ca.authority.init({ keys: testCaKeys() });
  await d.ca.authority.accounts.add('enroller', PASSWORD);
  const tlsKeys = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
  const csr = await createRequest(
    { subject: 'CN=ca.contoso.com', dnsNames: ['ca.contoso.com'], ipAddresses: ['127.0.0.1'] },
    tlsKeys,
  );
  const issued = await d.ca.authority.issue({ csr, template: 'WebServer', account: null });
  const app = Fastify({
    https: {
      key: tlsKeys.privateKey.export({ format: 'pem', type: 'pkcs8' }),
      cert: toPem(issued.certificate),
    },
  });
  await app.register(caRoutes({ ca: d.ca }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const ca = toPem((await d.ca.authority.caChain()).at(-1)!);
  return { d, app, port, ca };
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

function call(s: CaServer, method: string, path: string, body?: string, auth?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: s.port,
        method,
        path,
        ca: s.ca,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const errorCode = (a: Answer): string => (JSON.parse(a.body.toString('utf8')) as { code: string }).code;

let enrollCsr: string;
before(async () => {
  const keys = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
  enrollCsr = await createRequest({ subject: 'CN=fe1.contoso.com', dnsNames: ['fe1.contoso.com'] }, keys);
});

const enroll = (s: CaServer, account: string, password: string) =>
  call(
    s,
    'POST',
    '/ca/enroll',
    JSON.stringify({ template: 'WebServer', csr: enrollCsr }),
    `${account}:${password}`,
  );

describe('GET /ca/crl serves a cached signed CRL', () => {
  let s: CaServer;
  before(async () => (s = await caServer()));
  after(async () => s?.app.close());

  const crl = async () => {
    const a = await call(s, 'GET', '/ca/crl');
    assert.equal(a.status, 200);
    return { der: a.body, parsed: new x509.X509Crl(new Uint8Array(a.body)) };
  };

  test('a minute later, and under 32 concurrent requests, the same signed copy is served', async () => {
    const first = await crl();
    s.d.clock.advance(60_000);
    const again = await Promise.all(Array.from({ length: 32 }, () => crl()));
    for (const a of again) assert.ok(a.der.equals(first.der), 'the CRL was signed again');
    assert.equal(again[0]!.parsed.thisUpdate.getTime(), first.parsed.thisUpdate.getTime());
  });

  test('a revocation is listed by the next request (signed again at once)', async () => {
    const before = await crl();
    const [issued] = await s.d.ca.authority.issued();
    await s.d.ca.authority.revoke(issued!.serialNumber);
    s.d.clock.advance(1000);
    const after = await crl();
    assert.ok(!after.der.equals(before.der));
    assert.ok(
      after.parsed.entries.some((e) => e.serialNumber.toLowerCase() === issued!.serialNumber.toLowerCase()),
    );
  });

  test('a copy within one day of its nextUpdate is signed again', async () => {
    const current = await crl();
    s.d.clock.set(new Date(current.parsed.nextUpdate!.getTime() - 24 * 3600_000 - 1000));
    assert.ok((await crl()).der.equals(current.der), 'still more than a day before nextUpdate');
    s.d.clock.advance(2000);
    const renewed = await crl();
    assert.ok(renewed.parsed.thisUpdate.getTime() > current.parsed.thisUpdate.getTime());
    assert.ok(renewed.parsed.nextUpdate!.getTime() > current.parsed.nextUpdate!.getTime());
  });
});

describe('POST /ca/enroll locks an account after repeated wrong passwords', () => {
  let s: CaServer;
  before(async () => (s = await caServer()));
  after(async () => s?.app.close());

  test('5 wrong passwords lock it for 15 minutes (429, Retry-After, even with the right password); then it works', async () => {
    for (let i = 0; i < 5; i += 1) {
      const wrong = await enroll(s, 'enroller', `wrong password ${i}`);
      assert.equal(wrong.status, 401);
      assert.equal(errorCode(wrong), 'ERR_CA_ACCOUNT_INVALID');
    }
    const locked = await enroll(s, 'enroller', PASSWORD);
    assert.equal(locked.status, 429);
    assert.equal(errorCode(locked), 'ERR_CA_ACCOUNT_LOCKED');
    const retryAfter = Number(locked.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 15 * 60, `Retry-After ${retryAfter}`);
    s.d.clock.advance(14 * 60_000);
    assert.equal(errorCode(await enroll(s, 'enroller', PASSWORD)), 'ERR_CA_ACCOUNT_LOCKED');
    s.d.clock.advance(60_000 + 1000);
    const ok = await enroll(s, 'enroller', PASSWORD);
    assert.equal(ok.status, 200, ok.body.toString('utf8'));
  });
});

describe('POST /ca/enroll is rate-limited per client before the password KDF', () => {
  let s: CaServer;
  before(async () => (s = await caServer()));
  after(async () => s?.app.close());

  test('10 attempts a minute from one address, then 429 ERR_CA_ENROLL_RATE_LIMITED until a token refills', async () => {
    for (let i = 0; i < 10; i += 1) {
      const a = await enroll(s, `nobody-${i}`, 'some password!!');
      assert.equal(a.status, 401, `attempt ${i}`);
    }
    const limited = await enroll(s, 'nobody-x', 'some password!!');
    assert.equal(limited.status, 429);
    assert.equal(errorCode(limited), 'ERR_CA_ENROLL_RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    s.d.clock.advance(6_000);
    assert.equal((await enroll(s, 'enroller', PASSWORD)).status, 200);
    assert.equal((await enroll(s, 'enroller', PASSWORD)).status, 429);
  });
});
