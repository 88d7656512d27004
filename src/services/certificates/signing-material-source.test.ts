import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from '../../../test/fixtures/certificates.ts';
import type { TestCertificate } from '../../../test/fixtures/certificates.ts';
import { opensslPfx } from '../../../test/fixtures/pfx.ts';
import { ManualClock, SecretBox } from '../../core/index.ts';
import type { SealedSecret } from '../../core/index.ts';
import type { DocumentStore } from '../../store/document-store.ts';
import { SqliteDocumentStore } from '../../store/sqlite/sqlite-document-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { silentLogger } from '../service-deps.ts';
import type { Services } from '../services.ts';
import { bindServicePorts } from '../services.ts';
import { OAuthService } from '../oauth/oauth-service.ts';
import { CertificateService } from './certificate-service.ts';

const PASSWORD = 'secret-pass';
const START = new Date('2030-06-01T00:00:00Z');
const validity = { notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2032-01-01T00:00:00Z') };

/** A real SecretBox that counts how often a sealed key is opened. */
class CountingBox extends SecretBox {
  opens = 0;
  override open(sealed: SealedSecret, aad: string): Buffer {
    this.opens += 1;
    return super.open(sealed, aad);
  }
}

/** The store, counting document reads (every method but headVersion reads documents). */
function counted(store: DocumentStore): { store: DocumentStore; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(store, {
    get(target, name) {
      const value = Reflect.get(target, name) as unknown;
      if (typeof value !== 'function') return value;
      if (name === 'get' || name === 'list' || name === 'snapshot') reads += 1;
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { store: proxy, reads: () => reads };
}

function service(store: DocumentStore, box: SecretBox, clock: ManualClock) {
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
  return services.certificates;
}

describe('signing material cache (keyed on the store head version)', () => {
  const master = randomBytes(32);
  let dir: string;
  let a: TestCertificate;
  let b: TestCertificate;
  let pfxA: Buffer;
  let pfxB: Buffer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-material-'));
    [a, b] = await Promise.all([
      makeCertificate({ subject: 'CN=a.contoso.com', dnsNames: ['a.contoso.com'], ...validity }),
      makeCertificate({ subject: 'CN=b.contoso.com', dnsNames: ['b.contoso.com'], ...validity }),
    ]);
    pfxA = opensslPfx(a, { password: PASSWORD });
    pfxB = opensslPfx(b, { password: PASSWORD });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function open(file: string, clock: ManualClock) {
    const sqlite = SqliteDocumentStore.open(join(dir, file), { clock });
    const { store, reads } = counted(sqlite);
    const box = new CountingBox(master);
    return { sqlite, reads, box, certificates: service(store, box, clock) };
  }

  test('an unchanged store: no document read and no key opened again; the same objects come back', async () => {
    const clock = new ManualClock(START);
    const d = open('unchanged.db', clock);
    try {
      await d.certificates.import({ file: pfxA, password: PASSWORD, usages: ['OAuthTokenIssuer'] });
      const first = await d.certificates.signingMaterial('OAuthTokenIssuer');
      assert.equal(first.current?.thumbprint, a.thumbprint);
      assert.ok(first.current?.privateKey?.equals(a.privateKey));
      const [reads, opens] = [d.reads(), d.box.opens];
      for (let i = 0; i < 100; i++) {
        const again = await d.certificates.signingMaterial('OAuthTokenIssuer');
        assert.equal(again, first);
      }
      assert.equal(d.reads(), reads);
      assert.equal(d.box.opens, opens);
      assert.equal(opens, 1);
    } finally {
      await d.sqlite.close();
    }
  });

  test('a staged roll takes effect at its instant from the clock alone, with no store read', async () => {
    const clock = new ManualClock(START);
    const d = open('roll.db', clock);
    try {
      await d.certificates.import({ file: pfxA, password: PASSWORD, usages: ['OAuthTokenIssuer'] });
      await d.certificates.import({ file: pfxB, password: PASSWORD });
      const effective = new Date(START.getTime() + 3_600_000);
      await d.certificates.set({
        usages: ['OAuthTokenIssuer'],
        thumbprint: b.thumbprint,
        roll: true,
        effectiveDate: effective,
      });
      let m = await d.certificates.signingMaterial('OAuthTokenIssuer');
      assert.equal(m.current?.thumbprint, a.thumbprint);
      assert.equal(m.staged?.thumbprint, b.thumbprint);
      assert.equal(m.staged?.effectiveDate.getTime(), effective.getTime());
      const reads = d.reads();
      clock.set(effective.getTime() - 1);
      m = await d.certificates.signingMaterial('OAuthTokenIssuer');
      assert.equal(m.current?.thumbprint, a.thumbprint);
      clock.set(effective);
      m = await d.certificates.signingMaterial('OAuthTokenIssuer');
      assert.equal(m.current?.thumbprint, b.thumbprint);
      assert.ok(m.current?.privateKey?.equals(b.privateKey));
      assert.equal(m.previous?.thumbprint, a.thumbprint);
      assert.equal(m.staged, null);
      assert.equal(d.reads(), reads);
    } finally {
      await d.sqlite.close();
    }
  });

  test('a change committed by another process on the same store takes effect at the next call', async () => {
    const clock = new ManualClock(START);
    const server = open('shared.db', clock);
    const admin = open('shared.db', clock);
    try {
      await admin.certificates.import({ file: pfxA, password: PASSWORD, usages: ['OAuthTokenIssuer'] });
      assert.equal(
        (await server.certificates.signingMaterial('OAuthTokenIssuer')).current?.thumbprint,
        a.thumbprint,
      );
      await admin.certificates.import({ file: pfxB, password: PASSWORD, usages: ['OAuthTokenIssuer'] });
      const m = await server.certificates.signingMaterial('OAuthTokenIssuer');
      assert.equal(m.current?.thumbprint, b.thumbprint);
      assert.equal(m.previous?.thumbprint, a.thumbprint);
      await admin.certificates.remove({ usages: ['OAuthTokenIssuer'] });
      assert.deepEqual(await server.certificates.signingMaterial('OAuthTokenIssuer'), {
        current: null,
        previous: null,
        staged: null,
      });
      // Opened once per thumbprint, however often the store moved.
      assert.equal(server.box.opens, 2);
    } finally {
      await Promise.all([server.sqlite.close(), admin.sqlite.close()]);
    }
  });

  test('a node identity without its own assignment falls back to the global one, per identity', async () => {
    const clock = new ManualClock(START);
    const d = open('identity.db', clock);
    try {
      await d.certificates.import({ file: pfxA, password: PASSWORD, usages: ['WebServicesInternal'] });
      const node = await d.certificates.signingMaterial('WebServicesInternal', 'fe01.contoso.com');
      assert.equal(node.current?.thumbprint, a.thumbprint);
      await d.certificates.import({
        file: pfxB,
        password: PASSWORD,
        usages: ['WebServicesInternal'],
        identity: 'fe01.contoso.com',
      });
      const own = await d.certificates.signingMaterial('WebServicesInternal', 'fe01.contoso.com');
      assert.equal(own.current?.thumbprint, b.thumbprint);
      const global = await d.certificates.signingMaterial('WebServicesInternal');
      assert.equal(global.current?.thumbprint, a.thumbprint);
    } finally {
      await d.sqlite.close();
    }
  });
});
