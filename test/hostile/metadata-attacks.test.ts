/**
 * A hostile partner's metadata server: what `partner new --metadata-url` and `partner refresh` do with
 * oversized, deep, duplicated, mistyped or identity-changing documents (docs/protocol.md §1.3), and what the
 * fetcher does with redirects to http, slow servers and compressed bodies. Every refusal leaves the store
 * without the partner.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { generateKeyPairSync } from 'node:crypto';
import { MetadataFetcher } from '../../src/adapters/http-client/metadata-fetcher.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { actorClaims, hostileWorld, LYNC, REALM, rs256, URL_OK } from './hostile-deployment.ts';
import type { HostileWorld } from './hostile-deployment.ts';
import { loopbackCertificate } from './loopback-certificate.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const PARTNER_ID = '22222222-0000-0000-0000-000000000022';

let w: HostileWorld;
let server: Server;
let base: string;
const routes: Record<string, Handler> = {};
let good: TestCertificate;

function doc(over: Record<string, unknown> = {}, certs: TestCertificate[] = [good]): Record<string, unknown> {
  return {
    id: '_x',
    version: '1.0',
    name: 'Hostile',
    realm: REALM,
    serviceName: PARTNER_ID,
    issuer: `${PARTNER_ID}@${REALM}`,
    keys: certs.map((c) => ({
      usage: 'signing',
      keyinfo: { x5t: c.x5t },
      keyvalue: { type: 'x509Certificate', value: c.der.toString('base64') },
    })),
    ...over,
  };
}

function serve(
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  routes[path] = (_q, r) => r.writeHead(200, headers).end(body);
}

let n = 0;
async function register(path: string, identity = `hostile-${++n}`) {
  return w.d.services.partners.create({ identity, metadataUrl: `${base}${path}`, allowInsecureHttp: true });
}

async function refusedWith(path: string, code: string): Promise<void> {
  const identity = `hostile-${++n}`;
  await assert.rejects(register(path, identity), (e: { code?: string; message?: string }) => {
    assert.equal(e.code, code, e.message);
    assert.ok(!String(e.message).includes('\n'), 'one-line message');
    return true;
  });
  await assert.rejects(w.d.services.partners.get(identity), { code: 'ERR_PARTNER_NOT_FOUND' });
}

before(async () => {
  w = await hostileWorld();
  good = await makeCertificate({ subject: 'CN=hostile.contoso.com', freshKey: true });
  server = createServer((req, res) =>
    (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await w.close();
});

describe('hostile documents through partner new', () => {
  test('baseline: a well-formed document registers (BOM, text/html content type tolerated)', async () => {
    serve('/ok', '\ufeff' + JSON.stringify(doc()), { 'content-type': 'text/html' });
    const { partner } = await register('/ok', 'hostile-ok');
    assert.equal(partner.partner.applicationIdentifier, PARTNER_ID);
    await w.d.services.partners.remove('hostile-ok');
  });

  test('deep nesting (10 000 levels) is refused ERR_METADATA_INVALID', async () => {
    serve('/deep', JSON.stringify(doc()).replace('{', `{"x":${'['.repeat(10_000)}${']'.repeat(10_000)},`));
    await refusedWith('/deep', 'ERR_METADATA_INVALID');
  });

  test('a 10 MB body is refused ERR_METADATA_TOO_LARGE (declared or streamed)', async () => {
    const big = JSON.stringify(doc({ pad: 'x'.repeat(10 * 1024 * 1024) }));
    serve('/big', big);
    routes['/big-chunked'] = (_q, r) => {
      r.writeHead(200, { 'content-type': 'application/json' });
      r.write(big.slice(0, 5 * 1024 * 1024));
      r.end(big.slice(5 * 1024 * 1024));
    };
    await refusedWith('/big', 'ERR_METADATA_TOO_LARGE');
    await refusedWith('/big-chunked', 'ERR_METADATA_TOO_LARGE');
  });

  test('11 signing keys are refused ERR_METADATA_TOO_MANY_KEYS', async () => {
    const certs = await Promise.all(
      Array.from({ length: 11 }, (_, i) => makeCertificate({ subject: `CN=k${i}` })),
    );
    serve('/eleven', JSON.stringify(doc({}, certs)));
    await refusedWith('/eleven', 'ERR_METADATA_TOO_MANY_KEYS');
  });

  test('values that are not RSA certificates are refused ERR_METADATA_INVALID_CERTIFICATE', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const values = [
      'AAAA',
      '!!!not base64!!!',
      Buffer.from(good.pem).toString('base64'),
      good.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
      ec.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      good.der.subarray(0, 100).toString('base64'),
      Buffer.concat([good.der, Buffer.from('trailing')]).toString('base64'),
    ];
    for (const [i, value] of values.entries()) {
      serve(
        `/badcert${i}`,
        JSON.stringify(doc({ keys: [{ usage: 'signing', keyvalue: { type: 'x509Certificate', value } }] })),
      );
      await refusedWith(`/badcert${i}`, 'ERR_METADATA_INVALID_CERTIFICATE');
    }
  });

  test('a certificate with a 1024-bit key is refused as a signing key (RS256 needs ≥ 2048 bits)', async () => {
    const weak = await makeCertificate({ subject: 'CN=weak', keySize: 1024 });
    serve('/weak', JSON.stringify(doc({}, [weak])));
    serve('/weak-mixed', JSON.stringify(doc({}, [good, weak])));
    await refusedWith('/weak', 'ERR_METADATA_WEAK_KEY');
    await refusedWith('/weak-mixed', 'ERR_METADATA_WEAK_KEY');
    await assert.rejects(
      w.d.services.partners.create({
        identity: 'weak-static',
        applicationIdentifier: PARTNER_ID,
        realm: REALM,
        certificate: weak.der,
      }),
      { code: 'ERR_PARTNER_CERTIFICATE_INVALID' },
    );
  });

  test('duplicate issuer (also differing in case) is refused ERR_METADATA_DUPLICATE_MEMBER', async () => {
    const text = JSON.stringify(doc());
    serve('/dup', text.replace('{', `{"issuer":"${LYNC}@${REALM}",`));
    serve('/dup-case', text.replace('{', `{"Issuer":"${LYNC}@${REALM}",`));
    serve('/dup-escaped', text.replace('{', `{"\\u0069ssuer":"${LYNC}@${REALM}",`));
    serve(
      '/dup-keyvalue',
      text.replace('"keyvalue":', `"keyValue":{"type":"x509Certificate","value":"AAAA"},"keyvalue":`),
    );
    for (const p of ['/dup', '/dup-case', '/dup-escaped', '/dup-keyvalue'])
      await refusedWith(p, 'ERR_METADATA_DUPLICATE_MEMBER');
  });

  test('a document naming OUR OWN issuer is refused ERR_PARTNER_IS_SELF (any case)', async () => {
    serve(
      '/self',
      JSON.stringify(doc({ issuer: `${LYNC.toUpperCase()}@${REALM.toUpperCase()}`, serviceName: LYNC })),
    );
    await refusedWith('/self', 'ERR_PARTNER_IS_SELF');
  });

  test('a document naming an issuer another partner stands for is refused ERR_PARTNER_ISSUER_IN_USE', async () => {
    serve('/taken', JSON.stringify(doc({ issuer: `00000002-0000-0ff1-ce00-000000000000@${REALM}` })));
    await refusedWith('/taken', 'ERR_PARTNER_ISSUER_IN_USE');
  });

  test('issuers with quotes, commas, control characters or white space are refused ERR_METADATA_INVALID', async () => {
    const bad = [
      `${PARTNER_ID}@contoso.com"\r\nX-Evil: 1`,
      `${PARTNER_ID}@contoso.com,00000001-0000-0000-c000-000000000000@*`,
      `${PARTNER_ID}@conto\u0000so.com`,
      `${PARTNER_ID} @contoso.com`,
      `${PARTNER_ID}@contoso.com@evil.example`,
      `${'a'.repeat(300)}@contoso.com`,
    ];
    for (const [i, issuer] of bad.entries()) {
      serve(`/issuer${i}`, JSON.stringify(doc({ issuer, serviceName: undefined, realm: undefined })));
      await refusedWith(`/issuer${i}`, 'ERR_METADATA_INVALID');
    }
  });

  test('__proto__ members cannot supply the issuer', async () => {
    const text = `{"__proto__":{"issuer":"${PARTNER_ID}@${REALM}","serviceName":"${PARTNER_ID}","realm":"${REALM}"},"keys":${JSON.stringify(doc().keys)}}`;
    serve('/proto', text);
    await refusedWith('/proto', 'ERR_METADATA_INVALID');
    assert.equal(({} as Record<string, unknown>).issuer, undefined);
  });

  test('a gzip body is never inflated (no bomb): refused as not JSON', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    serve('/gzip', bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    await refusedWith('/gzip', 'ERR_METADATA_INVALID');
  });

  test('not JSON, JSON arrays and strings, empty body are refused', async () => {
    serve('/html', '<html>hi</html>');
    serve('/array', '[]');
    serve('/string', '"x"');
    serve('/empty', '');
    for (const p of ['/html', '/array', '/string', '/empty']) await refusedWith(p, 'ERR_METADATA_INVALID');
  });
});

describe('refresh from a partner that turns hostile', () => {
  test('a refresh that changes realm, serviceName or issuer is refused and the keys are kept', async () => {
    serve('/turn', JSON.stringify(doc()));
    await register('/turn', 'turncoat');
    const signer = good;
    const token = () => rs256(actorClaims(w.clock, PARTNER_ID), signer);
    const first = await w.d.services.tokens.validate({
      authorization: `Bearer ${token()}`,
      requestUrl: URL_OK,
    });
    assert.ok(first.ok, first.ok ? '' : first.refusal.message);
    const other = await makeCertificate({ subject: 'CN=attacker' });
    for (const over of [
      { issuer: `${PARTNER_ID}@fabrikam.com`, realm: 'fabrikam.com' },
      {
        issuer: `00000001-0000-0000-c000-000000000000@${REALM}`,
        serviceName: '00000001-0000-0000-c000-000000000000',
      },
      { issuer: `${PARTNER_ID}@*`, realm: '*' },
    ]) {
      serve('/turn', JSON.stringify(doc(over, [other])));
      const result = await w.d.services.partners
        .refresh('turncoat')
        .catch((e: { code?: string }) => ({ error: e }));
      const view = await w.d.services.partners.get('turncoat');
      assert.equal(view.partner.realm, REALM);
      assert.equal(view.partner.applicationIdentifier, PARTNER_ID);
      assert.deepEqual(
        view.partner.keys.map((k) => k.thumbprint),
        [good.thumbprint],
      );
      assert.equal(
        view.partner.refresh.lastError?.code,
        'ERR_METADATA_IDENTITY_CHANGED',
        JSON.stringify(result),
      );
    }
    assert.ok(
      (await w.d.services.tokens.validate({ authorization: `Bearer ${token()}`, requestUrl: URL_OK })).ok,
    );
  });
});

describe('fetcher limits (small limits so the test is fast)', () => {
  let ca: TestCertificate;
  let https: Server;
  let tlsBase: string;
  const fetcher = new MetadataFetcher({
    connectTimeoutMs: 500,
    readTimeoutMs: 400,
    totalTimeoutMs: 1500,
    maxBytes: 4096,
  });
  const policy = () => ({ allowInsecureHttp: true, trustedRoots: [ca.der] });

  before(async () => {
    // (a root named 'CN=Hostile Test Root' fails chain building with the shared cached key; keep this name)
    ca = await makeCertificate({ subject: 'CN=Test Root', ca: true });
    const tls = await loopbackCertificate(ca);
    https = createHttpsServer({ cert: tls.pem, key: tls.keyPem }, (req, res) =>
      (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res),
    );
    await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
    tlsBase = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  });
  after(async () => {
    https.closeAllConnections();
    await new Promise((r) => https.close(r));
    await fetcher.close();
  });

  test('an https document redirecting to http is refused even with the http opt-in', async () => {
    routes['/to-http'] = (_q, r) => r.writeHead(302, { location: `${base}/ok` }).end();
    await assert.rejects(fetcher.fetch(`${tlsBase}/to-http`, policy()), {
      code: 'ERR_METADATA_INSECURE_URL',
    });
  });

  test('redirect loops stop at the cap; redirects to other schemes are refused', async () => {
    routes['/loop'] = (_q, r) => r.writeHead(301, { location: '/loop' }).end();
    routes['/file'] = (_q, r) => r.writeHead(302, { location: 'file:///etc/passwd' }).end();
    await assert.rejects(fetcher.fetch(`${tlsBase}/loop`, policy()), {
      code: 'ERR_METADATA_TOO_MANY_REDIRECTS',
    });
    await assert.rejects(fetcher.fetch(`${tlsBase}/file`, policy()), { code: 'ERR_METADATA_URL_INVALID' });
  });

  test('slow-loris: a server trickling one byte at a time hits the overall deadline', async () => {
    routes['/trickle'] = (_q, r) => {
      r.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(
        () => (r.writableEnded || r.destroyed ? clearInterval(timer) : r.write(' ')),
        100,
      );
      r.on('close', () => clearInterval(timer));
    };
    routes['/silent'] = () => {};
    const started = Date.now();
    await assert.rejects(fetcher.fetch(`${tlsBase}/trickle`, policy()), { code: 'ERR_METADATA_TIMEOUT' });
    assert.ok(Date.now() - started < 3000);
    await assert.rejects(fetcher.fetch(`${tlsBase}/silent`, policy()), { code: 'ERR_METADATA_TIMEOUT' });
  });

  test('a TLS server whose root is not trusted is refused', async () => {
    routes['/fine'] = (_q, r) => r.writeHead(200).end('{}');
    await assert.rejects(fetcher.fetch(`${tlsBase}/fine`, { allowInsecureHttp: false, trustedRoots: [] }), {
      code: 'ERR_METADATA_TLS_UNTRUSTED',
    });
  });
});
