// test-file-timeout: 600s
/**
 * A renewal source that fails (docs/renewal.md "Failures"): another s2s's CA that goes down for most of the
 * renewal window (its listener behind a TCP proxy that is stopped), and an ACME server (pebble) that refuses
 * every account. Checked on an injected clock: retries with exponential back-off, the failure alerted in
 * `certificate get`'s status, /metrics, /readyz and the log; the current certificate stays assigned and valid
 * at every step; once the CA is back, a successor is staged (its lead shortened to switch before expiry) and
 * the alerts clear.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'undici';
import { ManualClock } from '../../src/core/index.ts';
import { WEB_SERVER_TEMPLATE } from '../../src/ca/index.ts';
import { caRoutes } from '../../src/adapters/http/routes/ca-routes.ts';
import { testCaKeys } from '../../src/services/ca/ca-test-deployment.ts';
import type { Logger, RenewalOutcome } from '../../src/services/index.ts';
import { ServerMetrics } from '../../src/main/server-metrics.ts';
import { readinessNow } from '../../src/main/server-readiness.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { TcpProxy } from '../fixtures/tcp-proxy.ts';
import { hasPebble, startPebble } from './pebble-server.ts';
import type { Pebble } from './pebble-server.ts';
import { startRenewalNode } from './renewal-deployments.ts';
import type { RenewalNode } from './renewal-deployments.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEP = 15 * MINUTE;

interface Line {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly msg: string;
}

function capturingLogger(lines: Line[]): Logger {
  const add = (level: string) => (fields: object, msg?: string) =>
    lines.push({ level, fields: fields as Record<string, unknown>, msg: msg ?? '' });
  return { info: add('info'), warn: add('warn'), error: add('error'), debug: add('debug') };
}

const healthy = async () => ({ readable: true });

describe('a failing renewal source', () => {
  let tlsCa: TestCertificate;
  const nodes: RenewalNode[] = [];
  let proxy: TcpProxy | undefined;
  let pebble: Pebble | undefined;
  let client: Agent;

  before(async () => {
    tlsCa = await makeCertificate({ subject: 'CN=Renewal Failure Root', ca: true });
    client = new Agent({ connect: { ca: tlsCa.pem } });
  });
  after(async () => {
    await proxy?.stop();
    await pebble?.stop();
    for (const n of nodes.reverse()) await n.close();
    await client?.close();
  });

  test('the CA is down: back-off, alerts, the current certificate stays; renewed once the CA is back', async () => {
    const clock = new ManualClock();
    const lines: Line[] = [];
    const ca = await startRenewalNode('ca', tlsCa, clock, {
      routes: (d) => [caRoutes({ ca: d.services.ca })],
    });
    nodes.push(ca);
    const c = ca.deployment.services;
    await c.ca.authority.init({ keys: testCaKeys() });
    await c.ca.authority.addTemplate({
      ...WEB_SERVER_TEMPLATE,
      name: 'Month',
      displayName: 'Month',
      validityDays: 30,
    });
    await c.ca.authority.accounts.add('enroller', 'correct horse battery');
    proxy = new TcpProxy(Number(ca.authority.split(':')[1]));
    await proxy.start();
    const url = `https://127.0.0.1:${proxy.port}`;
    const alpha = await startRenewalNode('alpha', tlsCa, clock, { logger: capturingLogger(lines) });
    nodes.push(alpha);
    const a = alpha.deployment.services;
    const credentials = { caAccount: 'enroller', caPassword: 'correct horse battery' };
    const issued = await a.ca.request({
      usages: ['OAuthTokenIssuer'],
      ca: url,
      template: 'Month',
      ...credentials,
    });
    assert.equal(issued.kind, 'issued');
    const original = issued.kind === 'issued' ? issued.result.thumbprint : '';
    const notAfter = Date.parse(issued.kind === 'issued' ? issued.result.notAfter : '');
    await a.renewal.setPolicy({
      usage: 'OAuthTokenIssuer',
      ca: url,
      template: 'Month',
      renewBeforeSeconds: 10 * 86_400,
      rollLeadSeconds: 48 * 3600,
      ...credentials,
    });
    const metrics = new ServerMetrics(a, clock, 'alpha.test');

    await proxy.stop(); // the CA goes down as the window opens
    clock.set(notAfter - 10 * DAY);
    const attempts: number[] = [];
    let alerted = false;
    while (clock.now().getTime() < notAfter - 1.5 * DAY) {
      for (const o of await a.renewal.runOnce()) {
        assert.equal(o.result, 'failed', JSON.stringify(o));
        assert.equal(o.error?.code, 'ERR_CA_ENROLLMENT_FAILED');
        attempts.push(clock.now().getTime());
      }
      const current = (await a.certificates.signingMaterial('OAuthTokenIssuer')).current;
      assert.equal(current?.thumbprint, original, 'the current certificate stays');
      assert.ok(current.notAfter.getTime() > clock.now().getTime(), 'and is valid');
      if (!alerted && attempts.length > 0) {
        alerted = true;
        const status = (await a.renewal.status()).find((s) => s.usage === 'OAuthTokenIssuer')!;
        assert.equal(status.nextAction, 'retry');
        assert.equal(status.failures, 1);
        assert.equal(status.lastError?.code, 'ERR_CA_ENROLLMENT_FAILED');
        const readiness = await readinessNow(a, healthy, clock);
        assert.equal(readiness.status, 'degraded');
        assert.ok(readiness.reasons.includes('certificate-renewal-failing'), readiness.reasons.join());
        assert.match(
          await metrics.registry.metrics(),
          /s2s_certificate_renewal_failures\{usage="OAuthTokenIssuer",identity="global",node="alpha.test"\} 1/,
        );
      }
      clock.advance(STEP);
    }
    // Back-off: 5 min doubling to the 6 h cap (observed on a 15-minute grid), never a retry storm.
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    assert.ok(attempts.length >= 20 && attempts.length <= 45, `${attempts.length} attempts in 8.5 days`);
    gaps.forEach((g, i) => assert.ok(i === 0 || g >= gaps[i - 1]!, `back-off never shrinks: ${gaps.join()}`));
    assert.ok(gaps.at(-1)! >= 6 * HOUR && gaps.at(-1)! <= 6 * HOUR + STEP, 'capped at 6 h');
    const failedLines = lines.filter((l) => l.fields.event === 'certificate_renewal_failed');
    assert.equal(failedLines.length, attempts.length, 'one error line per failed attempt');
    assert.equal(failedLines[0]!.level, 'error');
    assert.ok(
      !JSON.stringify(lines).includes('correct horse battery'),
      'the enrollment password is never logged',
    );
    const thresholds = lines
      .filter((l) => l.fields.event === 'certificate_expiry_alert')
      .map((l) => l.fields.thresholdDays);
    assert.deepEqual(thresholds, [14, 7, 3], 'one alert line per threshold crossed');

    await proxy.start(); // the CA is back: the next retry renews
    const outcomes: RenewalOutcome[] = [];
    while (!outcomes.some((o) => o.result === 'staged')) {
      assert.ok(clock.now().getTime() < notAfter - 2 * HOUR, 'renewed before the switch margin');
      outcomes.push(...(await a.renewal.runOnce()));
      clock.advance(STEP);
    }
    const staged = outcomes.find((o) => o.result === 'staged')!;
    assert.equal(
      Date.parse(staged.effectiveDate!),
      notAfter - HOUR,
      'lead shortened: switches an hour before expiry',
    );
    assert.ok(lines.some((l) => l.fields.code === 'WARN_CERTIFICATE_ROLL_LEAD_SHORTENED'));
    const status = (await a.renewal.status()).find((s) => s.usage === 'OAuthTokenIssuer')!;
    assert.equal(status.failures, 0);
    assert.equal(status.nextAction, 'switch');
    const readiness = await readinessNow(a, healthy, clock);
    assert.ok(!readiness.reasons.includes('certificate-renewal-failing'), readiness.reasons.join());
    clock.set(notAfter - HOUR + MINUTE);
    const current = (await a.certificates.signingMaterial('OAuthTokenIssuer')).current;
    assert.equal(
      current?.thumbprint,
      staged.thumbprint,
      'the successor took over before the old one expired',
    );
  });

  test(
    'ACME refuses: the failure is retried with back-off and the current certificate stays',
    { skip: hasPebble ? false : 'pebble is not installed (apt-get install pebble)' },
    async () => {
      pebble = await startPebble({ refuseAccounts: true });
      const clock = new ManualClock();
      const alpha = await startRenewalNode('alpha-acme', tlsCa, clock);
      nodes.push(alpha);
      const a = alpha.deployment.services;
      await a.ca.trustedRoots.add(Buffer.from(pebble.tlsRootPem));
      const cert = await makeCertificate({
        subject: 'CN=alpha-acme.test',
        dnsNames: ['alpha-acme.test'],
        freshKey: true,
        notAfter: new Date(Date.now() + 30 * DAY),
      });
      await a.certificates.import({
        file: Buffer.from(cert.pem),
        keyFile: Buffer.from(cert.keyPem),
        usages: ['OAuthTokenIssuer'],
      });
      await a.renewal.setPolicy({ usage: 'OAuthTokenIssuer', ca: `acme:${pebble.directoryUrl}` });
      clock.set(Date.now() + 1 * DAY); // inside the default 30-day window
      const attempts: number[] = [];
      for (let i = 0; i < 12; i++) {
        for (const o of await a.renewal.runOnce()) {
          assert.equal(o.result, 'failed', JSON.stringify(o));
          assert.equal(o.error?.code, 'ERR_CA_ENROLLMENT_FAILED');
          assert.match(o.error?.message ?? '', /ACME server .* refused or failed/);
          attempts.push(clock.now().getTime());
        }
        assert.equal(
          (await a.certificates.signingMaterial('OAuthTokenIssuer')).current?.thumbprint,
          cert.thumbprint,
        );
        clock.advance(5 * MINUTE);
      }
      // 55 minutes: attempts at 0, 5, 15 and 35 minutes (5, 10, 20 minutes apart), then waiting for 75.
      assert.deepEqual(
        attempts.slice(1).map((t, i) => (t - attempts[i]!) / MINUTE),
        [5, 10, 20],
      );
      const status = (await a.renewal.status()).find((s) => s.usage === 'OAuthTokenIssuer')!;
      assert.equal(status.failures, 4);
      assert.equal(status.nextAction, 'retry');
    },
  );
});
