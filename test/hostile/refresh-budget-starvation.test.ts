/**
 * Refresh budget starvation (docs/security.md "Refresh budget"): tokens that merely name a partner, with
 * an unknown `x5t` and a garbage signature, cannot keep the partner's real key roll from being picked up.
 * One replayed `x5t` costs one fetch (de-duplication); a flood of fresh `x5t` values spends the fast budget
 * and then on-demand fetches go on at one per 5 min — the real roll is accepted within 5 min, not at the
 * next periodic refresh (12 h) — and the periodic refresh itself is never blocked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { actorClaims, b64u, hostileWorld, REALM, rs256, seg, URL_OK } from './hostile-deployment.ts';
import type { HostileWorld } from './hostile-deployment.ts';

const PARTNER_ID = '33333333-0000-0000-0000-000000000033';
const IDENTITY = 'rolling-partner';

let w: HostileWorld;
let server: Server;
let oldCert: TestCertificate;
let newCert: TestCertificate;
let published: TestCertificate[] = [];
let fetches = 0;

function documentOf(certs: TestCertificate[]): string {
  return JSON.stringify({
    id: '_roll',
    version: '1.0',
    realm: REALM,
    serviceName: PARTNER_ID,
    issuer: `${PARTNER_ID}@${REALM}`,
    keys: certs.map((c) => ({
      usage: 'signing',
      keyinfo: { x5t: c.x5t },
      keyvalue: { type: 'x509Certificate', value: c.der.toString('base64') },
    })),
  });
}

before(async () => {
  w = await hostileWorld();
  oldCert = await makeCertificate({ subject: 'CN=rolling.contoso.com', freshKey: true });
  newCert = await makeCertificate({ subject: 'CN=rolling.contoso.com next', freshKey: true });
  published = [oldCert];
  server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(documentOf(published));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metadata/json/1`;
  await w.d.services.partners.create({ identity: IDENTITY, metadataUrl: url, allowInsecureHttp: true });
});
after(async () => {
  await w?.d.services.partners.settle();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await w?.close();
});

/** A token naming the partner, with an unknown `x5t` and random bytes for a signature. */
function forged(x5t: string): string {
  const header = { typ: 'JWT', alg: 'RS256', x5t };
  return `${seg(header)}.${seg(actorClaims(w.clock, PARTNER_ID))}.${b64u(randomBytes(256))}`;
}

/** Validates, then waits for any on-demand fetch it started (and its accounting) to finish. */
async function send(token: string) {
  const out = await w.d.services.tokens.validate({ authorization: `Bearer ${token}`, requestUrl: URL_OK });
  await w.d.services.partners.settle();
  return out;
}

const realToken = () => rs256(actorClaims(w.clock, PARTNER_ID), newCert);

describe('an attacker cannot starve the pickup of a partner key roll', () => {
  test('one x5t replayed for 10 minutes costs one fetch', async () => {
    const ghost = b64u(randomBytes(20));
    const before = fetches;
    for (let i = 0; i < 20; i++) {
      w.clock.advance(31_000);
      const out = await send(forged(ghost));
      assert.equal(out.ok, false);
      assert.equal(!out.ok && out.refusal.code, 'ERR_TOKEN_KEY_UNKNOWN');
    }
    assert.equal(fetches - before, 1);
  });

  test('after a flood of fresh x5t values the real roll is still accepted within 5 minutes', async () => {
    for (let i = 0; i < 60; i++) {
      w.clock.advance(31_000);
      await send(forged(b64u(randomBytes(20))));
    }
    const spent = fetches;
    // The flood goes on, but fetches slow to one per 5 min instead of one per 30 s.
    for (let i = 0; i < 9; i++) {
      w.clock.advance(31_000);
      await send(forged(b64u(randomBytes(20))));
    }
    assert.ok(fetches - spent <= 1, `the slow lane allows one fetch per 5 min (saw ${fetches - spent})`);

    // The partner rolls its certificate; its tokens carry the new x5t.
    published = [oldCert, newCert];
    let acceptedAfterMs: number | null = null;
    const rolledAt = w.clock.now().getTime();
    for (let i = 0; i < 12 && acceptedAfterMs === null; i++) {
      const out = await send(realToken());
      if (out.ok) acceptedAfterMs = w.clock.now().getTime() - rolledAt;
      else w.clock.advance(30_000);
    }
    assert.notEqual(acceptedAfterMs, null, 'the new key was never picked up on demand');
    assert.ok(acceptedAfterMs! <= 5 * 60_000 + 30_000, `picked up after ${acceptedAfterMs} ms`);
  });

  test('the periodic refresh is never blocked by the on-demand budget', async () => {
    for (let i = 0; i < 30; i++) {
      w.clock.advance(31_000);
      await send(forged(b64u(randomBytes(20))));
    }
    published = [newCert];
    w.clock.advance(12 * 3600_000);
    const results = await w.d.services.partners.refreshDue();
    const mine = results.find((r) => r.identity === IDENTITY);
    assert.ok(mine, 'the partner was due');
    assert.equal(mine.error, null);
    const { partner } = await w.d.services.partners.get(IDENTITY);
    assert.deepEqual(
      partner.keys.map((k) => k.thumbprint.toUpperCase()),
      [newCert.thumbprint.toUpperCase()],
    );
  });
});
