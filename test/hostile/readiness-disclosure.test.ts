/**
 * Readiness and metrics disclose nothing to the unauthenticated (docs/security.md: fetch targets and
 * errors never on public endpoints; /readyz details and /metrics behind the operations token). A partner
 * whose metadata lives at an internal URL, and whose last refresh failed, must not show that URL, its port,
 * its path or the fetch error on /readyz; with the operations token the details are there.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { makeCertificate } from '../fixtures/certificates.ts';
import { operationsRoutes } from '../../src/main/server-routes.ts';
import { ServerMetrics } from '../../src/main/server-metrics.ts';
import { hostileWorld, REALM } from './hostile-deployment.ts';
import type { HostileWorld } from './hostile-deployment.ts';

const PARTNER_ID = '44444444-0000-0000-0000-000000000044';
const SECRET_PATH = '/internal-only/secret-metadata-path/json/1';
const OPS_TOKEN = 'ops-token-for-the-test-0123456789';

let w: HostileWorld;
let server: Server;
let port: number;
let open: FastifyInstance;
let guarded: FastifyInstance;

async function appWith(opsToken: string | undefined): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(
    operationsRoutes({
      services: w.d.services,
      clock: w.clock,
      storeHealth: async () => ({ readable: true }),
      metrics: new ServerMetrics(w.d.services, w.clock, 'fe01.contoso.com'),
      opsToken,
    }),
  );
  return app;
}

before(async () => {
  w = await hostileWorld();
  const cert = await makeCertificate({ subject: 'CN=internal.contoso.com', freshKey: true });
  const doc = JSON.stringify({
    id: '_internal',
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
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(doc));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  await w.d.services.partners.create({
    identity: 'internal-partner',
    metadataUrl: `http://127.0.0.1:${port}${SECRET_PATH}`,
    allowInsecureHttp: true,
  });
  // The metadata server goes away: the next refresh fails and records its error on the partner.
  await new Promise<void>((r) => server.close(() => r()));
  server.closeAllConnections();
  const refreshed = await w.d.services.partners.refresh('internal-partner').catch((err: unknown) => err);
  assert.ok(refreshed, 'the refresh ran');
  w.clock.advance(3 * 24 * 3600_000); // the partner's metadata is now stale as well
  open = await appWith(undefined);
  guarded = await appWith(OPS_TOKEN);
});

after(async () => {
  await open?.close();
  await guarded?.close();
  await w?.close();
});

function assertDiscloses(body: string, expected: boolean, what: string): void {
  for (const secret of [
    String(port),
    SECRET_PATH,
    'internal-only',
    '127.0.0.1',
    'ECONNREFUSED',
    'internal-partner',
  ])
    assert.equal(body.includes(secret), expected, `${what}: ${secret} ${expected ? 'missing' : 'disclosed'}`);
}

test('/readyz without the operations token: status and reason codes only, no fetch target or error', async () => {
  for (const app of [open, guarded]) {
    const r = await app.inject({ method: 'GET', url: '/readyz' });
    const body = JSON.parse(r.body) as { status: string; reasons?: string[] };
    assert.ok(['ready', 'degraded', 'not-ready'].includes(body.status), r.body);
    assertDiscloses(r.body, false, 'public /readyz');
    // A wrong token is no token.
    const wrong = await app.inject({
      method: 'GET',
      url: '/readyz',
      headers: { authorization: 'Bearer nope' },
    });
    assertDiscloses(wrong.body, false, '/readyz with a wrong token');
  }
});

test('/readyz with the operations token shows the checks and their details', async () => {
  const r = await guarded.inject({
    method: 'GET',
    url: '/readyz',
    headers: { authorization: `Bearer ${OPS_TOKEN}` },
  });
  assert.match(r.body, /internal-partner/);
});

test('/metrics needs the operations token when one is set', async () => {
  const denied = await guarded.inject({ method: 'GET', url: '/metrics' });
  assert.equal(denied.statusCode, 401);
  assert.equal((JSON.parse(denied.body) as { code: string }).code, 'ERR_SERVER_OPS_TOKEN');
  const allowed = await guarded.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${OPS_TOKEN}` },
  });
  assert.equal(allowed.statusCode, 200);
  assert.match(allowed.body, /s2s_/);
});
