/**
 * `s2s token new|test` end to end: two deployments (Lync and Exchange roles, each with its own store and
 * certificate) trust each other; one issues through the CLI, the other explains through the CLI.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';
import { ManualClock, PRINCIPAL_IDS } from '../../src/core/index.ts';
import type { PartnerApplication, SigningMaterial } from '../../src/core/index.ts';
import { MemoryDocumentStore } from '../../src/store/memory/memory-document-store.ts';
import { buildDeployment } from '../../src/main/deployment.ts';
import type { Deployment } from '../../src/main/deployment.ts';
import { runCli } from '../../src/adapters/cli/run-cli.ts';
import { memoryIo } from '../../src/adapters/cli/cli-io.ts';
import type { CliEnvironment } from '../../src/adapters/cli/cli-context.ts';
import type { Services } from '../../src/services/index.ts';

const clock = new ManualClock('2026-06-01T12:00:00Z');

function material(c: TestCertificate): SigningMaterial {
  return {
    current: {
      thumbprint: c.thumbprint,
      x5t: c.x5t,
      certificateDer: c.der,
      chainDer: [],
      privateKey: c.privateKey,
      publicKey: c.publicKey,
      notBefore: new Date(0),
      notAfter: new Date('2030-01-01'),
    },
    previous: null,
    staged: null,
  };
}

async function deployment(serviceName: string, host: string, cert: TestCertificate): Promise<Deployment> {
  const store = new MemoryDocumentStore({ clock });
  const config = {
    home: '/nonexistent',
    store: ':memory:',
    nodeName: host,
    masterKey: randomBytes(32).toString('base64'), // protected documents are sealed with it (docs/store.md)
    masterKeyFile: '/nonexistent/master.key',
    listen: '127.0.0.1:0',
  };
  const d = buildDeployment(config, store, { clock });
  // The OAuthTokenIssuer material through the certificate-service port (the certificate service is issue 2's).
  (d.services as { certificates: Services['certificates'] }).certificates = {
    signingMaterial: async () => material(cert),
  } as unknown as Services['certificates'];
  await d.services.oauth.initialize({ realm: 'contoso.com', serviceName, hostNames: [host] });
  return d;
}

async function trust(
  d: Deployment,
  identity: string,
  serviceName: string,
  cert: TestCertificate,
  over: Partial<PartnerApplication> = {},
) {
  const body: PartnerApplication = {
    identity,
    applicationIdentifier: serviceName,
    realm: 'contoso.com',
    issuer: `${serviceName}@contoso.com`,
    trustLevel: 'Full',
    enabled: true,
    acceptSecurityIdentifierInformation: false,
    source: 'certificate',
    metadataUrl: null,
    allowInsecureHttp: false,
    keys: [
      {
        thumbprint: createHash('sha1').update(cert.der).digest('hex').toUpperCase(),
        certificate: cert.der.toString('base64'),
      },
    ],
    refresh: { lastSuccessAt: null, lastAttemptAt: null, lastError: null },
    storageUrl: null,
    ...over,
  };
  const existing = await d.store.get('partner', identity);
  await d.store.write([
    { op: 'put', kind: 'partner', key: identity, body, expect: existing ? existing.version : 'absent' },
  ]);
}

function cli(d: Deployment, stdin = '') {
  const mem = memoryIo({}, stdin);
  const env: CliEnvironment = {
    io: mem.io,
    openDeployment: async () => ({ ...d, close: async () => undefined }),
    resolveConfig: () => d.config,
  };
  return { run: (...argv: string[]) => runCli(argv, env), out: mem.out, err: mem.err };
}

let lync: Deployment;
let exchange: Deployment;
before(async () => {
  const lyncCert = await makeCertificate({ subject: 'CN=pool.contoso.com', freshKey: true });
  const exchangeCert = await makeCertificate({ subject: 'CN=mail.contoso.com', freshKey: true });
  lync = await deployment(PRINCIPAL_IDS.lync, 'pool.contoso.com', lyncCert);
  exchange = await deployment(PRINCIPAL_IDS.exchange, 'mail.contoso.com', exchangeCert);
  await trust(lync, 'microsoft.exchange', PRINCIPAL_IDS.exchange, exchangeCert);
  await trust(exchange, 'lync', PRINCIPAL_IDS.lync, lyncCert);
});

describe('s2s token new | s2s token test', () => {
  test('token new prints only the token; --json adds audience, expiry and x5t', async () => {
    const plain = cli(lync);
    assert.equal(
      await plain.run('token', 'new', '--partner', 'microsoft.exchange', '--host', 'mail.contoso.com'),
      0,
    );
    assert.match(plain.out().trim(), /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const json = cli(lync);
    assert.equal(
      await json.run(
        'token',
        'new',
        '--partner',
        'microsoft.exchange',
        '--host',
        'mail.contoso.com',
        '--user',
        'sip:alice@contoso.com',
        '--json',
      ),
      0,
    );
    const doc = JSON.parse(json.out());
    assert.equal(doc.audience, `${PRINCIPAL_IDS.exchange}/mail.contoso.com@contoso.com`);
    assert.equal(doc.mode, 'user');
    assert.ok(doc.token.endsWith('.') && doc.x5t && doc.expiresAt);
  });

  test('token test on the receiving deployment accepts, step by step, from --token-file - or -', async () => {
    const issued = cli(lync);
    await issued.run(
      'token',
      'new',
      '--partner',
      'microsoft.exchange',
      '--host',
      'mail.contoso.com',
      '--user',
      'sip:alice@contoso.com',
    );
    const token = issued.out().trim();
    const human = cli(exchange, token);
    assert.equal(
      await human.run(
        'token',
        'test',
        '--token-file',
        '-',
        '--url',
        'https://mail.contoso.com/EWS/Exchange.asmx',
      ),
      0,
    );
    assert.match(human.out(), /PASS {2}signature/);
    assert.match(human.out(), /accepted/);
    assert.ok(!human.out().includes(token.split('.')[1]!), 'the token is never echoed');
    const piped = cli(exchange, `Bearer ${token}\n`);
    assert.equal(await piped.run('token', 'test', '-', '--url', 'https://mail.contoso.com/', '--json'), 0);
    const doc = JSON.parse(piped.out());
    assert.equal(doc.accepted, true);
    assert.equal(doc.principal.partnerIdentity, 'lync');
    assert.equal(doc.principal.user.sip, 'alice@contoso.com');
  });

  test('token test exits 5 with the refusal code and diagnostic when refused', async () => {
    const issued = cli(lync);
    await issued.run('token', 'new', '--partner', 'microsoft.exchange', '--host', 'mail.contoso.com');
    const token = issued.out().trim();
    const human = cli(exchange, token);
    assert.equal(await human.run('token', 'test', '-', '--url', 'https://mail.contoso.com/'), 0);
    // docs/protocol.md §2.6 step 1: the audience host must be the authority the request was made on.
    const elsewhere = cli(exchange, token);
    assert.equal(
      await elsewhere.run('token', 'test', '-', '--url', 'https://pool.contoso.com/', '--json'),
      5,
    );
    assert.equal(JSON.parse(elsewhere.out()).error.details.diagnostic.code, 4002);
    await trust(
      exchange,
      'lync',
      PRINCIPAL_IDS.lync,
      await makeCertificate({ subject: 'CN=other', freshKey: false }),
      { enabled: true },
    );
    const refused = cli(exchange, token);
    assert.equal(await refused.run('token', 'test', '-', '--url', 'https://mail.contoso.com/', '--json'), 5);
    const doc = JSON.parse(refused.out());
    assert.equal(doc.ok, false);
    assert.equal(doc.error.code, 'ERR_TOKEN_KEY_UNKNOWN');
    assert.equal(doc.error.details.diagnostic.code, 10001);
    assert.equal(doc.error.details.steps.at(-1).name, 'key');
    const plain = cli(exchange, 'not-a-token');
    assert.equal(await plain.run('token', 'test', '-', '--url', 'https://mail.contoso.com/'), 5);
    assert.match(plain.out(), /FAIL {2}parse/);
    assert.match(plain.err(), /ERR_TOKEN_MALFORMED/);
  });
});
