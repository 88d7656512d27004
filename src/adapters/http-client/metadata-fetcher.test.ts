import 'reflect-metadata';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import { MetadataFetcher } from './metadata-fetcher.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A TLS server certificate for 127.0.0.1 (IP SAN) issued by `ca`. */
async function loopbackCertificate(ca: TestCertificate): Promise<TestCertificate> {
  const leaf = await makeCertificate({ subject: 'CN=127.0.0.1', issuer: ca });
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0a' + Date.now().toString(16),
    subject: 'CN=127.0.0.1',
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 86400_000),
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    publicKey: leaf.cryptoKeys.publicKey,
    signingKey: ca.cryptoKeys.privateKey,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  return { ...leaf, der: Buffer.from(cert.rawData), pem: cert.toString('pem') + '\n', cert };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('metadata fetcher', () => {
  let ca: TestCertificate;
  let routes: Record<string, Handler>;
  let https: Server;
  let http: Server;
  let base: string;
  let plain: string;
  // Generous limits: a loaded machine may take seconds for a TLS handshake, and no test but the one about
  // timeouts may depend on how fast it is. The timeout test has its own impatient fetcher.
  const fetcher = new MetadataFetcher({
    readTimeoutMs: 60_000,
    connectTimeoutMs: 60_000,
    totalTimeoutMs: 120_000,
    maxBytes: 1024,
  });
  const impatient = new MetadataFetcher({
    readTimeoutMs: 300,
    connectTimeoutMs: 60_000,
    totalTimeoutMs: 120_000,
    maxBytes: 1024,
  });
  const trusted = () => ({ allowInsecureHttp: false, trustedRoots: [ca.der] });

  before(async () => {
    ca = await makeCertificate({ subject: 'CN=Test Root', ca: true });
    const tls = await loopbackCertificate(ca);
    const dispatch: Handler = (req, res) =>
      (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res);
    https = createHttpsServer({ cert: tls.pem, key: tls.keyPem }, dispatch);
    http = createHttpServer(dispatch);
    base = `https://127.0.0.1:${await listen(https)}`;
    plain = `http://127.0.0.1:${await listen(http)}`;
    routes = {
      '/metadata/json/1': (_q, r) => r.writeHead(200, { 'content-type': 'text/plain' }).end('{"ok":true}'),
      '/big': (_q, r) => {
        r.writeHead(200);
        for (let i = 0; i < 10; i++) r.write('x'.repeat(200));
        r.end();
      },
      '/declared-big': (_q, r) => r.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000)),
      '/hang': () => {},
      '/missing': (_q, r) => r.writeHead(404).end('no'),
      '/redirect-once': (_q, r) => r.writeHead(302, { location: '/metadata/json/1' }).end(),
      '/loop': (_q, r) => r.writeHead(302, { location: '/loop' }).end(),
      '/downgrade': (_q, r) => r.writeHead(301, { location: `${plain}/metadata/json/1` }).end(),
    };
  });
  after(async () => {
    https.closeAllConnections();
    http.closeAllConnections();
    await Promise.all([
      new Promise((r) => https.close(r)),
      new Promise((r) => http.close(r)),
      fetcher.close(),
      impatient.close(),
    ]);
  });

  test('fetches over https verified against a deployment trusted root, any content type', async () => {
    const doc = await fetcher.fetch(`${base}/metadata/json/1`, trusted());
    assert.equal(doc.text, '{"ok":true}');
  });

  test('refuses a server whose CA is not trusted', async () => {
    await assert.rejects(
      fetcher.fetch(`${base}/metadata/json/1`, { allowInsecureHttp: false, trustedRoots: [] }),
      { code: 'ERR_METADATA_TLS_UNTRUSTED' },
    );
  });

  test('refuses plain http unless the partner opted in', async () => {
    await assert.rejects(fetcher.fetch(`${plain}/metadata/json/1`, trusted()), {
      code: 'ERR_METADATA_INSECURE_URL',
    });
    const doc = await fetcher.fetch(`${plain}/metadata/json/1`, { ...trusted(), allowInsecureHttp: true });
    assert.equal(doc.text, '{"ok":true}');
  });

  test('refuses URLs with credentials or other schemes', async () => {
    await assert.rejects(fetcher.fetch('https://user:pw@127.0.0.1/x', trusted()), {
      code: 'ERR_METADATA_URL_INVALID',
    });
    await assert.rejects(fetcher.fetch('ftp://127.0.0.1/x', trusted()), { code: 'ERR_METADATA_URL_INVALID' });
    await assert.rejects(fetcher.fetch('not a url', trusted()), { code: 'ERR_METADATA_URL_INVALID' });
  });

  test('refuses a body over the cap while streaming, and a declared length over the cap', async () => {
    await assert.rejects(fetcher.fetch(`${base}/big`, trusted()), { code: 'ERR_METADATA_TOO_LARGE' });
    await assert.rejects(fetcher.fetch(`${base}/declared-big`, trusted()), {
      code: 'ERR_METADATA_TOO_LARGE',
    });
  });

  test('follows a redirect, refuses a loop past the cap and an https→http downgrade', async () => {
    const doc = await fetcher.fetch(`${base}/redirect-once`, trusted());
    assert.equal(doc.url, `${base}/metadata/json/1`);
    await assert.rejects(fetcher.fetch(`${base}/loop`, trusted()), {
      code: 'ERR_METADATA_TOO_MANY_REDIRECTS',
    });
    await assert.rejects(fetcher.fetch(`${base}/downgrade`, { ...trusted(), allowInsecureHttp: true }), {
      code: 'ERR_METADATA_INSECURE_URL',
    });
  });

  test('times out on a server that never answers', async () => {
    await assert.rejects(impatient.fetch(`${base}/hang`, trusted()), { code: 'ERR_METADATA_TIMEOUT' });
  });

  test('reports HTTP status and unreachable hosts with the URL in the message', async () => {
    await assert.rejects(fetcher.fetch(`${base}/missing`, trusted()), (err: Error & { code: string }) => {
      assert.equal(err.code, 'ERR_METADATA_HTTP_STATUS');
      assert.match(err.message, /\/missing answered HTTP 404/);
      return true;
    });
    const closed = createHttpServer();
    const port = await listen(closed);
    await new Promise((r) => closed.close(r));
    await assert.rejects(fetcher.fetch(`https://127.0.0.1:${port}/metadata/json/1`, trusted()), {
      code: 'ERR_METADATA_UNREACHABLE',
    });
  });
});
