import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import { opensslPfx, opensslPfxInfo } from '../../../test/fixtures/pfx.ts';
import { ManualClock, SecretBox, S2sError } from '../../core/index.ts';
import { MemoryDocumentStore } from '../../store/memory/memory-document-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { silentLogger } from '../service-deps.ts';
import type { Services } from '../services.ts';
import { bindServicePorts } from '../services.ts';
import { OAuthService } from '../oauth/oauth-service.ts';
import { CertificateService } from './certificate-service.ts';

const PASSWORD = 'secret-pass';
const START = new Date('2030-06-01T00:00:00Z');
const box = new SecretBox(randomBytes(32));

function deployment(store = new MemoryDocumentStore(), clock = new ManualClock(START), ca?: object) {
  const services = {} as { -readonly [K in keyof Services]: Services[K] };
  const deps: ServiceDeps = {
    store,
    clock,
    secretBox: () => box,
    logger: silentLogger,
    nodeName: 'fe01.contoso.com',
    home: '/nonexistent',
    ports: bindServicePorts(services),
  };
  services.oauth = new OAuthService(deps);
  services.certificates = new CertificateService(deps);
  if (ca) services.ca = ca as Services['ca'];
  return { store, clock, services, certificates: services.certificates };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof S2sError && e.code === code);
}

const validity = { notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2032-01-01T00:00:00Z') };
let oauthA: TestCertificate;
let oauthB: TestCertificate;
let pfxA: Buffer;
let pfxB: Buffer;

describe('CertificateService on the memory store', () => {
  before(async () => {
    oauthA = await makeCertificate({
      subject: 'CN=s2s.contoso.com',
      dnsNames: ['s2s.contoso.com'],
      ...validity,
    });
    oauthB = await makeCertificate({
      subject: 'CN=s2s2.contoso.com',
      dnsNames: ['s2s2.contoso.com'],
      keySize: 3072,
      ...validity,
    });
    pfxA = opensslPfx(oauthA, { password: PASSWORD, friendlyName: 'OAuth A' });
    pfxB = opensslPfx(oauthB, { password: PASSWORD });
  });

  test('import --type OAuthTokenIssuer assigns it; get shows Get-CsCertificate properties; key is sealed', async () => {
    const d = deployment();
    await d.services.oauth.initialize({ realm: 'contoso.com' });
    const result = await d.certificates.import({
      file: pfxA,
      password: PASSWORD,
      usages: ['oauthtokenissuer'],
    });
    assert.equal(result.thumbprint, oauthA.thumbprint);
    assert.deepEqual(result.warnings, []);
    const { assignments } = await d.certificates.get();
    assert.equal(assignments.length, 1);
    const view = assignments[0]!;
    assert.equal(view.Use, 'OAuthTokenIssuer');
    assert.equal(view.Identity, 'global');
    assert.equal(view.Thumbprint, oauthA.thumbprint);
    assert.equal(view.KeySize, 2048);
    assert.equal(view.FriendlyName, 'OAuth A');
    assert.deepEqual(view.AlternativeNames, ['s2s.contoso.com']);
    const stored = JSON.stringify((await d.store.snapshot()).documents);
    assert.ok(!stored.includes(oauthA.keyPem.split('\n')[1]!), 'no clear private key in the store');
    const material = await d.certificates.signingMaterial('OAuthTokenIssuer');
    assert.ok(material.current?.privateKey?.equals(oauthA.privateKey));
    assert.equal(material.current?.x5t, oauthA.x5t);
  });

  test('a roll becomes current at its effective date, from the clock alone', async () => {
    const d = deployment();
    await d.certificates.import({ file: pfxA, password: PASSWORD, usages: ['OAuthTokenIssuer'] });
    await d.certificates.import({ file: pfxB, password: PASSWORD });
    const effective = new Date(START.getTime() + 48 * 3600_000);
    const change = await d.certificates.set({
      usages: ['OAuthTokenIssuer'],
      thumbprint: oauthB.thumbprint,
      roll: true,
      effectiveDate: effective,
    });
    assert.equal(change.assignments[0]!.StagedThumbprint, oauthB.thumbprint);
    let m = await d.certificates.signingMaterial('OAuthTokenIssuer');
    assert.equal(m.current?.thumbprint, oauthA.thumbprint);
    assert.equal(m.staged?.thumbprint, oauthB.thumbprint);
    d.clock.set(effective);
    m = await d.certificates.signingMaterial('OAuthTokenIssuer');
    assert.equal(m.current?.thumbprint, oauthB.thumbprint);
    assert.equal(m.previous?.thumbprint, oauthA.thumbprint);
    const view = (await d.certificates.get({ usage: 'OAuthTokenIssuer' })).assignments[0]!;
    assert.equal(view.PreviousThumbprint, oauthA.thumbprint);
    assert.equal(view.EffectiveDate, effective.toISOString());
    await d.certificates.remove({ usages: ['OAuthTokenIssuer'], previous: true });
    assert.equal((await d.certificates.signingMaterial('OAuthTokenIssuer')).previous, null);
  });

  test('set without roll: current at once, old current previous; unknown thumbprint refused', async () => {
    const d = deployment();
    await d.certificates.import({ file: pfxA, password: PASSWORD, usages: ['Default'] });
    await d.certificates.import({ file: pfxB, password: PASSWORD });
    const change = await d.certificates.set({
      usages: ['Default'],
      thumbprint: oauthB.thumbprint.toLowerCase(),
    });
    assert.equal(change.assignments[0]!.Thumbprint, oauthB.thumbprint);
    assert.equal(change.assignments[0]!.PreviousThumbprint, oauthA.thumbprint);
    await rejectsWith(
      d.certificates.set({ usages: ['Default'], thumbprint: 'AB'.repeat(20) }),
      'ERR_CERTIFICATE_NOT_FOUND',
    );
    await rejectsWith(
      d.certificates.set({ usages: ['Default'], thumbprint: oauthB.thumbprint, roll: true }),
      'ERR_CERTIFICATE_ROLL_DATE_REQUIRED',
    );
    await rejectsWith(
      d.certificates.set({
        usages: ['Default'],
        thumbprint: oauthA.thumbprint,
        roll: true,
        effectiveDate: new Date(START.getTime() - 1000),
      }),
      'ERR_CERTIFICATE_ROLL_DATE_PAST',
    );
    await rejectsWith(
      d.certificates.set({
        usages: ['OAuthTokenIssuer'],
        identity: 'fe01.contoso.com',
        thumbprint: oauthA.thumbprint,
      }),
      'ERR_CERTIFICATE_GLOBAL_ONLY',
    );
    await rejectsWith(
      d.certificates.set({ usages: ['Bogus'], thumbprint: oauthA.thumbprint }),
      'ERR_CERTIFICATE_USAGE_UNKNOWN',
    );
  });

  test('delete is refused while assigned; list shows assignments', async () => {
    const d = deployment();
    await d.certificates.import({
      file: pfxA,
      password: PASSWORD,
      usages: ['WebServicesInternal'],
      identity: 'FE01.contoso.com',
    });
    const list = await d.certificates.list();
    assert.deepEqual(list[0]!.assignedTo, ['fe01.contoso.com/WebServicesInternal (current)']);
    await rejectsWith(d.certificates.delete({ thumbprint: oauthA.thumbprint }), 'ERR_CERTIFICATE_IN_USE');
    await d.certificates.remove({ usages: ['WebServicesInternal'], identity: 'fe01.contoso.com' });
    await d.certificates.delete({ thumbprint: oauthA.thumbprint });
    assert.deepEqual(await d.certificates.list(), []);
  });

  test('export: refused unless exportable; the PFX opens in openssl with the password', async () => {
    const d = deployment();
    await d.certificates.import({ file: pfxA, password: PASSWORD });
    await rejectsWith(
      d.certificates.export({ thumbprint: oauthA.thumbprint, password: 'long-enough' }),
      'ERR_CERTIFICATE_NOT_EXPORTABLE',
    );
    const d2 = deployment();
    await d2.certificates.import({ file: pfxA, password: PASSWORD, exportable: true });
    await rejectsWith(
      d2.certificates.export({ thumbprint: oauthA.thumbprint, password: undefined }),
      'ERR_CERTIFICATE_PASSWORD_REQUIRED',
    );
    for (const legacy of [false, true]) {
      const pfx = await d2.certificates.export({
        thumbprint: oauthA.thumbprint,
        password: 'long-enough',
        legacy,
      });
      assert.ok(opensslPfxInfo(pfx, 'long-enough').ok);
    }
  });

  test('two administrators importing and assigning at once: one gets ERR_STORE_CONFLICT, nothing half-written', async () => {
    // Both administrators have read the store before either writes: hold writes until both arrive.
    const shared = new MemoryDocumentStore();
    let release!: () => void;
    const bothWriting = new Promise<void>((r) => (release = r));
    let writers = 0;
    const racing = (store: MemoryDocumentStore) =>
      new Proxy(store, {
        get(target, prop, receiver) {
          if (prop !== 'write') {
            const value: unknown = Reflect.get(target, prop, receiver);
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          }
          return async (...args: Parameters<MemoryDocumentStore['write']>) => {
            if (++writers === 2) release();
            await bothWriting;
            return target.write(...args);
          };
        },
      });
    const a = deployment(racing(shared));
    const b = deployment(racing(shared.connect()));
    const results = await Promise.allSettled([
      a.certificates.import({ file: pfxA, password: PASSWORD, usages: ['OAuthTokenIssuer'] }),
      b.certificates.import({ file: pfxB, password: PASSWORD, usages: ['OAuthTokenIssuer'] }),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected');
    assert.equal(rejected.length, 1);
    assert.equal(((rejected[0] as PromiseRejectedResult).reason as S2sError).code, 'ERR_STORE_CONFLICT');
    assert.equal((await a.certificates.list()).length, 1);
  });

  test('a certificate-only file without --type goes to the CA request flow when present, else is refused', async () => {
    const noKey = opensslPfx(oauthA, { password: PASSWORD, noKey: true });
    await rejectsWith(
      deployment().certificates.import({ file: noKey, password: PASSWORD }),
      'ERR_CERTIFICATE_NO_PRIVATE_KEY',
    );
    let received: Buffer[] = [];
    const ca = {
      importResponse: async (input: { certificates: Buffer[] }) => (
        (received = input.certificates),
        { requestId: 7 }
      ),
    };
    const result = await deployment(undefined, undefined, ca).certificates.import({
      file: noKey,
      password: PASSWORD,
    });
    assert.deepEqual(result.caResponse, { requestId: 7 });
    assert.ok(received[0]!.equals(oauthA.der));
    await rejectsWith(
      deployment().certificates.import({ file: noKey, password: PASSWORD, usages: ['OAuthTokenIssuer'] }),
      'ERR_CERTIFICATE_NO_PRIVATE_KEY',
    );
  });

  test('import reports a wrong password from the worker with its code', async () => {
    await rejectsWith(
      deployment().certificates.import({ file: pfxA, password: 'wrong' }),
      'ERR_CERTIFICATE_PASSWORD_WRONG',
    );
  });
});
