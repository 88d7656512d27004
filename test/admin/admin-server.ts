/**
 * A real server for administration API tests: a SQLite deployment bootstrapped like `npm start` (TLS,
 * the first administrator), a CA with an account, an exportable certificate, an administrator and an API
 * token per role, served over HTTPS on 127.0.0.1. `call` sends what a client would.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { ADMIN_ROLES, ManualClock } from '../../src/core/index.ts';
import type { AdminRole } from '../../src/core/index.ts';
import { resolveNodeConfig } from '../../src/config/node-config.ts';
import { buildDeployment } from '../../src/main/deployment.ts';
import type { Deployment } from '../../src/main/deployment.ts';
import { openStore } from '../../src/main/open-store.ts';
import { prepareBootstrap } from '../../src/main/bootstrap.ts';
import { startServer } from '../../src/main/server.ts';
import type { RunningServer } from '../../src/main/server.ts';
import { createServerLogger } from '../../src/main/server-logger.ts';
import { testCaKeys } from '../../src/services/ca/ca-test-deployment.ts';
import { makeCertificate } from '../fixtures/certificates.ts';
import { LOCAL, PASSWORD } from './admin-deployment.ts';

export const CA_ACCOUNT_PASSWORD = 'enroller password 1234';

export interface AdminServer {
  readonly d: Deployment;
  readonly server: RunningServer;
  readonly clock: ManualClock;
  readonly home: string;
  /** The environment a local CLI needs to open the same deployment (S2S_HOME, S2S_MASTER_KEY, S2S_NODE). */
  readonly env: Readonly<Record<string, string>>;
  /** An API token per role. */
  readonly tokens: Readonly<Record<AdminRole, string>>;
  /** Administrators `<role>-admin` per role, all with PASSWORD. */
  readonly admins: Readonly<Record<AdminRole, string>>;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  close(): Promise<void>;
}

export interface CallOptions {
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** Raw body text (sent as is). */
  readonly raw?: string;
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

export async function startAdminServer(
  options: { adminOptions?: Record<string, number>; populate?: boolean; adminListen?: string } = {},
): Promise<AdminServer> {
  const home = mkdtempSync(join(tmpdir(), 's2s-adminapi-'));
  const env = {
    S2S_HOME: home,
    S2S_MASTER_KEY: randomBytes(32).toString('hex'),
    S2S_NODE: 'fe01.contoso.com',
  };
  const config = resolveNodeConfig({ home }, env);
  const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const d = buildDeployment(config, await openStore(config.store), {
    clock,
    actor: LOCAL,
    ...(options.adminOptions ? { adminOptions: options.adminOptions } : {}),
  });
  let server: RunningServer | undefined;
  try {
    await prepareBootstrap(d, {});
    server = await startServer(d, {
      listen: '127.0.0.1:0',
      logger: createServerLogger({ level: 'silent' }),
      refreshTickMs: 3_600_000,
      ...(options.adminListen ? { adminListen: options.adminListen } : {}),
    });
    const admins = {} as Record<AdminRole, string>;
    const tokens = {} as Record<AdminRole, string>;
    for (const role of ADMIN_ROLES) {
      admins[role] = `${role}-admin`;
      await d.services.admins.add({ name: admins[role], role, password: PASSWORD });
      tokens[role] = (
        await d.services.admins.newToken({ name: `${role}-token`, role, expires: '30d' })
      ).token;
    }
    if (options.populate !== false) {
      await d.services.ca.authority.init({ keys: testCaKeys() });
      await d.services.ca.authority.accounts.add('enroller', CA_ACCOUNT_PASSWORD);
      const cert = await makeCertificate({ subject: 'CN=export.contoso.com', freshKey: true });
      await d.services.certificates.import({
        file: Buffer.from(cert.pem),
        keyFile: Buffer.from(cert.keyPem),
        exportable: true,
      });
    }
    const port = server.port;
    const running = server;
    return {
      d,
      server: running,
      clock,
      home,
      env,
      tokens,
      admins,
      call: (method, path, o = {}) => send(port, method, path, o),
      close: async () => {
        await running.close();
        await d.close();
        rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server?.close();
    await d.close();
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
}

export function send(port: number, method: string, path: string, o: CallOptions): Promise<Answer> {
  const text = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    ...(text === undefined ? {} : { 'content-type': 'application/json' }),
    ...o.headers,
  };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, rejectUnauthorized: false, agent: false, headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(body) as Record<string, unknown>;
          } catch {
            json = {};
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: body, json });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** POST an operation with a Bearer token. */
export function operation(s: AdminServer, token: string, id: string, args: unknown[] = []): Promise<Answer> {
  return s.call('POST', `/admin/api/v1/operations/${id}`, {
    headers: { authorization: `Bearer ${token}` },
    body: { args },
  });
}

/** Signs in through the API; returns the session cookie and CSRF token. */
export async function signIn(
  s: AdminServer,
  name: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<{ answer: Answer; cookie: string; csrf: string }> {
  const answer = await s.call('POST', '/admin/api/v1/session', { body: { name, password }, headers });
  const set = answer.headers['set-cookie']?.[0] ?? '';
  const cookie = set.split(';')[0] ?? '';
  const csrf = answer.json.csrfToken;
  return { answer, cookie, csrf: typeof csrf === 'string' ? csrf : '' };
}

export { PASSWORD };
