/**
 * A complete deployment for the storage end-to-end tests: its own SQLite store in a temp dir, its own
 * master key and self-managed certificates (the same bootstrap `npm start` runs), and its HTTPS server on
 * 127.0.0.1 with a free port. Not a test file: imported by test/e2e/storage-*.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveNodeConfig } from '../../src/config/node-config.ts';
import type { Clock } from '../../src/core/index.ts';
import { MetadataFetcher } from '../../src/adapters/http-client/metadata-fetcher.ts';
import { memoryIo, runCli } from '../../src/adapters/cli/index.ts';
import type { CliEnvironment } from '../../src/adapters/cli/index.ts';
import { PartnerService } from '../../src/services/index.ts';
import type { ServiceDeps } from '../../src/services/index.ts';
import { buildDeployment } from '../../src/main/deployment.ts';
import type { Deployment } from '../../src/main/deployment.ts';
import { openStore } from '../../src/main/open-store.ts';
import { prepareBootstrap } from '../../src/main/bootstrap.ts';
import { createServerLogger } from '../../src/main/server-logger.ts';
import { startServer } from '../../src/main/server.ts';
import type { RunningServer } from '../../src/main/server.ts';

export interface TestDeployment {
  readonly name: string;
  readonly deployment: Deployment;
  readonly server: RunningServer;
  readonly metadataUrl: string;
  /** The data directory and environment (master key, node name) another process needs to open the same deployment. */
  readonly home: string;
  readonly env: Readonly<Record<string, string>>;
  /** Runs `s2s <argv>` in-process against this deployment; returns exit code and output. */
  cli(argv: string[]): Promise<{ code: number; out: string; err: string }>;
  close(): Promise<void>;
}

/** Starts a deployment with `serviceName` in `realm`, serving HTTPS on 127.0.0.1. */
export async function startTestDeployment(
  name: string,
  input: { realm: string; serviceName: string; clock?: Clock },
): Promise<TestDeployment> {
  const home = mkdtempSync(join(tmpdir(), `s2s-${name}-`));
  const env = { S2S_MASTER_KEY: randomBytes(32).toString('hex'), S2S_NODE: `${name}.litwareinc.test` };
  const config = resolveNodeConfig({ home }, env);
  const clock = input.clock;
  const store = await openStore(config.store, clock ? { clock } : {});
  const deployment = buildDeployment(config, store, clock ? { clock } : {});
  wireMetadataFetcher(deployment);
  await deployment.services.oauth.initialize({ realm: input.realm, serviceName: input.serviceName });
  await prepareBootstrap(deployment, {});
  const server = await startServer(deployment, {
    listen: '127.0.0.1:0',
    logger: createServerLogger({ level: 'silent' }),
    refreshTickMs: 3_600_000,
  });
  await deployment.services.oauth.update({ hostNames: [`127.0.0.1:${server.port}`] });
  const cliEnv: CliEnvironment = {
    io: memoryIo().io,
    resolveConfig: () => config,
    // The command closes what it opened: hand it a view whose close() leaves the running deployment open.
    openDeployment: async () => ({ ...deployment, close: async () => {} }),
  };
  return {
    name,
    deployment,
    server,
    metadataUrl: `${server.url}/metadata/json/1`,
    home,
    env,
    cli: async (argv) => {
      const io = memoryIo();
      const code = await runCli(argv, { ...cliEnv, io: io.io });
      return { code, out: io.out(), err: io.err() };
    },
    close: async () => {
      await server.close();
      await deployment.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Trusts the other deployment's local root (each bootstrap created its own). */
export async function trustRootsOf(target: TestDeployment, source: TestDeployment): Promise<void> {
  for (const doc of await source.deployment.store.list('trusted-root')) {
    if (await target.deployment.store.get('trusted-root', doc.key)) continue;
    await target.deployment.store.write([
      { op: 'put', kind: 'trusted-root', key: doc.key, body: doc.body, expect: 'absent' },
    ]);
  }
}

/** Gives the partner service a real HTTPS metadata fetcher, should the composition root not wire one yet. */
export function wireMetadataFetcher(deployment: Deployment): void {
  const services = deployment.services as { partners: PartnerService };
  const deps = (services.partners as unknown as { deps: ServiceDeps }).deps;
  services.partners = new PartnerService(deps, { fetcher: new MetadataFetcher() });
}
