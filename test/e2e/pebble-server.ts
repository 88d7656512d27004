/**
 * Debian's pebble (an ACME test CA, RFC 8555) on loopback for the renewal scenarios, challenges skipped
 * (PEBBLE_VA_ALWAYS_VALID). Its own TLS certificate comes from a throw-away built-in CA whose root the
 * caller trusts. `validitySeconds` sets the lifetime of the certificates it issues; `refuseAccounts`
 * makes it demand external account binding, so every new account — every order from s2s — is refused.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { createRequest, generateKeyPair, toPem } from '../../src/ca/index.ts';
import { testCaDeployment, testCaKeys } from '../../src/services/ca/ca-test-deployment.ts';

export const hasPebble = spawnSync('sh', ['-c', 'command -v pebble']).status === 0;

export interface Pebble {
  readonly directoryUrl: string;
  /** The root of pebble's own TLS certificate (trust it to reach the directory). */
  readonly tlsRootPem: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPebble(
  options: { validitySeconds?: number; refuseAccounts?: boolean } = {},
): Promise<Pebble> {
  const dir = mkdtempSync(join(tmpdir(), 's2s-pebble-'));
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const tlsCa = await testCaDeployment();
    await tlsCa.ca.authority.init({ keys: testCaKeys(), name: 'CN=Pebble TLS Test Root' });
    const keys = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
    const csr = await createRequest(
      { subject: 'CN=pebble', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] },
      keys,
    );
    const issued = await tlsCa.ca.authority.issue({ csr, template: 'WebServer', account: null });
    const tlsRootPem = toPem(issued.chain[0]!);
    writeFileSync(join(dir, 'cert.pem'), toPem(issued.certificate));
    writeFileSync(join(dir, 'key.pem'), keys.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const [port, mport, http, tls] = [await freePort(), await freePort(), await freePort(), await freePort()];
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
          externalAccountBindingRequired: options.refuseAccounts === true,
          ...(options.validitySeconds ? { certificateValidityPeriod: options.validitySeconds } : {}),
        },
      }),
    );
    child = spawn('pebble', ['-config', join(dir, 'pebble.json')], {
      env: {
        ...process.env,
        PEBBLE_VA_ALWAYS_VALID: '1',
        PEBBLE_VA_NOSLEEP: '1',
        PEBBLE_WFE_NONCEREJECT: '0',
        PEBBLE_AUTHZREUSE: '100',
      },
      stdio: 'ignore',
    });
    const directoryUrl = `https://127.0.0.1:${port}/dir`;
    await waitFor(directoryUrl, tlsRootPem);
    return { directoryUrl, tlsRootPem, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitFor(url: string, ca: string): Promise<void> {
  const dispatcher = new Agent({ connect: { ca } });
  try {
    for (let i = 0; i < 300; i++) {
      try {
        await (await fetch(url, { dispatcher })).text();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await dispatcher.close();
  }
  throw new Error(`pebble did not start at ${url}`);
}
