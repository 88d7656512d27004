/**
 * The built-in CA cannot be turned against partner trust (docs/security.md §6.5; docs/ca.md "Name
 * constraints"): an enrollment account gets only the names its template and its own allowed names permit
 * — no wildcard and no IP address unless the template says so, nothing outside the account's names — and
 * a refused enrollment issues nothing.
 */
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { s2s } from './hostile-deployment.ts';
import assert from 'node:assert/strict';
import { createRequest, generateKeyPair } from '../../src/ca/index.ts';
import type { KeyPair } from '../../src/ca/index.ts';
import { testCaDeployment, testCaKeys } from '../../src/services/ca/ca-test-deployment.ts';

const PASSWORD = 'correct horse battery';
let keys: KeyPair;
let d: Awaited<ReturnType<typeof testCaDeployment>>;
let client = 0;

before(async () => {
  keys = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
  d = await testCaDeployment({ nodeName: 'ca.contoso.com' });
  await d.ca.authority.init({ keys: testCaKeys() });
  await d.ca.authority.accounts.add('enroller', PASSWORD);
  await d.ca.authority.accounts.add('web-team', PASSWORD, ['.web.contoso.com', 'portal.contoso.com']);
  await d.ca.authority.addTemplate({
    name: 'LabServer',
    displayName: 'Lab server',
    keyUsages: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsages: ['serverAuth'],
    validityDays: 30,
    sanPolicy: 'copy',
    minimumRsaKeySize: 2048,
    allowWildcard: true,
    allowIpAddresses: true,
  });
});

async function enroll(
  account: string,
  names: { subject: string; dnsNames: string[]; ipAddresses?: string[] },
  template = 'WebServer',
) {
  const csr = await createRequest(names, keys);
  client += 1; // a fresh client address each time: the enrollment rate limit is not under test here
  return d.ca.authority.enroll({
    account,
    password: PASSWORD,
    template,
    csr,
    client: `198.51.100.${client}`,
  });
}

async function issuedCount(): Promise<number> {
  return (await d.ca.authority.issued()).length;
}

type Names = { subject: string; dnsNames: string[]; ipAddresses?: string[] };

describe('the WebServer template: no wildcard, no IP address', () => {
  const cases: Array<[string, Names]> = [
    ['a wildcard SAN', { subject: 'CN=fe1.contoso.com', dnsNames: ['*.contoso.com'] }],
    ['a wildcard CN', { subject: 'CN=*.contoso.com', dnsNames: ['fe1.contoso.com'] }],
    [
      'an IP address SAN',
      { subject: 'CN=fe1.contoso.com', dnsNames: ['fe1.contoso.com'], ipAddresses: ['169.254.169.254'] },
    ],
    ['an IP address CN', { subject: 'CN=127.0.0.1', dnsNames: ['fe1.contoso.com'] }],
  ];
  for (const [what, names] of cases) {
    test(`${what} is refused ERR_CA_NAME_NOT_ALLOWED and nothing is issued`, async () => {
      const before = await issuedCount();
      await assert.rejects(enroll('enroller', names), { code: 'ERR_CA_NAME_NOT_ALLOWED' });
      assert.equal(await issuedCount(), before);
    });
  }

  test('a plain DNS name is issued', async () => {
    assert.match(
      await enroll('enroller', { subject: 'CN=fe1.contoso.com', dnsNames: ['fe1.contoso.com'] }),
      /BEGIN CERTIFICATE/,
    );
  });

  test('a template that says so issues a wildcard and an IP address', async () => {
    const pem = await enroll(
      'enroller',
      { subject: 'CN=lab.contoso.com', dnsNames: ['*.lab.contoso.com'], ipAddresses: ['10.0.0.5'] },
      'LabServer',
    );
    assert.match(pem, /BEGIN CERTIFICATE/);
  });
});

describe("an account's allowed names", () => {
  test('names under .web.contoso.com and portal.contoso.com are issued', async () => {
    assert.match(
      await enroll('web-team', {
        subject: 'CN=a.web.contoso.com',
        dnsNames: ['a.web.contoso.com', 'portal.contoso.com'],
      }),
      /BEGIN CERTIFICATE/,
    );
  });

  for (const [what, names] of [
    ["a partner's metadata host", { subject: 'CN=mail.contoso.com', dnsNames: ['mail.contoso.com'] }],
    [
      'another domain',
      { subject: 'CN=a.web.contoso.com', dnsNames: ['a.web.contoso.com', 'login.fabrikam.com'] },
    ],
    ['a look-alike suffix', { subject: 'CN=evilweb.contoso.com', dnsNames: ['evilweb.contoso.com'] }],
    ['the CN outside the names', { subject: 'CN=mail.contoso.com', dnsNames: ['a.web.contoso.com'] }],
  ] as const) {
    test(`${what} is refused ERR_CA_NAME_NOT_ALLOWED`, async () => {
      const before = await issuedCount();
      await assert.rejects(enroll('web-team', { subject: names.subject, dnsNames: [...names.dnsNames] }), {
        code: 'ERR_CA_NAME_NOT_ALLOWED',
      });
      assert.equal(await issuedCount(), before);
    });
  }

  test('the allowed names are listed with the account, never the password hash', async () => {
    const accounts = await d.ca.authority.accounts.list();
    assert.deepEqual(accounts.find((a) => a.name === 'web-team')?.allowedNames, [
      '.web.contoso.com',
      'portal.contoso.com',
    ]);
    assert.doesNotMatch(JSON.stringify(accounts), /scrypt|salt|hash/i);
  });
});

describe('trusting the own root for outbound TLS is a separate, explicit decision', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 's2s-hostile-ca-trust-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const home = (name: string) => ({
    S2S_HOME: join(dir, name),
    S2S_MASTER_KEY: randomBytes(32).toString('base64'),
    S2S_NODE: 'fe1.contoso.com',
  });
  const trustedRoots = async (env: Record<string, string>) =>
    (JSON.parse((await s2s(env, 'trusted-root', 'list', '--json')).out) as { roots: unknown[] }).roots.length;

  test('ca init leaves the trusted roots alone; ca init --trust-for-tls adds the root', async () => {
    const plain = home('plain');
    assert.equal((await s2s(plain, 'init', '--realm', 'contoso.com')).code, 0);
    const r = await s2s(plain, 'ca', 'init', '--json');
    assert.equal(r.code, 0, r.err);
    assert.equal((JSON.parse(r.out) as { trusted: boolean }).trusted, false);
    assert.equal(await trustedRoots(plain), 0, 'outbound TLS does not trust what the CA issues');
    const opted = home('opted');
    assert.equal((await s2s(opted, 'init', '--realm', 'contoso.com')).code, 0);
    assert.equal((await s2s(opted, 'ca', 'init', '--trust-for-tls')).code, 0);
    assert.equal(await trustedRoots(opted), 1);
  });

  test('a certificate the own CA issued is still "issued and valid" for the request wizard', async () => {
    const own = await testCaDeployment({ nodeName: 'fe1.contoso.com' });
    await own.ca.authority.init({ keys: testCaKeys() });
    assert.deepEqual(await own.ca.trustedRoots.list(), []);
    const outcome = await own.ca.request({ usages: ['Default'], ca: 'internal' });
    assert.equal(outcome.kind, 'issued');
    if (outcome.kind === 'issued') assert.equal(outcome.result.status.status, 'valid');
  });
});
