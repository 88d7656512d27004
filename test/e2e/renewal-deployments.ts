/**
 * Deployments for the automatic-renewal scenarios (docs/renewal.md): each has its own SQLite store, a clock
 * the test chooses (a ManualClock for the year-long simulations) and an HTTPS listener on 127.0.0.1 serving
 * the metadata document and a `/whoami` route behind S2S authentication. The listener's TLS certificate is
 * a fixed loopback certificate valid in real time, because TLS clients check validity against the
 * machine's clock, not the deployment's.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import type { FastifyInstance } from 'fastify';
import type { Agent } from 'undici';
import { request } from 'undici';
import { createHttpApp } from '../../src/adapters/http/index.ts';
import { resolveNodeConfig } from '../../src/config/node-config.ts';
import type { Clock } from '../../src/core/index.ts';
import { buildDeployment } from '../../src/main/deployment.ts';
import type { Deployment } from '../../src/main/deployment.ts';
import { openStore } from '../../src/main/open-store.ts';
import { silentLogger } from '../../src/services/index.ts';
import type { Logger } from '../../src/services/index.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';

export interface RenewalNode {
  readonly name: string;
  readonly dir: string;
  readonly deployment: Deployment;
  readonly app: FastifyInstance;
  readonly authority: string;
  close(): Promise<void>;
}

/** A TLS certificate for 127.0.0.1 (IP SAN) issued by `ca`, valid in real time. */
export async function loopbackTls(ca: TestCertificate): Promise<{ cert: string; key: string }> {
  const leaf = await makeCertificate({ subject: 'CN=127.0.0.1', issuer: ca, freshKey: true });
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0b' + randomBytes(6).toString('hex'),
    subject: 'CN=127.0.0.1',
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 7 * 86400_000),
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    publicKey: leaf.cryptoKeys.publicKey,
    signingKey: ca.cryptoKeys.privateKey,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  return { cert: cert.toString('pem'), key: leaf.keyPem };
}

/** Starts a deployment `<name>.test` on `clock`, trusting `tlsCa` for partner metadata. */
export async function startRenewalNode(
  name: string,
  tlsCa: TestCertificate,
  clock: Clock,
  options: {
    readonly logger?: Logger;
    /** More routes on the listener (e.g. the CA's /ca/enroll). */
    readonly routes?: (deployment: Deployment) => Parameters<typeof createHttpApp>[0]['extraRoutes'];
  } = {},
): Promise<RenewalNode> {
  const dir = mkdtempSync(join(tmpdir(), `s2s-renewal-${name}-`));
  try {
    const config = resolveNodeConfig(
      { home: dir, node: `${name}.test` },
      { S2S_MASTER_KEY: randomBytes(32).toString('base64') },
    );
    const deployment = buildDeployment(config, await openStore(config.store), {
      clock,
      logger: options.logger ?? silentLogger,
    });
    const { services } = deployment;
    await services.oauth.initialize({ realm: `${name}.test` });
    await services.ca.trustedRoots.add(Buffer.from(tlsCa.pem));
    const app = await createHttpApp({
      services: { metadata: services.metadata, tokens: services.tokens },
      https: await loopbackTls(tlsCa),
      extraRoutes: [
        async (child) => {
          child.get('/whoami', { preHandler: child.requireS2sAuth }, async (req) => req.s2sPrincipal);
        },
        ...(options.routes?.(deployment) ?? []),
      ],
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const authority = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await services.oauth.update({ hostNames: [authority] });
    return {
      name,
      dir,
      deployment,
      app,
      authority,
      close: async () => {
        await app.close();
        await deployment.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Each deployment registers the other by its metadata URL. */
export async function trustEachOther(a: RenewalNode, b: RenewalNode): Promise<void> {
  await a.deployment.services.partners.create({
    identity: b.name,
    trustLevel: 'Full',
    metadataUrl: `https://${b.authority}/metadata/json/1`,
  });
  await b.deployment.services.partners.create({
    identity: a.name,
    trustLevel: 'Full',
    metadataUrl: `https://${a.authority}/metadata/json/1`,
  });
}

/** Calls `target`'s /whoami with a bearer token; the HTTP status. */
export async function presentToken(target: RenewalNode, token: string, client: Agent): Promise<number> {
  const res = await request(`https://${target.authority}/whoami`, {
    dispatcher: client,
    headers: { authorization: `Bearer ${token}` },
  });
  await res.body.text();
  return res.statusCode;
}

/** The x5t of a compact JWS (its header). */
export function tokenX5t(token: string): string {
  const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as {
    x5t?: string;
  };
  assert.ok(header.x5t, 'the token names its certificate');
  return header.x5t;
}

/** x5t (base64url SHA-1) → thumbprint (upper-case hex). */
export function x5tThumbprint(x5t: string): string {
  return Buffer.from(x5t, 'base64url').toString('hex').toUpperCase();
}
