/**
 * A real deployment for hostile tests: a SQLite store in a temp S2S_HOME, our OAuthTokenIssuer certificate
 * imported through the certificate service, and registered partners with their own certificates. Tokens are
 * forged by hand (node:crypto only), never through our issuer, so the validator is judged independently.
 */
import { createHash, createHmac, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, PRINCIPAL_IDS } from '../../src/core/index.ts';
import { openDeployment, resolveNodeConfig } from '../../src/index.ts';
import type { Deployment } from '../../src/index.ts';
import { runCli, memoryIo } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import type { TestCertificate } from '../fixtures/certificates.ts';

export const REALM = 'contoso.com';
export const HOST = 'pool.contoso.com';
export const URL_OK = `https://${HOST}/storage/v1/users`;
export const LYNC = PRINCIPAL_IDS.lync;
export const EXCHANGE = PRINCIPAL_IDS.exchange;
export const SHAREPOINT = PRINCIPAL_IDS.sharepoint;
/** A third partner registered with Application trust. */
export const APP_PARTNER = '11111111-2222-3333-4444-555555555555';

export interface Party {
  readonly id: string;
  readonly cert: TestCertificate;
}

export interface HostileWorld {
  readonly home: string;
  readonly env: Record<string, string>;
  readonly clock: ManualClock;
  readonly d: Deployment;
  readonly us: Party;
  readonly exchange: Party;
  readonly sharepoint: Party;
  readonly appPartner: Party;
  close(): Promise<void>;
}

/** Builds the world: us (Lync role) trusting Exchange and SharePoint (Full) and one Application partner. */
export async function hostileWorld(): Promise<HostileWorld> {
  const home = mkdtempSync(join(tmpdir(), 's2s-hostile-'));
  const env = { S2S_HOME: home, S2S_MASTER_KEY: randomBytes(32).toString('base64'), S2S_NODE: HOST };
  const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000).toISOString());
  const d = await openDeployment(resolveNodeConfig({}, env), { clock });
  const us: Party = {
    id: LYNC,
    cert: await makeCertificate({ subject: `CN=${HOST}`, dnsNames: [REALM], freshKey: true }),
  };
  const exchange: Party = {
    id: EXCHANGE,
    cert: await makeCertificate({ subject: 'CN=mail.contoso.com', freshKey: true }),
  };
  const sharepoint: Party = {
    id: SHAREPOINT,
    cert: await makeCertificate({ subject: 'CN=sp.contoso.com', freshKey: true }),
  };
  const appPartner: Party = {
    id: APP_PARTNER,
    cert: await makeCertificate({ subject: 'CN=app.contoso.com', freshKey: true }),
  };
  await d.services.oauth.initialize({ realm: REALM, serviceName: LYNC, hostNames: [HOST] });
  await d.services.certificates.import({
    file: Buffer.from(us.cert.pem),
    keyFile: Buffer.from(us.cert.keyPem),
    usages: ['OAuthTokenIssuer'],
  });
  const partner = (identity: string, p: Party, trustLevel = 'Full') =>
    d.services.partners.create({
      identity,
      applicationIdentifier: p.id,
      realm: REALM,
      certificate: p.cert.der,
      trustLevel,
    });
  await partner('microsoft.exchange', exchange);
  await partner('microsoft.sharepoint', sharepoint);
  await partner('app-only', appPartner, 'Application');
  return {
    home,
    env,
    clock,
    d,
    us,
    exchange,
    sharepoint,
    appPartner,
    close: async () => {
      await d.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Runs the CLI against the world's home (a separate deployment over the same SQLite file). */
export async function s2s(env: Record<string, string>, ...argv: string[]) {
  const mem = memoryIo({ ...env });
  const code = await runCli(argv, cliEnvironment(mem.io));
  return { code, out: mem.out(), err: mem.err() };
}

export const b64u = (v: string | Buffer): string => Buffer.from(v).toString('base64url');
export const seg = (v: unknown): string => b64u(typeof v === 'string' ? v : JSON.stringify(v));
export const x5tOf = (der: Buffer): string => createHash('sha1').update(der).digest('base64url');

/** RS256 over `header.payload` given as raw JSON strings (so member order and duplicates are ours). */
export function signRaw(header: string, payload: string, key: KeyObject): string {
  const input = `${b64u(header)}.${b64u(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** RS256-signed compact JWS with the signer's x5t. */
export function rs256(claims: object, signer: TestCertificate, header: object = {}): string {
  const h = JSON.stringify({ typ: 'JWT', alg: 'RS256', x5t: signer.x5t, ...header });
  return signRaw(h, JSON.stringify(claims), signer.privateKey);
}

/** HS256 with an arbitrary secret (the classic "public key as HMAC secret" confusion). */
export function hs256(claims: object, secret: Buffer | string, header: object = {}): string {
  const input = `${seg({ typ: 'JWT', alg: 'HS256', ...header })}.${seg(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** The unsigned outer token of act-as (docs/protocol.md §2.4). */
export function outer(claims: object, header: object = { typ: 'JWT', alg: 'none' }): string {
  return `${seg(header)}.${seg(claims)}.`;
}

/** String `nbf`/`exp` around `now`, as the SharePoint profile writes them. */
export function times(clock: ManualClock, lifetime = 3600): { nbf: string; exp: string } {
  const now = Math.floor(clock.now().getTime() / 1000);
  return { nbf: String(now - 60), exp: String(now + lifetime) };
}

/** Claims of an app-only actor token from `issuerId` to us. */
export function actorClaims(
  clock: ManualClock,
  issuerId: string,
  over: object = {},
): Record<string, unknown> {
  return {
    aud: `${LYNC}/${HOST}@${REALM}`,
    iss: `${issuerId}@${REALM}`,
    ...times(clock),
    nameid: `${issuerId}@${REALM}`,
    trustedfordelegation: 'true',
    ...over,
  };
}

/** Claims of an outer token for a user. */
export function outerClaims(
  clock: ManualClock,
  issuerId: string,
  actor: string,
  over: object = {},
): Record<string, unknown> {
  return {
    aud: `${LYNC}/${HOST}@${REALM}`,
    iss: `${issuerId}@${REALM}`,
    ...times(clock),
    nameid: 's-1-5-21-1-2-3-1001',
    nii: 'urn:office:idp:activedirectory',
    smtp: 'alice@contoso.com',
    sip: 'alice@contoso.com',
    upn: 'alice@contoso.com',
    actortoken: actor,
    ...over,
  };
}
