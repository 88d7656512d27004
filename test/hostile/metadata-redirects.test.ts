/**
 * Metadata redirects (docs/security.md "Metadata redirects"): a partner's metadata server answering 302
 * cannot lead our fetch to another origin — loopback services, 169.254.169.254, RFC 1918 and unique local
 * addresses included — unless the administrator allowed it for that partner (`--metadata-redirects`
 * `public`: other origins whose addresses are all public; `any`: anywhere). Same-origin redirects are
 * followed as before. The setting is stored with the partner and governs its periodic refreshes too.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPublicAddress, publicOnlyLookup } from '../../src/adapters/http-client/public-address.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { hostileWorld, REALM, s2s } from './hostile-deployment.ts';
import type { HostileWorld } from './hostile-deployment.ts';

const PARTNER_ID = '44444444-0000-0000-0000-000000000044';

let w: HostileWorld;
let cert: TestCertificate;
let partnerServer: Server;
let otherServer: Server;
let base = '';
let otherBase = '';
let otherHits = 0;
const redirects = new Map<string, string>();

function metadata(): string {
  return JSON.stringify({
    id: '_r',
    version: '1.0',
    realm: REALM,
    serviceName: PARTNER_ID,
    issuer: `${PARTNER_ID}@${REALM}`,
    keys: [
      {
        usage: 'signing',
        keyinfo: { x5t: cert.x5t },
        keyvalue: { type: 'x509Certificate', value: cert.der.toString('base64') },
      },
    ],
  });
}

function handler(req: IncomingMessage, res: ServerResponse): void {
  const to = redirects.get(req.url ?? '');
  if (to !== undefined) return void res.writeHead(302, { location: to }).end();
  if (req.url === '/metadata/json/1')
    return void res.writeHead(200, { 'content-type': 'application/json' }).end(metadata());
  res.writeHead(404).end();
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

before(async () => {
  w = await hostileWorld();
  cert = await makeCertificate({ subject: 'CN=redirecting.contoso.com', freshKey: true });
  partnerServer = createServer(handler);
  otherServer = createServer((req, res) => {
    otherHits++;
    handler(req, res);
  });
  base = await listen(partnerServer);
  otherBase = await listen(otherServer);
});
after(async () => {
  for (const s of [partnerServer, otherServer])
    await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
  await w?.close();
});

let n = 0;
function register(path: string, metadataRedirects?: string) {
  return w.d.services.partners.create({
    identity: `redirecting-${++n}`,
    metadataUrl: `${base}${path}`,
    allowInsecureHttp: true,
    ...(metadataRedirects === undefined ? {} : { metadataRedirects }),
  });
}

async function refused(path: string, metadataRedirects?: string): Promise<void> {
  await assert.rejects(register(path, metadataRedirects), (e: { code?: string; message?: string }) => {
    assert.equal(e.code, 'ERR_METADATA_REDIRECT_REFUSED', e.message);
    return true;
  });
}

describe('metadata fetches do not follow redirects off the registered origin by default', () => {
  test('a same-origin redirect is followed', async () => {
    redirects.set('/moved', '/metadata/json/1');
    const { partner } = await register('/moved');
    assert.equal(partner.partner.keys.length, 1);
    assert.equal(partner.partner.metadataRedirects, 'same-origin');
    await w.d.services.partners.remove(partner.partner.identity);
  });

  test('another origin (another port of the same host) is refused and never contacted', async () => {
    redirects.set('/elsewhere', `${otherBase}/metadata/json/1`);
    const hits = otherHits;
    await refused('/elsewhere');
    assert.equal(otherHits, hits);
  });

  test('cloud metadata, loopback names, RFC 1918 and ULA targets are refused, also after a same-origin hop', async () => {
    const targets = [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://localhost/metadata/json/1',
      'http://10.0.0.5/metadata/json/1',
      'http://192.168.1.1/metadata/json/1',
      'http://172.16.0.1/metadata/json/1',
      'http://[::1]/metadata/json/1',
      'http://[fd00::1]/metadata/json/1',
      'http://[fe80::1]/metadata/json/1',
      'http://[::ffff:127.0.0.1]/metadata/json/1',
      'http://0.0.0.0/metadata/json/1',
      'http://100.64.0.1/metadata/json/1',
    ];
    for (const [i, target] of targets.entries()) {
      redirects.set(`/internal-${i}`, target);
      redirects.set(`/hop-${i}`, `/internal-${i}`);
      await refused(`/internal-${i}`);
      await refused(`/hop-${i}`);
      // `public` allows other origins, but never a non-public address: refused before any connection.
      await refused(`/internal-${i}`, 'public');
    }
  });

  test('`any` is the administrator’s explicit decision: the redirect is followed', async () => {
    redirects.set('/to-other', `${otherBase}/metadata/json/1`);
    const { partner } = await register('/to-other', 'any');
    assert.equal(partner.partner.metadataRedirects, 'any');
    assert.equal(partner.partner.keys.length, 1);
    await w.d.services.partners.remove(partner.partner.identity);
  });

  test('the switch is a stored partner setting on partner new/set and governs refreshes', async () => {
    redirects.set('/cli', `${otherBase}/metadata/json/1`);
    const created = await s2s(
      w.env,
      'partner',
      'new',
      '--identity',
      'cli-redirecting',
      '--metadata-url',
      `${base}/cli`,
      '--allow-insecure-http',
      '--metadata-redirects',
      'any',
      '--json',
    );
    assert.equal(created.code, 0, created.err);
    assert.equal(JSON.parse(created.out).partner.metadataRedirects, 'any');
    const set = await s2s(
      w.env,
      'partner',
      'set',
      '--identity',
      'cli-redirecting',
      '--metadata-redirects',
      'same-origin',
    );
    assert.equal(set.code, 0, set.err);
    await assert.rejects(w.d.services.partners.refresh('cli-redirecting'), {
      code: 'ERR_METADATA_REDIRECT_REFUSED',
    });
    const { partner } = await w.d.services.partners.get('cli-redirecting');
    assert.equal(partner.refresh.lastError?.code, 'ERR_METADATA_REDIRECT_REFUSED', 'recorded; keys kept');
    assert.equal(partner.keys.length, 1);
    const bad = await s2s(
      w.env,
      'partner',
      'set',
      '--identity',
      'cli-redirecting',
      '--metadata-redirects',
      'anywhere',
    );
    assert.equal(bad.code, 2);
    assert.match(bad.err, /ERR_USAGE/);
  });
});

describe('what counts as a public address', () => {
  test('special-purpose ranges are not public; ordinary unicast is', () => {
    for (const a of [
      '127.0.0.1',
      '169.254.169.254',
      '10.1.2.3',
      '172.31.255.255',
      '192.168.0.1',
      '100.64.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      '::1',
      '::',
      'fd12:3456::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      'not-an-ip',
    ])
      assert.equal(isPublicAddress(a), false, a);
    for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      assert.equal(isPublicAddress(a), true, a);
  });

  test('the connect-time lookup of an allowed off-origin hop refuses a name that answers a private address (rebinding)', async () => {
    const err = await new Promise<unknown>((resolve) =>
      publicOnlyLookup('localhost', { all: true }, (e) => resolve(e)),
    );
    assert.equal((err as { code?: string } | null)?.code, 'ERR_METADATA_REDIRECT_REFUSED');
  });
});
