/**
 * The bench's s2s server in one process (one event loop: one core), opening the deployment the bench set
 * up (SQLite store, master key from the environment). `s2s server start --workers N` is measured as an
 * operator runs it (bench/http-bench.ts); this one adds what the product has no route for.
 * Usage: node bench/s2s-server.mjs <port> (compiled by bench/compile.ts) — prints "ready" once it listens.
 * The log level is S2S_LOG_LEVEL (the bench sets it; the server's default is info); lines go to /dev/null.
 * Besides s2s's routes it serves GET /bench/hello behind s2s authentication: a small JSON answer whose
 * cost over a plain node:https server is authentication alone.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pino } from 'pino';
import { resolveNodeConfig } from '../src/config/node-config.ts';
import { openDeployment } from '../src/main/deployment.ts';
import { createServerLogger } from '../src/main/server-logger.ts';
import { startServer } from '../src/main/server.ts';
import { wireMetadataFetcher } from '../test/e2e/storage-deployment.ts';
import type { FastifyPluginAsync } from 'fastify';
import { HELLO_BODY, HELLO_PATH } from './hello.ts';

/** The authenticated hello: s2s authentication, then a fixed answer. */
const hello: FastifyPluginAsync = async (app) => {
  // A synchronous handler, as the plain server's: what the row adds over it is authentication alone.
  app.get(HELLO_PATH, { preHandler: app.requireS2sAuth }, (_req, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8').send(HELLO_BODY);
  });
};

const port = Number(process.argv[2]);

await serve();
// S2S_BENCH_PROFILE=<file>: a CPU profile from now (ready: start-up excluded) until SIGTERM.
const stopProfile = process.env.S2S_BENCH_PROFILE ? await startProfile() : null;
process.on('SIGTERM', () => {
  void (stopProfile?.(process.env.S2S_BENCH_PROFILE!) ?? Promise.resolve()).finally(() => process.exit(0));
});
process.stdout.write('ready\n');

async function startProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
  };
}

async function serve(): Promise<void> {
  const config = resolveNodeConfig({ home: process.env.S2S_HOME }, process.env);
  const deployment = await openDeployment(config);
  wireMetadataFetcher(deployment);
  await startServer(deployment, {
    listen: `127.0.0.1:${port}`,
    // Logs are written (synchronously, as to stdout) to /dev/null: their cost stays in this process.
    logger: createServerLogger({
      level: process.env.S2S_LOG_LEVEL ?? 'warn',
      destination: pino.destination('/dev/null'),
    }),
    refreshTickMs: 3_600_000,
    extraRoutes: [hello],
  });
}
