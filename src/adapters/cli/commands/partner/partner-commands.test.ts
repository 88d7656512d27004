import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { ManualClock } from '../../../../core/index.ts';
import type { SigningMaterial } from '../../../../core/index.ts';
import { partnerError } from '../../../../core/partners/partner-errors.ts';
import { makeCertificate } from '../../../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../../../test/fixtures/certificates.ts';
import { MemoryDocumentStore } from '../../../../store/memory/memory-document-store.ts';
import {
  MetadataService,
  OAuthService,
  PartnerService,
  silentLogger,
  bindServicePorts,
} from '../../../../services/index.ts';
import type { ServiceDeps, Services } from '../../../../services/index.ts';
import { resolveNodeConfig } from '../../../../config/node-config.ts';
import { runCli } from '../../run-cli.ts';
import { memoryIo } from '../../cli-io.ts';
import type { CliEnvironment } from '../../cli-context.ts';

const EXCHANGE = '00000002-0000-0ff1-ce00-000000000000';
const URL_EX = 'https://mail.fabrikam.com/autodiscover/metadata/json/1';

describe('partner and metadata commands', () => {
  let dir: string;
  let cert: TestCertificate;
  let clock: ManualClock;
  let store: MemoryDocumentStore;
  let online = true;
  let services: Services;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-partner-cli-'));
    cert = await makeCertificate({ subject: 'CN=exchange' });
    writeFileSync(join(dir, 'exchange.cer'), cert.der);
    writeFileSync(join(dir, 'exchange.pem'), cert.pem);
    clock = new ManualClock('2026-03-01T00:00:00Z');
    store = new MemoryDocumentStore({ clock });
    const s = {} as { -readonly [K in keyof Services]: Services[K] };
    const deps: ServiceDeps = {
      store,
      clock,
      secretBox: () => assert.fail(),
      logger: silentLogger,
      nodeName: 'fe1.contoso.com',
      home: dir,
      ports: bindServicePorts(s),
    };
    const doc = JSON.stringify({
      serviceName: EXCHANGE,
      realm: 'fabrikam.com',
      issuer: `${EXCHANGE}@fabrikam.com`,
      keys: [{ usage: 'signing', keyvalue: { type: 'x509Certificate', value: cert.der.toString('base64') } }],
    });
    s.oauth = new OAuthService(deps);
    s.metadata = new MetadataService(deps);
    s.partners = new PartnerService(deps, {
      fetcher: {
        fetch: async (url) => {
          if (!online)
            throw partnerError(
              'ERR_METADATA_UNREACHABLE',
              `mail.fabrikam.com could not be reached for ${url}`,
            );
          return { url, text: doc };
        },
      },
    });
    const x = new X509Certificate(cert.der);
    const material: SigningMaterial = {
      current: {
        thumbprint: cert.thumbprint,
        x5t: cert.x5t,
        certificateDer: cert.der,
        chainDer: [],
        privateKey: null,
        publicKey: cert.publicKey,
        notBefore: new Date(x.validFrom),
        notAfter: new Date(x.validTo),
      },
      previous: null,
      staged: null,
    };
    (s as Record<string, unknown>).certificates = { signingMaterial: () => material };
    services = s;
    await s.oauth.initialize({ realm: 'contoso.com', hostNames: ['pool.contoso.com'] });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function run(...argv: string[]) {
    const mem = memoryIo();
    const env: CliEnvironment = {
      io: mem.io,
      resolveConfig: (flags) => resolveNodeConfig(flags, {}, dir),
      openDeployment: async (flags) => ({
        config: resolveNodeConfig(flags, {}, dir),
        store,
        clock,
        services,
        close: async () => {},
      }),
    };
    const code = await runCli(argv, env);
    return { code, out: mem.out(), err: mem.err() };
  }

  test('partner new by certificate file, then get, set, remove', async () => {
    const created = await run(
      'partner',
      'new',
      '--identity',
      'Lab.Exchange',
      '--trust-level',
      'Application',
      '--application-identifier',
      EXCHANGE,
      '--realm',
      'lab.test',
      '--certificate-file',
      join(dir, 'exchange.cer'),
      '--accept-security-identifier-information',
    );
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /Identity\s+: lab\.exchange/);
    assert.match(created.out, /ApplicationTrustLevel\s+: Application/);
    assert.match(created.out, /AcceptSecurityIdentifierInformation\s+: true/);
    assert.match(created.out, new RegExp(`Certificates\\s+: ${cert.thumbprint}`));
    const set = await run(
      '--json',
      'partner',
      'set',
      '--identity',
      'lab.exchange',
      '--enabled',
      'false',
      '--certificate-file',
      join(dir, 'exchange.pem'),
    );
    assert.equal(set.code, 0, set.out);
    assert.equal(JSON.parse(set.out).partner.enabled, false);
    const bad = await run('partner', 'set', '--identity', 'lab.exchange', '--enabled', 'maybe');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /ERR_USAGE/);
    assert.equal((await run('partner', 'remove', '--identity', 'lab.exchange')).code, 0);
    const gone = await run('partner', 'get', '--identity', 'lab.exchange');
    assert.equal(gone.code, 3);
    assert.match(gone.err, /^error ERR_PARTNER_NOT_FOUND: /);
  });

  test('an unreachable partner keeps its keys and get shows the error with its age', async () => {
    assert.equal(
      (await run('partner', 'new', '--identity', 'microsoft.exchange', '--metadata-url', URL_EX)).code,
      0,
    );
    online = false;
    clock.advance(60_000);
    const failed = await run('partner', 'refresh', '--identity', 'microsoft.exchange');
    assert.equal(failed.code, 6);
    assert.match(failed.err, /ERR_METADATA_UNREACHABLE/);
    clock.advance(5 * 60_000);
    const shown = await run('partner', 'get', '--identity', 'microsoft.exchange');
    assert.match(shown.out, /LastError\s+: ERR_METADATA_UNREACHABLE: .* \(5m 0s ago\)/);
    assert.match(shown.out, new RegExp(`Certificates\\s+: ${cert.thumbprint}`));
    const json = JSON.parse((await run('--json', 'partner', 'get')).out);
    assert.equal(json.partners[0].status.lastErrorAgeSeconds, 300);
    online = true;
    const all = await run('partner', 'refresh');
    assert.match(all.out, /microsoft\.exchange: unchanged/);
  });

  test('partner new refuses both sources at once', async () => {
    const res = await run(
      'partner',
      'new',
      '--identity',
      'x',
      '--metadata-url',
      URL_EX,
      '--application-identifier',
      EXCHANGE,
    );
    assert.equal(res.code, 2);
    assert.match(res.err, /ERR_PARTNER_SOURCE_INVALID/);
  });

  test('metadata show prints our document as requested on --url', async () => {
    const res = await run('metadata', 'show', '--url', 'https://pool.contoso.com:4443/metadata/json/1');
    assert.equal(res.code, 0, res.err);
    const doc = JSON.parse(res.out);
    assert.equal(doc.serviceName, '00000004-0000-0ff1-ce00-000000000000');
    assert.equal(doc.endpoints[0].location, 'https://pool.contoso.com:4443/metadata/json/1');
    const dflt = JSON.parse((await run('metadata', 'show')).out);
    assert.equal(dflt.endpoints[0].location, 'https://pool.contoso.com/metadata/json/1');
    const jwks = JSON.parse((await run('--json', 'metadata', 'show', '--document', 'jwks')).out);
    assert.equal(jwks.document.keys[0].kid, cert.x5t);
  });

  test('--help shows an example', async () => {
    const res = await run('partner', 'new', '--help');
    assert.match(res.out, /Examples:\n {2}\$ s2s partner new --identity microsoft\.exchange/);
  });
});
