// test-file-timeout: 900s
/**
 * A year of automatic renewal on an injected clock (docs/renewal.md): deployment `alpha` gets 30-day
 * certificates — from its own built-in CA, and from another s2s's enrollment endpoint over HTTPS — and
 * renews them by policy (renew 10 days before expiry, stage 48 h ahead). Partner `bravo` refreshes alpha's
 * metadata on its own 12-hour schedule and validates an alpha token at every step, over HTTPS, for the
 * whole year. Checked: 0 failed validations; every signing certificate was in bravo's stored keys before
 * it signed and in alpha's metadata at least the lead time before; every renewal staged within one step of
 * its window opening; a valid current certificate at every step; previous certificates retired; and (built-in
 * CA) the real HTTPS server switching its WebServicesInternal certificate without a restart.
 * The clock is a ManualClock: nothing here waits for or measures real time.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { pino } from 'pino';
import { Agent } from 'undici';
import { ManualClock } from '../../src/core/index.ts';
import { WEB_SERVER_TEMPLATE } from '../../src/ca/index.ts';
import { caRoutes } from '../../src/adapters/http/routes/ca-routes.ts';
import { testCaKeys } from '../../src/services/ca/ca-test-deployment.ts';
import type { RenewalOutcome } from '../../src/services/index.ts';
import { startServer } from '../../src/main/server.ts';
import type { RunningServer } from '../../src/main/server.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import {
  presentToken,
  startRenewalNode,
  tokenX5t,
  trustEachOther,
  x5tThumbprint,
} from './renewal-deployments.ts';
import type { RenewalNode } from './renewal-deployments.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const STEP = 4 * HOUR;
const RENEW_BEFORE = 10 * DAY;
const LEAD = 48 * HOUR;
const MONTH_TEMPLATE = { ...WEB_SERVER_TEMPLATE, name: 'Month', displayName: 'Month', validityDays: 30 };

interface YearReport {
  validations: number;
  failed: string[];
  unknownToPartner: string[];
  staged: Array<RenewalOutcome & { at: number; renewAt: number }>;
  retired: number;
  firstPublished: Map<string, number>;
  firstSigned: Map<string, number>;
  expiredCurrent: string[];
  tlsChecks: number;
  tlsMismatches: string[];
}

/** Runs a year in STEP increments: renewal pass, partner refresh, a token validated by the partner. */
async function simulateYear(
  clock: ManualClock,
  alpha: RenewalNode,
  bravo: RenewalNode,
  client: Agent,
  tls?: { server: RunningServer; node: string },
): Promise<YearReport> {
  const a = alpha.deployment.services;
  const b = bravo.deployment.services;
  const report: YearReport = {
    validations: 0,
    failed: [],
    unknownToPartner: [],
    staged: [],
    retired: 0,
    firstPublished: new Map(),
    firstSigned: new Map(),
    expiredCurrent: [],
    tlsChecks: 0,
    tlsMismatches: [],
  };
  const end = clock.now().getTime() + 365 * DAY;
  for (let step = 0; clock.now().getTime() < end; step++) {
    clock.advance(STEP);
    const now = clock.now().getTime();
    const before = new Map(
      (await a.renewal.status()).map((s) => [`${s.identity}/${s.usage}`, Date.parse(s.renewAt ?? '')]),
    );
    for (const o of await a.renewal.runOnce()) {
      if (o.result === 'staged')
        report.staged.push({ ...o, at: now, renewAt: before.get(`${o.identity}/${o.usage}`)! });
      else if (o.result === 'retired-previous') report.retired++;
      else assert.fail(`unexpected renewal outcome ${JSON.stringify(o)}`);
    }
    for (const key of (await a.metadata.document(`https://${alpha.authority}/metadata/json/1`)).keys)
      if (!report.firstPublished.has(key.keyinfo.x5t)) report.firstPublished.set(key.keyinfo.x5t, now);
    await b.partners.refreshDue();
    const current = (await a.certificates.signingMaterial('OAuthTokenIssuer')).current;
    if (!current || current.notAfter.getTime() <= now || current.notBefore.getTime() > now)
      report.expiredCurrent.push(new Date(now).toISOString());
    const { token } = await a.tokens.issue({ partner: bravo.name, host: bravo.authority });
    const x5t = tokenX5t(token);
    if (!report.firstSigned.has(x5t)) report.firstSigned.set(x5t, now);
    const known = (await b.partners.get(alpha.name)).partner.keys.map((k) => k.thumbprint);
    if (!known.includes(x5tThumbprint(x5t)))
      report.unknownToPartner.push(`${x5t} at ${new Date(now).toISOString()}`);
    report.validations++;
    const status = await presentToken(bravo, token, client);
    if (status !== 200) report.failed.push(`${new Date(now).toISOString()}: HTTP ${status}`);
    if (tls && step % 6 === 0) {
      await tls.server.reloadTls(); // what the server's timer does (SERVER_DEFAULTS.tlsRecheckMs)
      const want = (await a.certificates.signingMaterial('WebServicesInternal', tls.node)).current;
      const got = await presentedThumbprint(tls.server.port);
      report.tlsChecks++;
      if (got !== want?.thumbprint)
        report.tlsMismatches.push(`${new Date(now).toISOString()}: ${got} ≠ ${want?.thumbprint}`);
    }
  }
  return report;
}

/** The SHA-1 thumbprint of the certificate a TLS server presents (validity is not checked: simulated dates). */
function presentedThumbprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint.replace(/:/g, '');
      socket.end();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
}

function checkYear(report: YearReport, usages: readonly string[]): void {
  assert.deepEqual(report.failed, [], 'the partner refused none of the tokens');
  assert.ok(report.validations >= 365 * 6 - 1, `a token every step (${report.validations})`);
  assert.deepEqual(
    report.unknownToPartner,
    [],
    'every signing certificate was in the partner’s keys before it signed',
  );
  assert.deepEqual(report.expiredCurrent, [], 'a valid current certificate at every step');
  for (const usage of usages) {
    const renewals = report.staged.filter((s) => s.usage === usage);
    // 30-day certificates renewed 10 days before expiry: a successor about every 20 days.
    assert.ok(renewals.length >= 17, `${usage}: ${renewals.length} renewals in a year`);
    for (const r of renewals) {
      assert.ok(
        r.at >= r.renewAt && r.at - r.renewAt < STEP,
        `${usage} renewed on time: ${JSON.stringify(r)}`,
      );
      assert.equal(Date.parse(r.effectiveDate!) - r.at, LEAD, 'staged a full lead time ahead');
    }
  }
  let checked = 0;
  for (const [x5t, signedAt] of report.firstSigned) {
    const publishedAt = report.firstPublished.get(x5t);
    assert.ok(publishedAt !== undefined, `${x5t} was published`);
    if (publishedAt === Math.min(...report.firstPublished.values())) continue; // the initial certificate
    assert.ok(
      signedAt - publishedAt >= LEAD,
      `${x5t} published ${(signedAt - publishedAt) / HOUR} h before it signed`,
    );
    checked++;
  }
  assert.ok(checked >= 17, `${checked} successors checked for publication ahead of signing`);
  assert.ok(
    report.retired >= report.staged.length - usages.length,
    `previous certificates retired (${report.retired})`,
  );
}

describe('a year of 30-day certificates renewed automatically', () => {
  const clock = new ManualClock();
  let tlsCa: TestCertificate;
  let client: Agent;
  const nodes: RenewalNode[] = [];
  let server: RunningServer | undefined;

  before(async () => {
    tlsCa = await makeCertificate({ subject: 'CN=Renewal Loopback Root', ca: true });
    client = new Agent({ connect: { ca: tlsCa.pem } });
  });
  after(async () => {
    await server?.close();
    for (const n of nodes.reverse()) await n.close();
    await client?.close();
  });

  async function partner(): Promise<RenewalNode> {
    const bravo = await startRenewalNode('bravo', tlsCa, clock);
    nodes.push(bravo);
    const issuer = await makeCertificate({
      subject: 'CN=bravo.test OAuth',
      freshKey: true,
      notAfter: new Date(Date.now() + 5 * 365 * DAY),
    });
    await bravo.deployment.services.certificates.import({
      file: Buffer.from(issuer.pem),
      keyFile: Buffer.from(issuer.keyPem),
      usages: ['OAuthTokenIssuer'],
    });
    return bravo;
  }

  test('from the built-in CA, with the HTTPS listener switching its certificate without a restart', async () => {
    const alpha = await startRenewalNode('alpha', tlsCa, clock);
    nodes.push(alpha);
    const a = alpha.deployment.services;
    await a.ca.authority.init({ keys: testCaKeys() });
    await a.ca.authority.addTemplate(MONTH_TEMPLATE);
    for (const usage of ['OAuthTokenIssuer', 'WebServicesInternal'])
      await a.ca.request({ usages: [usage], ca: 'internal', template: 'Month' });
    for (const usage of ['OAuthTokenIssuer', 'WebServicesInternal'])
      await a.renewal.setPolicy({
        usage,
        ca: 'internal',
        template: 'Month',
        renewBeforeSeconds: RENEW_BEFORE / 1000,
        rollLeadSeconds: LEAD / 1000,
      });
    const bravo = await partner();
    await trustEachOther(alpha, bravo);
    server = await startServer(alpha.deployment, {
      listen: '127.0.0.1:0',
      logger: pino({ level: 'silent' }),
      refreshTickMs: 3_600_000,
      tlsRecheckMs: 3_600_000,
      renewalTickMs: 3_600_000,
    });
    const report = await simulateYear(clock, alpha, bravo, client, { server, node: 'alpha.test' });
    checkYear(report, ['OAuthTokenIssuer', 'WebServicesInternal']);
    assert.ok(report.tlsChecks >= 60);
    assert.deepEqual(report.tlsMismatches, [], 'the listener presented the current certificate every day');
    const issued = new Set(
      report.staged.filter((s) => s.usage === 'WebServicesInternal').map((s) => s.thumbprint),
    );
    assert.ok(issued.size >= 17, 'the listener went through every renewed web certificate');
  });

  test("from another s2s's enrollment endpoint over HTTPS", async () => {
    const ca = await startRenewalNode('ca', tlsCa, clock, {
      routes: (d) => [caRoutes({ ca: d.services.ca })],
    });
    nodes.push(ca);
    const c = ca.deployment.services;
    await c.ca.authority.init({ keys: testCaKeys() });
    await c.ca.authority.addTemplate(MONTH_TEMPLATE);
    await c.ca.authority.accounts.add('enroller', 'correct horse battery');
    const alpha = await startRenewalNode('alpha2', tlsCa, clock);
    nodes.push(alpha);
    const a = alpha.deployment.services;
    const url = `https://${ca.authority}`;
    const credentials = { caAccount: 'enroller', caPassword: 'correct horse battery' };
    await a.ca.request({ usages: ['OAuthTokenIssuer'], ca: url, template: 'Month', ...credentials });
    await a.renewal.setPolicy({
      usage: 'OAuthTokenIssuer',
      ca: url,
      template: 'Month',
      renewBeforeSeconds: RENEW_BEFORE / 1000,
      rollLeadSeconds: LEAD / 1000,
      ...credentials,
    });
    const bravo = nodes.find((n) => n.name === 'bravo') ?? (await partner());
    await trustEachOther(alpha, bravo);
    const report = await simulateYear(clock, alpha, bravo, client);
    checkYear(report, ['OAuthTokenIssuer']);
    const log = await c.ca.authority.issued();
    for (const s of report.staged)
      assert.ok(
        log.some((i) => i.thumbprint === s.thumbprint && i.account === 'enroller'),
        'issued by the remote CA',
      );
  });
});
