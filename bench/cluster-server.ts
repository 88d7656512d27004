/**
 * The s2s server as its own process: `0` workers serves in this process (one event loop: one core);
 * N ≥ 1 uses node:cluster — the primary forks N workers that each open the same deployment (SQLite
 * store, master key from the environment) and listen on one shared port. Node 20 has no SO_REUSEPORT
 * (`reusePort` arrived in Node 22.12), so the primary accepts and hands connections to the workers
 * round-robin (cluster.SCHED_RR, the Linux default): with keep-alive, load spreads per connection.
 * Usage: node --import tsx bench/cluster-server.ts <workers> <port>  — prints "ready" once all listen.
 * The log level is S2S_LOG_LEVEL (the bench sets it; the server's default is info); lines go to /dev/null.
 * Besides s2s's routes it serves GET /bench/hello behind s2s authentication: a small JSON answer whose
 * cost over a plain node:https server is authentication alone.
 */
import cluster from 'node:cluster';
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
  app.get(HELLO_PATH, { preHandler: app.requireS2sAuth }, async (_req, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').send(HELLO_BODY),
  );
};

const [workers, port] = process.argv.slice(2).map(Number);

if (workers === 0) {
  await serve();
  // S2S_BENCH_PROFILE=<file>: a CPU profile from now (ready: start-up excluded) until SIGTERM.
  const stopProfile = process.env.S2S_BENCH_PROFILE ? await startProfile() : null;
  process.on('SIGTERM', () => {
    void (stopProfile?.(process.env.S2S_BENCH_PROFILE!) ?? Promise.resolve()).finally(() => process.exit(0));
  });
  process.stdout.write('ready\n');
} else if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < workers!; i++) {
    cluster.fork().on('message', (m) => {
      if (m === 'listening' && ++listening === workers) process.stdout.write('ready\n');
    });
  }
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    process.exit(0);
  });
} else {
  await serve();
  process.send?.('listening');
}

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
