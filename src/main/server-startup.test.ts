/**
 * Start-up of a front-end server (docs/server.md "Readiness", "Bootstrap"): /readyz is never ready
 * before start-up has finished, and a start-up that fails after the listener opened closes it and
 * rejects (the CLI then exits non-zero) instead of leaving a server that answers every request with
 * an error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { memoryIo } from '../adapters/cli/cli-io.ts';
import { resolveNodeConfig } from '../config/node-config.ts';
import { sharedError } from '../core/index.ts';
import type { DocumentStore } from '../store/document-store.ts';
import { buildDeployment } from './deployment.ts';
import { openStore } from './open-store.ts';
import { prepareBootstrap } from './bootstrap.ts';
import { createServerLogger } from './server-logger.ts';
import { startServer } from './server.ts';
import { startServerProcess } from './server-process.ts';
import { Writable } from 'node:stream';

const quiet = () =>
  createServerLogger({
    level: 'error',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });

test('/readyz is not-ready (503, reason starting) until start-up has finished', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 's2s-startup-'));
  const config = resolveNodeConfig({ home }, { S2S_MASTER_KEY: randomBytes(32).toString('hex') });
  const deployment = buildDeployment(config, await openStore(config.store));
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  await prepareBootstrap(deployment, {});
  const server = await startServer(deployment, {
    listen: '127.0.0.1:0',
    logger: quiet(),
    startingUp: true,
  });
  t.after(async () => {
    await agent.close();
    await server.close();
    await deployment.close();
    rmSync(home, { recursive: true, force: true });
  });
  const readyz = async () => {
    const res = await request(`${server.url}/readyz`, { dispatcher: agent });
    return { status: res.statusCode, body: (await res.body.json()) as { status: string } };
  };
  const before = await readyz();
  assert.equal(before.status, 503);
  assert.equal(before.body.status, 'not-ready');
  assert.deepEqual((before.body as { reasons?: string[] }).reasons, ['starting']);
  server.markStarted();
  const after = await readyz();
  assert.equal(after.status, 200, JSON.stringify(after.body));
});

test('a start-up that fails after listening closes the listener and rejects (no server that serves errors)', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 's2s-startup-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const env = {
    S2S_HOME: home,
    S2S_MASTER_KEY: randomBytes(32).toString('hex'),
    S2S_NODE: 'fe1.contoso.com',
  };
  const real = await openStore(join(home, 's2s.db'));
  // The central store refuses the last bootstrap step (the demo user), as an unreachable store would.
  const failing: DocumentStore = {
    dialect: real.dialect,
    location: real.location,
    get: (k, key) => real.get(k, key),
    list: (k, p) => real.list(k, p),
    write: async (ops, context) => {
      if (ops.some((o) => o.kind === 'user'))
        throw sharedError('ERR_STORE_UNAVAILABLE', 'the store went away during start-up');
      return real.write(ops, context);
    },
    headVersion: () => real.headVersion(),
    changesSince: (a, l) => real.changesSince(a, l),
    snapshot: (k) => real.snapshot(k),
    serverTime: () => real.serverTime(),
    subscribe: (l) => real.subscribe(l),
    close: () => real.close(),
  };
  const port = await freePort();
  const io = memoryIo(env);
  await assert.rejects(
    startServerProcess({ listen: `127.0.0.1:${port}`, bootstrap: true }, io.io, { store: failing }),
    (err: unknown) => (err as { code?: string }).code === 'ERR_STORE_UNAVAILABLE',
  );
  const refused = await new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
  assert.equal(refused, 'ECONNREFUSED', 'nothing listens after a failed start-up');
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
