import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey, createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SecretBox } from '../../src/core/index.ts';
import { parseRequest, publicKeyId } from '../../src/ca/index.ts';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqlite-document-store.ts';
import type { PendingRequestDocument } from '../../src/services/ca/ca-documents.ts';
import { requestKeyAad } from '../../src/services/ca/ca-documents.ts';

const root = resolve(import.meta.dirname, '../..');

/** The child: opens the SQLite store and makes one offline request (the failpoint may kill it midway). */
const CHILD = `
import { SecretBox, systemClock } from '${root}/src/core/index.ts';
import { SqliteDocumentStore } from '${root}/src/store/sqlite/sqlite-document-store.ts';
import { OAuthService } from '${root}/src/services/oauth/oauth-service.ts';
import { CaService } from '${root}/src/services/ca/ca-service.ts';
import { silentLogger } from '${root}/src/services/service-deps.ts';
import { bindServicePorts } from '${root}/src/services/services.ts';
const store = SqliteDocumentStore.open(process.env.STORE_PATH);
const box = new SecretBox(Buffer.from(process.env.MASTER_KEY, 'hex'));
const services = {};
const deps = { store, clock: systemClock, secretBox: () => box, logger: silentLogger, nodeName: 'fe1.contoso.com', home: '/nonexistent', ports: bindServicePorts(services) };
services.oauth = new OAuthService(deps);
services.ca = new CaService(deps);
await services.ca.request({ usages: ['Default'] });
await store.close();
`;

/** A process killed after the request key is generated leaves no request, or a request with its key (issue 5). */
describe("a crash during a certificate request never loses a submitted request's key", () => {
  const cases: Array<[string, 'none' | 'one']> = [
    ['ca.request.after-keygen', 'none'],
    ['store.write.before-commit', 'none'],
    ['store.write.after-commit', 'one'],
    ['ca.request.after-persist', 'one'],
  ];
  for (const [failpoint, expected] of cases) {
    test(`killed at ${failpoint}: ${expected === 'none' ? 'no pending request' : 'a pending request whose key opens and matches'}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 's2s-crash-'));
      const storePath = join(dir, 's2s.db');
      const masterKey = randomBytes(32);
      try {
        const setup = SqliteDocumentStore.open(storePath);
        await setup.write([
          {
            op: 'put',
            kind: 'oauth-config',
            key: 'global',
            body: {
              realm: 'contoso.com',
              serviceName: '00000004-0000-0ff1-ce00-000000000000',
              actorTokenLifetimeSeconds: 86400,
              outerTokenLifetimeSeconds: 28800,
              clockSkewSeconds: 300,
              hostNames: ['pool.contoso.com'],
              sha1CertificatePolicy: 'warn',
              metadataRefreshSeconds: 43200,
            },
            expect: 'absent',
          },
        ]);
        await setup.close();
        writeFileSync(join(dir, 'child.mts'), CHILD);
        const child = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'child.mts')], {
          cwd: root,
          env: {
            ...process.env,
            S2S_FAILPOINT: failpoint,
            STORE_PATH: storePath,
            MASTER_KEY: masterKey.toString('hex'),
          },
          encoding: 'utf8',
        });
        assert.equal(child.signal, 'SIGKILL', `child was not killed at ${failpoint}: ${child.stderr}`);
        const store = SqliteDocumentStore.open(storePath);
        try {
          const pending = await store.list<PendingRequestDocument>('certificate-request');
          assert.equal(pending.length, expected === 'none' ? 0 : 1);
          const box = new SecretBox(masterKey);
          for (const { body } of pending) {
            const key = createPrivateKey({
              key: box.open(body.privateKey, requestKeyAad(body.id)),
              format: 'der',
              type: 'pkcs8',
            });
            const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
            assert.equal(publicKeyId(spki), body.publicKeyId);
            assert.equal(publicKeyId((await parseRequest(body.csrPem)).publicKeyDer), body.publicKeyId);
          }
        } finally {
          await store.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
