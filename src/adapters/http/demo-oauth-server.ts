/**
 * A loopback ACS-shaped OAuth server for demonstrations and tests on one machine (docs/hybrid.md
 * "Trying it on one machine"; `s2s oauth-server demo`): plain http on a loopback address only, the ACS
 * metadata shape (`keys[]` with `keyValue`, the `OAuth2`/`issuance`, `DelegationIssuance1.0` and
 * `DelegationManagement1.0` endpoints, no `issuer`) and the legacy JWT-bearer grant (docs/protocol.md §8).
 * Its clients are read from their own metadata documents (service name and signing certificates), as
 * an administrator uploads a certificate to a service principal. Never a production server.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { X509Certificate, createHash, createSign, createVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ACS_PRINCIPAL_ID, sharedError } from '../../core/index.ts';
import { createLeaf, createLocalRoot } from '../../ca/index.ts';

/** A running demo server. */
export interface DemoOAuthServer {
  readonly url: string;
  readonly metadataUrl: string;
  close(): Promise<void>;
}

/** Largest request body read (a token request is a few kB). */
const MAX_BODY_BYTES = 64 * 1024;
/** Lifetime of the actor tokens issued (ACS: ~24 h; shorter here). */
const TOKEN_LIFETIME_SECONDS = 3600;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Starts the server on `host:port` (a loopback address) for `tenant`, trusting `clients` (id → certificates). */
export async function startDemoOAuthServer(input: {
  readonly host: string;
  readonly port: number;
  readonly tenant: string;
  readonly clients: ReadonlyMap<string, readonly Buffer[]>;
}): Promise<DemoOAuthServer> {
  if (!['127.0.0.1', '::1', 'localhost'].includes(input.host))
    throw sharedError(
      'ERR_USAGE',
      'the demo OAuth server listens on a loopback address only (127.0.0.1, ::1)',
    );
  const now = new Date();
  const root = await createLocalRoot('demo OAuth server', now);
  const signing = await createLeaf(root, {
    commonName: 'demo OAuth server signing',
    dnsNames: [],
    ipAddresses: [],
    now,
  });
  const x5t = createHash('sha1').update(signing.der).digest('base64url');
  const keys = new Map<string, KeyObject[]>();
  for (const [id, certs] of input.clients)
    keys.set(
      id.toLowerCase(),
      certs.map((der) => new X509Certificate(der).publicKey),
    );
  const tenant = input.tenant.toLowerCase();
  const tokenPath = `/${tenant}/tokens/OAuth/2`;

  const grant = (form: URLSearchParams, host: string): { status: number; body: unknown } => {
    const refuse = (status: number, error: string, code: number, text: string) => ({
      status,
      body: { error, error_description: `AADSTS${code}: ${text}`, error_codes: [code] },
    });
    if (form.get('grant_type') !== 'http://oauth.net/grant_type/jwt/1.0/bearer')
      return refuse(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    const [h, p, s] = (form.get('assertion') ?? '').split('.');
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return refuse(400, 'invalid_request', 50027, 'Invalid JWT token.');
    }
    const [clientId = '', clientTenant = ''] = String(claims['iss']).toLowerCase().split('@');
    const clientKeys = keys.get(clientId);
    if (!clientKeys)
      return refuse(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
      );
    if (clientTenant !== tenant)
      return refuse(400, 'invalid_request', 90002, `Tenant '${clientTenant}' not found.`);
    const signed = clientKeys.some((key) => {
      const v = createVerify('RSA-SHA256');
      v.update(`${h}.${p}`);
      return v.verify(key, Buffer.from(s ?? '', 'base64url'));
    });
    if (!signed)
      return refuse(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
    if (String(claims['aud']).toLowerCase() !== `${ACS_PRINCIPAL_ID}/${host}@${tenant}`)
      return refuse(400, 'invalid_request', 50013, 'Assertion audience does not match the token endpoint.');
    const t = Math.floor(Date.now() / 1000);
    if (!(Number(claims['exp']) > t))
      return refuse(400, 'invalid_grant', 700024, 'Client assertion is expired.');
    const resource = form.get('resource') ?? '';
    if (!/^[^/@]+\/[^@]+@[^@]+$/.test(resource))
      return refuse(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resource.slice(0, 200)} was not found in the tenant.`,
      );
    const exp = t + TOKEN_LIFETIME_SECONDS;
    const payload = {
      aud: resource,
      iss: `${ACS_PRINCIPAL_ID}@${tenant}`,
      nbf: t - 5,
      exp,
      nameid: `${clientId}@${tenant}`,
      identityprovider: `${ACS_PRINCIPAL_ID}@${tenant}`,
      trustedfordelegation: 'true',
      iat: t - 5,
    };
    const signingInput = `${b64({ typ: 'JWT', alg: 'RS256', x5t, kid: x5t })}.${b64(payload)}`;
    const signer = createSign('RSA-SHA256');
    signer.update(signingInput);
    const accessToken = `${signingInput}.${signer.sign(signing.privateKey).toString('base64url')}`;
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        access_token: accessToken,
        expires_in: String(TOKEN_LIFETIME_SECONDS),
        expires_on: String(exp),
        resource,
      },
    };
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const host = (req.headers.host ?? '').toLowerCase();
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    if (req.method === 'GET' && req.url === '/metadata/json/1') {
      json(200, {
        version: '1.0',
        keys: [
          {
            usage: 'signing',
            keyInfo: { x5t },
            keyValue: { type: 'x509Certificate', value: signing.der.toString('base64') },
          },
        ],
        endpoints: [
          { location: `http://${host}${tokenPath}`, protocol: 'OAuth2', usage: 'issuance' },
          {
            location: `http://${host}/v2/wsfederation`,
            protocol: 'DelegationIssuance1.0',
            usage: 'issuance',
          },
          { location: `http://${host}/management`, protocol: 'DelegationManagement1.0', usage: 'management' },
        ],
      });
      return;
    }
    if (req.method === 'POST' && req.url === tokenPath) {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) req.destroy();
        else chunks.push(c);
      });
      req.on('end', () => {
        const answer = grant(new URLSearchParams(Buffer.concat(chunks).toString('utf8')), host);
        json(answer.status, answer.body);
      });
      return;
    }
    json(404, { error: 'not_found' });
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(input.port, input.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const authority =
    address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
  const url = `http://${authority}`;
  return {
    url,
    metadataUrl: `${url}/metadata/json/1`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
