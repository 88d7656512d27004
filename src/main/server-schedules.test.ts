/**
 * `startServer({ schedules: false })` (docs/server.md "Workers"): a worker that leaves the partner metadata
 * refresh and the certificate renewal to another one runs neither; by default a server runs both (their
 * first pass starts with the server).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { resolveNodeConfig } from '../config/node-config.ts';
import { buildDeployment } from './deployment.ts';
import type { Deployment } from './deployment.ts';
import { openStore } from './open-store.ts';
import { prepareBootstrap } from './bootstrap.ts';
import { createServerLogger } from './server-logger.ts';
import { startServer } from './server.ts';

/** The deployment with its schedule entry points counted. */
function counted(deployment: Deployment, calls: Record<string, number>): Deployment {
  const count = <T extends object>(target: T, names: readonly string[]): T =>
    new Proxy(target, {
      get(t, name, receiver) {
        const value = Reflect.get(t, name, receiver) as unknown;
        if (typeof name !== 'string' || !names.includes(name) || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls[name] = (calls[name] ?? 0) + 1;
          return (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });
  const { services } = deployment;
  return {
    ...deployment,
    services: {
      ...services,
      partners: count(services.partners, ['refreshDue']),
      renewal: count(services.renewal, ['runOnce']),
    },
  };
}

test('a server started with schedules: false runs neither the partner refresh nor the renewal', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 's2s-schedules-'));
  const config = resolveNodeConfig(
    { home },
    { S2S_MASTER_KEY: randomBytes(32).toString('hex'), S2S_NODE: 'fe.litwareinc.test' },
  );
  const deployment = buildDeployment(config, await openStore(config.store));
  t.after(async () => {
    await deployment.close();
    rmSync(home, { recursive: true, force: true });
  });
  await deployment.services.oauth.initialize({ realm: 'litwareinc.com' });
  await prepareBootstrap(deployment, {});
  const logger = createServerLogger({
    level: 'error',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  for (const schedules of [undefined, false]) {
    const calls: Record<string, number> = {};
    const server = await startServer(counted(deployment, calls), {
      listen: '127.0.0.1:0',
      logger,
      schedules,
    });
    await server.close(); // waits for a pass in flight
    const expected = schedules === false ? {} : { refreshDue: 1, runOnce: 1 };
    assert.deepEqual(calls, expected, `schedules: ${String(schedules)}`);
  }
});
