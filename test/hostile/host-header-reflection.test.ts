/**
 * Host header reflection (docs/security.md "Host header"): the public, cacheable documents — the metadata
 * document, OIDC discovery and the storage OpenAPI document — name our configured host names only. A
 * request with a foreign Host (or a configured one in another case, with a port, or with a query string)
 * gets the canonical names; the attacker's text appears nowhere in the answer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/main/server.ts';
import type { RunningServer } from '../../src/main/server.ts';
import { HOST, hostileWorld } from './hostile-deployment.ts';
import { httpsGet } from './loopback-https.ts';
import type { HostileWorld } from './hostile-deployment.ts';

const SECOND = 'lync-ext.contoso.com';
const EVIL = 'evil.attacker.example';

let w: HostileWorld;
let server: RunningServer;

async function get(path: string, host: string): Promise<{ status: number; cache: string; body: string }> {
  const a = await httpsGet(server.port, path, { host });
  return { status: a.status, cache: String(a.headers['cache-control']), body: a.body };
}

before(async () => {
  w = await hostileWorld();
  await w.d.services.oauth.update({ hostNames: [HOST, SECOND] });
  await w.d.services.certificates.set({ usages: ['Default'], thumbprint: w.us.cert.thumbprint });
  server = await startServer(w.d, {
    listen: '127.0.0.1:0',
    refreshTickMs: 3_600_000,
    tlsRecheckMs: 3_600_000,
  });
});
after(async () => {
  await server?.close();
  await w?.close();
});

const DOCUMENTS = ['/metadata/json/1', '/.well-known/openid-configuration', '/storage/v1/openapi.json'];
const HOSTILE_HOSTS = [EVIL, `${EVIL}:443`, `${HOST}.${EVIL}`, `${EVIL}:8443`, '127.0.0.1', '[::1]'];

describe('the Host header is never reflected into public documents', () => {
  for (const path of DOCUMENTS) {
    test(`${path}: a foreign Host gets the canonical (first configured) host name`, async () => {
      for (const host of HOSTILE_HOSTS) {
        const a = await get(path, host);
        assert.equal(a.status, 200, `${path} with Host ${host}`);
        assert.ok(!a.body.includes(EVIL), `${path} with Host ${host} reflected it: ${a.body.slice(0, 300)}`);
        assert.ok(!a.body.includes('127.0.0.1') && !a.body.includes('[::1]'), `${path} with Host ${host}`);
        assert.ok(a.body.includes(`https://${HOST}`), `${path} names the canonical host`);
      }
    });
  }

  test('a configured host name (any case, default port) is answered with its configured spelling', async () => {
    const discovery = JSON.parse(
      (await get('/.well-known/openid-configuration', 'LYNC-EXT.Contoso.com:443')).body,
    );
    assert.equal(discovery.issuer, `https://${SECOND}/`);
    assert.equal(discovery.jwks_uri, `https://${SECOND}/.well-known/jwks.json`);
    const doc = JSON.parse((await get('/metadata/json/1', SECOND)).body);
    assert.equal(doc.endpoints[0].location, `https://${SECOND}/metadata/json/1`);
  });

  test('the query string and a configured host with another port are not reflected either', async () => {
    const a = await get(`/metadata/json/1?x=${EVIL}`, `${HOST}:4443`);
    const doc = JSON.parse(a.body);
    assert.equal(doc.endpoints[0].location, `https://${HOST}/metadata/json/1`);
    assert.ok(!a.body.includes(EVIL));
    assert.ok(a.cache.startsWith('public'), 'still cacheable: its content no longer depends on the caller');
  });

  test('with no host names configured the node name is the canonical name', async () => {
    await w.d.services.oauth.update({ hostNames: [] });
    try {
      const a = await get('/.well-known/openid-configuration', EVIL);
      assert.ok(!a.body.includes(EVIL));
      assert.equal(JSON.parse(a.body).issuer, `https://${HOST}/`, 'S2S_NODE of the hostile world');
    } finally {
      await w.d.services.oauth.update({ hostNames: [HOST, SECOND] });
    }
  });
});
