// test-file-timeout: 600s
/**
 * Automatic renewal from ACME (RFC 8555) against Debian's pebble (docs/renewal.md "ACME and time").
 * pebble stamps certificates with the machine's clock and cannot be given an injected one, so this leg runs
 * on real time with the policy scaled down: pebble issues 60-second certificates, the policy renews 40 s
 * before expiry and stages 10 s ahead, and the partner refreshes metadata every 3 s (the scaled form of 30
 * days / 48 h / 12 h). Checked, as in the year-long simulation: two successors issued by pebble take over,
 * the partner validates a token at every step with 0 failures, knows each certificate before it signs,
 * and each successor is published (staged) a full lead time before its first token. Timing is bounded,
 * never asserted: a slow machine only shortens a lead (a failed assertion names it), never hangs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'undici';
import { systemClock } from '../../src/core/index.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { hasPebble, startPebble } from './pebble-server.ts';
import type { Pebble } from './pebble-server.ts';
import {
  presentToken,
  startRenewalNode,
  tokenX5t,
  trustEachOther,
  x5tThumbprint,
} from './renewal-deployments.ts';
import type { RenewalNode } from './renewal-deployments.ts';

const VALIDITY_S = 60;
const RENEW_BEFORE_S = 40;
const LEAD_S = 10;
const PARTNER_REFRESH_MS = 3000;
const BOUND_MS = 300_000;

describe(
  'renewal from ACME (pebble), on real time with the policy scaled',
  { skip: hasPebble ? false : 'pebble is not installed (apt-get install pebble)' },
  () => {
    let tlsCa: TestCertificate;
    let pebble: Pebble | undefined;
    let client: Agent;
    const nodes: RenewalNode[] = [];

    before(async () => {
      tlsCa = await makeCertificate({ subject: 'CN=Renewal Loopback Root', ca: true });
      client = new Agent({ connect: { ca: tlsCa.pem } });
      pebble = await startPebble({ validitySeconds: VALIDITY_S });
    });
    after(async () => {
      for (const n of nodes.reverse()) await n.close();
      await pebble?.stop();
      await client?.close();
    });

    test('two successors from pebble take over; the partner never refuses a token', async () => {
      const alpha = await startRenewalNode('alpha', tlsCa, systemClock);
      nodes.push(alpha);
      const bravo = await startRenewalNode('bravo', tlsCa, systemClock);
      nodes.push(bravo);
      const a = alpha.deployment.services;
      const b = bravo.deployment.services;
      const issuer = await makeCertificate({ subject: 'CN=bravo.test OAuth', freshKey: true });
      await b.certificates.import({
        file: Buffer.from(issuer.pem),
        keyFile: Buffer.from(issuer.keyPem),
        usages: ['OAuthTokenIssuer'],
      });
      await a.ca.trustedRoots.add(Buffer.from(pebble!.tlsRootPem));
      const directory = pebble!.directoryUrl;
      const first = await a.ca.request({ usages: ['OAuthTokenIssuer'], ca: `acme+${directory}` });
      assert.equal(first.kind, 'issued');
      await a.renewal.setPolicy({
        usage: 'OAuthTokenIssuer',
        ca: `acme:${directory}`,
        renewBeforeSeconds: RENEW_BEFORE_S,
        rollLeadSeconds: LEAD_S,
      });
      await trustEachOther(alpha, bravo);

      const stagedAt = new Map<string, { at: number; effective: number }>();
      const firstSigned = new Map<string, number>();
      const failed: string[] = [];
      const unknown: string[] = [];
      let validations = 0;
      let lastRefresh = 0;
      const start = Date.now();
      const successorsSigned = () => [...firstSigned.keys()].filter((t) => stagedAt.has(t)).length;
      while (successorsSigned() < 2) {
        assert.ok(Date.now() - start < BOUND_MS, `two successors within ${BOUND_MS} ms`);
        for (const o of await a.renewal.runOnce()) {
          assert.equal(o.result, 'staged', JSON.stringify(o));
          const state = (await a.renewal.status()).find((s) => s.usage === 'OAuthTokenIssuer')!;
          const staged = state.lastStaged!;
          stagedAt.set(staged.thumbprint, {
            at: Date.parse(staged.stagedAt),
            effective: Date.parse(staged.effectiveDate),
          });
          const published = (await a.metadata.document(`https://${alpha.authority}/metadata/json/1`)).keys;
          assert.ok(
            published.some((k) => x5tThumbprint(k.keyinfo.x5t) === staged.thumbprint),
            'in our metadata from the moment it is staged',
          );
        }
        if (Date.now() - lastRefresh >= PARTNER_REFRESH_MS) {
          await b.partners.refresh(alpha.name);
          lastRefresh = Date.now();
        }
        const { token } = await a.tokens.issue({ partner: bravo.name, host: bravo.authority });
        const thumbprint = x5tThumbprint(tokenX5t(token));
        if (!firstSigned.has(thumbprint)) firstSigned.set(thumbprint, Date.now());
        const known = (await b.partners.get(alpha.name)).partner.keys.map((k) => k.thumbprint);
        if (!known.includes(thumbprint)) unknown.push(thumbprint);
        validations++;
        const status = await presentToken(bravo, token, client);
        if (status !== 200) failed.push(`${new Date().toISOString()}: HTTP ${status}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.deepEqual(failed, [], `0 failed validations out of ${validations}`);
      assert.deepEqual(unknown, [], 'the partner knew every certificate before it signed');
      for (const [thumbprint, s] of stagedAt) {
        assert.equal(s.effective - s.at, LEAD_S * 1000, 'staged a full (scaled) lead time ahead');
        const signed = firstSigned.get(thumbprint);
        if (signed !== undefined)
          assert.ok(signed - s.at >= LEAD_S * 1000, `published ${signed - s.at} ms before it signed`);
      }
    });
  },
);
