/**
 * The s2s server on N cores with node:cluster: the primary forks N workers that each open the same
 * deployment (SQLite store, master key from the environment) and listen on one shared port.
 * Usage (primary): node --import tsx bench/cluster-server.ts <workers> <port>  — prints "ready" once all listen.
 */
import cluster from 'node:cluster';
import { resolveNodeConfig } from '../src/config/node-config.ts';
import { openDeployment } from '../src/main/deployment.ts';
import { createServerLogger } from '../src/main/server-logger.ts';
import { startServer } from '../src/main/server.ts';
import { wireMetadataFetcher } from '../test/e2e/storage-deployment.ts';

const [workers, port] = process.argv.slice(2).map(Number);

if (cluster.isPrimary) {
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
  const config = resolveNodeConfig({ home: process.env.S2S_HOME }, process.env);
  const deployment = await openDeployment(config);
  wireMetadataFetcher(deployment);
  await startServer(deployment, {
    listen: `127.0.0.1:${port}`,
    logger: createServerLogger({ level: 'silent' }),
    refreshTickMs: 3_600_000,
  });
  process.send?.('listening');
}
