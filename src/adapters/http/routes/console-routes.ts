/**
 * Serves the web console's bundle (docs/console.md): `GET /console/` (index.html, never cached) and
 * `GET /console/assets/<hashed name>` (immutable). Everything comes from this server — no CDN — under a
 * strict Content-Security-Policy: scripts, styles and API calls from this origin only, no framing, no inline
 * script. The bundle (console/dist, built by `npm ci`) is read into memory once when the server starts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { storageError } from '../../../core/storage/index.ts';
import { httpErrorOf } from '../http-error.ts';

export interface ConsoleRoutesOptions {
  /** The built bundle: index.html and assets/. */
  readonly directory: string;
}

/** The headers every console response carries (docs/security.md "Web console"). */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

interface Bundle {
  readonly index: Buffer;
  readonly assets: ReadonlyMap<string, Buffer>;
}

/** Reads the bundle, or undefined when it was not built. */
function readBundle(directory: string): Bundle | undefined {
  const indexPath = join(directory, 'index.html');
  if (!existsSync(indexPath)) return undefined;
  const assets = new Map<string, Buffer>();
  const assetDir = join(directory, 'assets');
  if (existsSync(assetDir))
    for (const name of readdirSync(assetDir))
      if (Object.hasOwn(TYPES, extname(name))) assets.set(name, readFileSync(join(assetDir, name)));
  return { index: readFileSync(indexPath), assets };
}

/** Builds the console plugin. */
export function consoleRoutes(options: ConsoleRoutesOptions): FastifyPluginAsync {
  const bundle = readBundle(options.directory);
  const secure = (reply: FastifyReply) => reply.headers(CONSOLE_SECURITY_HEADERS);
  const notBuilt = (reply: FastifyReply) => {
    const { status, body } = httpErrorOf(
      storageError('ERR_CONSOLE_NOT_BUILT', 'the web console was not built in this installation'),
    );
    return secure(reply).code(status).header('cache-control', 'no-store').send(body);
  };
  return async (app: FastifyInstance) => {
    app.get('/console', async (_req, reply) => secure(reply).redirect('/console/', 301));
    app.get('/console/', async (_req, reply) => {
      if (!bundle) return notBuilt(reply);
      return secure(reply)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(bundle.index);
    });
    app.get<{ Params: { name: string } }>('/console/assets/:name', async (req, reply) => {
      if (!bundle) return notBuilt(reply);
      const body = bundle.assets.get(req.params.name);
      if (!body)
        return secure(reply).code(404).header('cache-control', 'no-store').send({ error: 'not_found' });
      return secure(reply)
        .type(TYPES[extname(req.params.name)] ?? 'application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(body);
    });
  };
}
