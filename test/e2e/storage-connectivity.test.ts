/**
 * Issue 4 "Done when": two deployments, "skype" and "exchange", both in realm litwareinc.com, each with
 * its own SQLite store, certificates and HTTPS server on 127.0.0.1, trust each other by metadata URL with
 * trust level Full; `s2s test storage-connectivity --sip-uri sip:kenmyer@litwareinc.com --delete-item`
 * passes, and fails with the right diagnosis when the partner is disabled, the user is missing, the
 * trust is removed; a certificate replaced without a refresh heals; a roll keeps it passing.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, PRINCIPAL_IDS } from '../../src/core/index.ts';
import { EXIT_CODES } from '../../src/adapters/cli/index.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import { startTestDeployment, trustRootsOf } from './storage-deployment.ts';
import type { TestDeployment } from './storage-deployment.ts';

const REALM = 'litwareinc.com';
const KEN = 'sip:kenmyer@litwareinc.com';
const TEST = ['test', 'storage-connectivity', '--sip-uri', KEN, '--delete-item', '--json'];

describe('storage connectivity between two deployments (skype → exchange)', { timeout: 120_000 }, () => {
  const skypeClock = new ManualClock(Date.now());
  let skype: TestDeployment;
  let exchange: TestDeployment;

  async function connectivity(argv = TEST) {
    const r = await skype.cli(argv);
    return {
      ...r,
      json: JSON.parse(r.out) as {
        ok: boolean;
        steps?: Array<{ status: string }>;
        error?: { code: string; message: string; details: Record<string, unknown> };
      },
    };
  }

  async function registerSkypeOnExchange() {
    await exchange.deployment.services.partners.create({
      identity: 'skype',
      metadataUrl: skype.metadataUrl,
      trustLevel: 'Full',
    });
  }

  before(async () => {
    [skype, exchange] = await Promise.all([
      startTestDeployment('skype', { realm: REALM, serviceName: PRINCIPAL_IDS.lync, clock: skypeClock }),
      startTestDeployment('exchange', { realm: REALM, serviceName: PRINCIPAL_IDS.exchange }),
    ]);
    await trustRootsOf(skype, exchange);
    await trustRootsOf(exchange, skype);
    await skype.deployment.services.partners.create({
      identity: 'exchange',
      metadataUrl: exchange.metadataUrl,
      trustLevel: 'Full',
    });
    await registerSkypeOnExchange();
    const added = await exchange.cli([
      'user',
      'add',
      '--sip',
      KEN,
      '--smtp',
      'kenmyer@litwareinc.com',
      '--upn',
      'kenmyer@litwareinc.com',
    ]);
    assert.equal(added.code, 0, added.err);
  });
  after(async () => {
    await Promise.all([skype?.close(), exchange?.close()]);
  });

  test('the test item is written, read back and deleted on the partner', async () => {
    const r = await connectivity();
    assert.equal(r.code, EXIT_CODES.ok, r.out);
    assert.equal(r.json.ok, true);
    assert.deepEqual(
      r.json.steps?.map((s) => s.status),
      ['passed', 'passed', 'skipped', 'passed', 'passed', 'passed', 'passed'],
    );
    assert.equal((await exchange.deployment.store.list('mailbox-item')).length, 0, 'the item was deleted');
  });

  test('without --delete-item the item stays in Conversation History on the partner', async () => {
    const r = await connectivity(['test', 'storage-connectivity', '--sip-uri', KEN, '--json']);
    assert.equal(r.code, EXIT_CODES.ok, r.out);
    const items = await exchange.deployment.store.list(
      'mailbox-item',
      'kenmyer@litwareinc.com/ConversationHistory/',
    );
    assert.equal(items.length, 1);
    await exchange.deployment.services.storage.deleteItem(
      KEN,
      'ConversationHistory',
      (items[0]!.body as { id: string }).id,
    );
  });

  test('a disabled partner is named as the cause', async () => {
    await skype.deployment.services.partners.update('exchange', { enabled: false });
    try {
      const r = await connectivity();
      assert.equal(r.code, EXIT_CODES.refused);
      assert.equal(r.json.error?.code, 'ERR_CONNECTIVITY_PARTNER_DISABLED');
    } finally {
      await skype.deployment.services.partners.update('exchange', { enabled: true });
    }
  });

  test('a user without a mailbox on the partner is diagnosed from the 401 invalid_user answer', async () => {
    const r = await connectivity([
      'test',
      'storage-connectivity',
      '--sip-uri',
      'sip:nobody@litwareinc.com',
      '--json',
    ]);
    assert.equal(r.code, EXIT_CODES.not_found);
    assert.equal(r.json.error?.code, 'ERR_CONNECTIVITY_USER_NOT_FOUND');
    assert.equal(r.json.error?.details.categoryCode, 2000005);
  });

  test('a partner that no longer trusts us answers 401 and the message says so', async () => {
    await exchange.deployment.services.partners.remove('skype');
    try {
      const r = await connectivity();
      assert.equal(r.code, EXIT_CODES.refused);
      assert.equal(r.json.error?.code, 'ERR_CONNECTIVITY_UNAUTHORIZED');
      assert.match(r.json.error?.message ?? '', /does not trust us/);
    } finally {
      await registerSkypeOnExchange();
    }
  });

  test('an OAuthTokenIssuer roll with an effective date ahead keeps the test passing before, across and after the switch', async () => {
    const next = await makeCertificate({
      subject: 'CN=skype.litwareinc.test',
      dnsNames: ['skype.litwareinc.test', REALM],
      freshKey: true,
    });
    const effective = new Date(skypeClock.now().getTime() + 5_000);
    await skype.deployment.services.certificates.import({
      file: Buffer.from(next.pem),
      keyFile: Buffer.from(next.keyPem),
      usages: ['OAuthTokenIssuer'],
      identity: 'global',
      roll: true,
      effectiveDate: effective,
    });
    // The staged certificate is published at once; the partner's periodic refresh picks it up before the date.
    await exchange.deployment.services.partners.refresh('skype');
    assert.equal((await connectivity()).code, EXIT_CODES.ok, 'before the switch');
    skypeClock.set(effective);
    assert.equal((await connectivity()).code, EXIT_CODES.ok, 'at the switch');
    skypeClock.advance(5_000);
    const after = await connectivity();
    assert.equal(after.code, EXIT_CODES.ok, `after the switch: ${after.out}`);
    const material = await skype.deployment.services.certificates.signingMaterial('OAuthTokenIssuer');
    assert.equal(material.current?.thumbprint, next.thumbprint, 'skype now signs with the new certificate');
  });

  test('a certificate replaced without the partner refreshing heals through the refresh on unknown x5t', async () => {
    const replacement = await makeCertificate({
      subject: 'CN=skype2.litwareinc.test',
      dnsNames: [REALM],
      freshKey: true,
    });
    await skype.deployment.services.certificates.import({
      file: Buffer.from(replacement.pem),
      keyFile: Buffer.from(replacement.keyPem),
      usages: ['OAuthTokenIssuer'],
      identity: 'global',
    });
    let r = await connectivity();
    for (let attempt = 0; r.code !== EXIT_CODES.ok && attempt < 20; attempt++) {
      // Until the partner has refetched our metadata it cannot know the new key: 401 invalid_signature / unknown key.
      assert.equal(r.json.error?.code, 'ERR_CONNECTIVITY_UNAUTHORIZED', r.out);
      await new Promise((resolve) => setTimeout(resolve, 250));
      r = await connectivity();
    }
    assert.equal(r.code, EXIT_CODES.ok, r.out);
  });
});
