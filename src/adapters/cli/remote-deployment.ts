/**
 * The CLI in remote mode (`--server https://… --token-file …`; docs/admin.md "Remote administration"):
 * a deployment whose services are the administration API. Every operation of the table becomes
 * `POST /admin/api/v1/operations/<id>` with the arguments the local command would pass, so the commands
 * and their output are the same; a refusal comes back as the same S2sError. Commands that need the local
 * store (init, server, replication, backup) are refused before they run.
 */
import { request as httpsRequest, Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import { S2sError } from '../../core/shared/errors.ts';
import { adminError } from '../../core/admin/admin-errors.ts';
import { adminOperation, ADMIN_OPERATIONS } from '../../core/admin/admin-operations.ts';
import { decodeWire, encodeWire } from '../../core/admin/wire-codec.ts';
import { systemClock } from '../../core/shared/clock.ts';
import type { ErrorCategory } from '../../core/index.ts';
import type { NodeConfig } from '../../config/node-config.ts';
import type { DocumentStore } from '../../store/document-store.ts';
import type { Services } from '../../services/index.ts';
import type { CliDeployment } from './cli-context.ts';
import type { CliIo } from './cli-io.ts';
import { readSecretFile } from './secret-file.ts';

/** The global flags of remote mode (env S2S_SERVER, S2S_TOKEN_FILE, S2S_SERVER_CA). */
export interface RemoteFlags {
  server?: string | undefined;
  tokenFile?: string | undefined;
  serverCa?: string | undefined;
}

/** The commands that work on the local S2S_HOME only. */
export const LOCAL_ONLY_COMMANDS: readonly string[] = [
  'init',
  'server',
  'replication',
  'backup',
  'completion',
];

/** The --server URL of these flags or the environment, or undefined (local mode). */
export function remoteServer(flags: RemoteFlags, env: CliIo['env']): string | undefined {
  const value = flags.server ?? env.S2S_SERVER;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

const RESPONSE_LIMIT = 64 * 1024 * 1024;
const CATEGORIES: readonly ErrorCategory[] = [
  'usage',
  'not_found',
  'conflict',
  'refused',
  'unavailable',
  'internal',
];

export async function openRemoteDeployment(
  flags: RemoteFlags,
  io: CliIo,
  config: NodeConfig,
): Promise<CliDeployment> {
  const server = remoteServer(flags, io.env)!;
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw adminError('ERR_ADMIN_REMOTE_FAILED', `--server '${server}' is not a URL`);
  }
  if (base.protocol !== 'https:')
    throw adminError(
      'ERR_ADMIN_REMOTE_FAILED',
      '--server must be an https:// URL (tokens never travel in clear)',
    );
  const tokenFile = flags.tokenFile ?? io.env.S2S_TOKEN_FILE;
  if (tokenFile === undefined || tokenFile.trim() === '')
    throw adminError('ERR_ADMIN_TOKEN_FILE', '--server needs --token-file <file> holding an API token');
  let token: string;
  try {
    token = (await readSecretFile(tokenFile, io)).trim();
  } catch {
    throw adminError('ERR_ADMIN_TOKEN_FILE', `cannot read an API token from ${tokenFile}`);
  }
  const caFile = flags.serverCa ?? io.env.S2S_SERVER_CA;
  let ca: Buffer | undefined;
  if (caFile !== undefined && caFile.trim() !== '') {
    try {
      ca = readFileSync(caFile);
    } catch {
      throw adminError('ERR_ADMIN_REMOTE_FAILED', `cannot read the --server-ca file ${caFile}`);
    }
  }
  const agent = new Agent({ keepAlive: true, ...(ca ? { ca } : {}) });
  const call = (id: string, args: readonly unknown[]) => post(base, agent, token, id, args);
  return {
    config,
    store: localOnlyStore(),
    clock: systemClock,
    services: remoteServices(call),
    close: () => {
      agent.destroy();
      return Promise.resolve();
    },
  };
}

/** Services whose operations are calls to the API; anything else is refused as local-only. */
function remoteServices(call: (id: string, args: readonly unknown[]) => Promise<unknown>): Services {
  const prefixes = new Set(
    ADMIN_OPERATIONS.flatMap((o) => {
      const parts = o.id.split('.');
      return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'));
    }),
  );
  const node = (path: string): object =>
    new Proxy(function remote() {}, {
      get(_target, prop) {
        if (typeof prop !== 'string' || prop === 'then') return undefined;
        const id = path ? `${path}.${prop}` : prop;
        if (adminOperation(id)) return (...args: unknown[]) => call(id, args);
        if (prefixes.has(id)) return node(id);
        return () => {
          throw adminError('ERR_ADMIN_LOCAL_ONLY', `${id} is not part of the administration API`);
        };
      },
    });
  return node('') as Services;
}

function localOnlyStore(): DocumentStore {
  return new Proxy({} as DocumentStore, {
    get(_target, prop) {
      if (prop === 'then') return undefined;
      throw adminError(
        'ERR_ADMIN_LOCAL_ONLY',
        'this command reads the local store; run it on the server without --server',
      );
    },
  });
}

async function post(
  base: URL,
  agent: Agent,
  token: string,
  id: string,
  args: readonly unknown[],
): Promise<unknown> {
  const url = new URL(
    `admin/api/v1/operations/${encodeURIComponent(id)}`,
    base.href.endsWith('/') ? base : `${base.href}/`,
  );
  const body = Buffer.from(JSON.stringify({ args: encodeWire(args) }), 'utf8');
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': String(body.length),
          accept: 'application/json',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > RESPONSE_LIMIT) req.destroy(new Error('response too large'));
          else chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  }).catch((err: unknown) => {
    throw adminError(
      'ERR_ADMIN_REMOTE_FAILED',
      `cannot reach ${base.origin}: ${(err as { code?: string }).code ?? (err as Error).message}`,
    );
  });
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw adminError('ERR_ADMIN_REMOTE_FAILED', `${base.origin} answered HTTP ${status} without JSON`);
  }
  if (status === 200 && 'result' in parsed) return decodeWire(parsed.result);
  if (typeof parsed.code === 'string' && typeof parsed.error_description === 'string') {
    const category = CATEGORIES.find((c) => c === parsed.error) ?? 'unavailable';
    const details = decodeWire(parsed.details ?? {});
    throw new S2sError(
      parsed.code,
      category,
      parsed.error_description,
      typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {},
    );
  }
  throw adminError(
    'ERR_ADMIN_REMOTE_FAILED',
    `${base.origin} answered HTTP ${status}, not the administration API`,
  );
}
