import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { createRequest, generateKeyPair, toPem } from '../../src/ca/index.ts';
import { testCaDeployment, testCaKeys } from '../../src/services/ca/ca-test-deployment.ts';

const hasPebble = spawnSync('sh', ['-c', 'command -v pebble']).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** ACME (RFC 8555) against Debian's pebble on loopback, challenges skipped (PEBBLE_VA_ALWAYS_VALID). */
describe(
  'ACME issuance against pebble',
  { skip: hasPebble ? false : 'pebble is not installed (apt-get install pebble)' },
  () => {
    let dir: string;
    let pebble: ChildProcess | undefined;
    let directoryUrl: string;
    let managementUrl: string;
    let tlsRootPem: string;
    let d: Awaited<ReturnType<typeof testCaDeployment>>;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 's2s-pebble-'));
      // pebble's TLS certificate, for 127.0.0.1, from a throw-away built-in CA the requester then trusts.
      const tlsCa = await testCaDeployment();
      await tlsCa.ca.authority.init({ keys: testCaKeys(), name: 'CN=Pebble TLS Test Root' });
      const keys = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
      const csr = await createRequest(
        { subject: 'CN=pebble', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] },
        keys,
      );
      const issued = await tlsCa.ca.authority.issue({ csr, template: 'WebServer', account: null });
      tlsRootPem = toPem(issued.chain[0]!);
      writeFileSync(join(dir, 'cert.pem'), toPem(issued.certificate));
      writeFileSync(join(dir, 'key.pem'), keys.privateKey.export({ format: 'pem', type: 'pkcs8' }));
      const [port, mport, http, tls] = [
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
      ];
      writeFileSync(
        join(dir, 'pebble.json'),
        JSON.stringify({
          pebble: {
            listenAddress: `127.0.0.1:${port}`,
            managementListenAddress: `127.0.0.1:${mport}`,
            certificate: join(dir, 'cert.pem'),
            privateKey: join(dir, 'key.pem'),
            httpPort: http,
            tlsPort: tls,
            ocspResponderURL: '',
            externalAccountBindingRequired: false,
          },
        }),
      );
      pebble = spawn('pebble', ['-config', join(dir, 'pebble.json')], {
        env: {
          ...process.env,
          PEBBLE_VA_ALWAYS_VALID: '1',
          PEBBLE_VA_NOSLEEP: '1',
          PEBBLE_WFE_NONCEREJECT: '0',
        },
        stdio: 'ignore',
      });
      directoryUrl = `https://127.0.0.1:${port}/dir`;
      managementUrl = `https://127.0.0.1:${mport}`;
      await waitFor(directoryUrl, tlsRootPem);
      d = await testCaDeployment();
      await d.ca.trustedRoots.add(Buffer.from(tlsRootPem));
    });
    after(() => {
      pebble?.kill('SIGTERM');
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test("--ca acme+https://…/dir issues, installs and assigns; the status names pebble's untrusted root until added", async () => {
      const outcome = await d.ca.request({ usages: ['WebServicesExternal'], ca: `acme+${directoryUrl}` });
      assert.equal(outcome.kind, 'issued');
      if (outcome.kind !== 'issued') return;
      assert.deepEqual(outcome.result.assigned, ['WebServicesExternal']);
      assert.notEqual(outcome.result.status.status, 'valid');
      const roots = await get(`${managementUrl}/roots/0`, tlsRootPem);
      await d.ca.trustedRoots.add(Buffer.from(roots));
      assert.equal((await d.ca.status(outcome.result.thumbprint)).status, 'valid');
    });
  },
);

async function get(url: string, ca: string): Promise<string> {
  const dispatcher = new Agent({ connect: { ca } });
  try {
    return await (await fetch(url, { dispatcher })).text();
  } finally {
    await dispatcher.close();
  }
}

async function waitFor(url: string, ca: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await get(url, ca);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`pebble did not start at ${url}`);
}
