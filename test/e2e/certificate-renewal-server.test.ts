/**
 * The server renews on its own (docs/renewal.md "What happens"): `startServer` runs the renewal schedule,
 * so once the injected clock enters the window a successor is staged with nobody calling the service, and
 * /metrics and /readyz over real HTTPS show the renewal state. Polls have generous bounds only.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import { ManualClock } from '../../src/core/index.ts';
import { WEB_SERVER_TEMPLATE } from '../../src/ca/index.ts';
import { testCaKeys } from '../../src/services/ca/ca-test-deployment.ts';
import { startServer } from '../../src/main/server.ts';
import type { RunningServer } from '../../src/main/server.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import { startRenewalNode } from './renewal-deployments.ts';
import type { RenewalNode } from './renewal-deployments.ts';

const DAY = 86_400_000;
const insecure = new Agent({ connect: { rejectUnauthorized: false } });
let node: RenewalNode | undefined;
let server: RunningServer | undefined;
after(async () => {
  await server?.close();
  await node?.close();
  await insecure.close();
});

async function get(url: string): Promise<string> {
  const res = await request(url, { dispatcher: insecure });
  return res.body.text();
}

test('the running server stages the successor by itself and reports it', async () => {
  const clock = new ManualClock();
  const tlsCa = await makeCertificate({ subject: 'CN=Renewal Loopback Root', ca: true });
  node = await startRenewalNode('alpha', tlsCa, clock);
  const a = node.deployment.services;
  await a.ca.authority.init({ keys: testCaKeys() });
  await a.ca.authority.addTemplate({
    ...WEB_SERVER_TEMPLATE,
    name: 'Month',
    displayName: 'Month',
    validityDays: 30,
  });
  for (const usage of ['OAuthTokenIssuer', 'WebServicesInternal'])
    await a.ca.request({ usages: [usage], ca: 'internal', template: 'Month' });
  await a.renewal.setPolicy({
    usage: 'OAuthTokenIssuer',
    ca: 'internal',
    template: 'Month',
    renewBeforeSeconds: 10 * 86_400,
    rollLeadSeconds: 2 * 86_400,
  });
  server = await startServer(node.deployment, {
    listen: '127.0.0.1:0',
    logger: pino({ level: 'silent' }),
    renewalTickMs: 100,
  });
  const before = await get(`${server.url}/metrics`);
  assert.match(
    before,
    /s2s_certificate_renewal_failures\{usage="OAuthTokenIssuer",identity="global",node="alpha.test"\} 0/,
  );
  assert.match(
    before,
    /s2s_certificate_next_action_timestamp_seconds\{usage="OAuthTokenIssuer",identity="global",action="renew"/,
  );
  clock.advance(21 * DAY);
  let staged: string | null = null;
  for (let i = 0; i < 600 && staged === null; i++) {
    staged =
      (await a.certificates.get({ usage: 'OAuthTokenIssuer' })).assignments[0]?.StagedThumbprint ?? null;
    if (staged === null) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(staged, 'the schedule staged a successor');
  const metrics = await get(`${server.url}/metrics`);
  assert.match(
    metrics,
    new RegExp(
      `s2s_certificate_days_to_expiry\\{usage="OAuthTokenIssuer",identity="global",slot="staged",thumbprint="${staged}"`,
    ),
  );
  assert.match(
    metrics,
    /s2s_certificate_next_action_timestamp_seconds\{usage="OAuthTokenIssuer",identity="global",action="switch"/,
  );
  const readiness = JSON.parse(await get(`${server.url}/readyz`)) as { status: string; reasons: string[] };
  assert.ok(!readiness.reasons.includes('token-certificate-expiring'), JSON.stringify(readiness));
  assert.ok(!readiness.reasons.includes('certificate-renewal-failing'), JSON.stringify(readiness));
});
