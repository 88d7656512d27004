/**
 * The embedding story of docs/library.md, run as written: two deployments opened through the public
 * library API (src/index.ts), trusting each other by certificate, and a plain node:http service guarded
 * by the framework-neutral middleware (src/adapters/http/index.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDeployment, resolveNodeConfig, PRINCIPAL_IDS } from '../../src/index.ts';
import type { Deployment } from '../../src/index.ts';
import { s2sNodeMiddleware } from '../../src/adapters/http/index.ts';
import type { S2sAuthenticatedRequest } from '../../src/adapters/http/index.ts';
import { makeCertificate } from '../fixtures/certificates.ts';

async function deployment(t: { after(fn: () => unknown): void }, name: string): Promise<Deployment> {
  const home = mkdtempSync(join(tmpdir(), `s2s-lib-${name}-`));
  const env = { S2S_MASTER_KEY: randomBytes(32).toString('base64') };
  const d = await openDeployment(resolveNodeConfig({ home, node: `${name}.contoso.com` }, env));
  t.after(async () => {
    await d.close();
    rmSync(home, { recursive: true, force: true });
  });
  return d;
}

test('library: a partner deployment calls a node:http service guarded by s2sNodeMiddleware', async (t) => {
  // Our side: the Skype-role deployment, addressed as lync-pool.contoso.com.
  const lync = await deployment(t, 'lync');
  await lync.services.oauth.initialize({ realm: 'contoso.com', hostNames: ['lync-pool.contoso.com'] });
  const lyncCert = await makeCertificate({
    subject: 'CN=lync-pool.contoso.com',
    dnsNames: ['lync-pool.contoso.com', 'contoso.com'],
    freshKey: true,
  });
  await lync.services.certificates.import({
    file: Buffer.from(lyncCert.pem),
    keyFile: Buffer.from(lyncCert.keyPem),
    usages: ['OAuthTokenIssuer'],
  });

  // The partner: an Exchange-role deployment in the same realm.
  const exchange = await deployment(t, 'exchange');
  await exchange.services.oauth.initialize({ realm: 'contoso.com', serviceName: PRINCIPAL_IDS.exchange });
  const exCert = await makeCertificate({
    subject: 'CN=mail.contoso.com',
    dnsNames: ['mail.contoso.com', 'contoso.com'],
    freshKey: true,
  });
  await exchange.services.certificates.import({
    file: Buffer.from(exCert.pem),
    keyFile: Buffer.from(exCert.keyPem),
    usages: ['OAuthTokenIssuer'],
  });

  // Each registers the other (by certificate here; by metadata URL in production).
  await lync.services.partners.create({
    identity: 'microsoft.exchange',
    trustLevel: 'Full',
    applicationIdentifier: PRINCIPAL_IDS.exchange,
    realm: 'contoso.com',
    certificate: exCert.der,
  });
  await exchange.services.partners.create({
    identity: 'lync',
    trustLevel: 'Full',
    applicationIdentifier: PRINCIPAL_IDS.lync,
    realm: 'contoso.com',
    certificate: lyncCert.der,
  });

  // A plain node:http service of ours.
  const guard = s2sNodeMiddleware(lync.services.tokens, { publicOrigin: 'https://lync-pool.contoso.com' });
  const server = createServer((req: S2sAuthenticatedRequest, res) =>
    guard(req, res, () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          partner: req.s2sPrincipal?.partnerIdentity,
          mode: req.s2sPrincipal?.mode,
          user: req.s2sPrincipal?.user?.smtp,
        }),
      );
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/items`;

  // The partner issues an act-as token for a user, addressed to our host.
  const issued = await exchange.services.tokens.issue({
    partner: 'lync',
    host: 'lync-pool.contoso.com',
    user: { sip: 'kenmyer@contoso.com', smtp: 'kenmyer@contoso.com', upn: 'kenmyer@contoso.com' },
  });
  const ok = await fetch(url, { headers: { authorization: `Bearer ${issued.token}` } });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), {
    partner: 'microsoft.exchange',
    mode: 'user',
    user: 'kenmyer@contoso.com',
  });

  // No token: the bare challenge (realm discovery, docs/protocol.md §3).
  const bare = await fetch(url, { headers: { authorization: 'Bearer ' } });
  assert.equal(bare.status, 401);
  assert.match(
    bare.headers.get('www-authenticate') ?? '',
    /^Bearer realm="contoso.com", client_id="00000004-0000-0ff1-ce00-000000000000", trusted_issuers="[^"]*00000002-0000-0ff1-ce00-000000000000@contoso.com/,
  );
  assert.equal(bare.headers.get('x-ms-diagnostics'), null);

  // A token for another host: refused with the Exchange-style diagnostic, and the body never echoes it.
  const elsewhere = await exchange.services.tokens.issue({ partner: 'lync', host: 'other.contoso.com' });
  const refused = await fetch(url, { headers: { authorization: `Bearer ${elsewhere.token}` } });
  assert.equal(refused.status, 401);
  assert.match(
    refused.headers.get('x-ms-diagnostics') ?? '',
    /^2000003;reason="[^"]*";error_category="invalid_resource"$/,
  );
  const body = await refused.text();
  assert.ok(!body.includes(elsewhere.token.slice(0, 40)), 'the refusal echoes no token material');
});
