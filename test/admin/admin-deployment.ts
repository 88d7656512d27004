/** Test helper: a deployment over the in-memory store with a real master key and a hand-moved clock. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/index.ts';
import type { AuditActor } from '../../src/core/index.ts';
import { buildDeployment } from '../../src/main/deployment.ts';
import type { Deployment, DeploymentOptions } from '../../src/main/deployment.ts';
import { resolveNodeConfig } from '../../src/config/node-config.ts';
import { MemoryDocumentStore } from '../../src/store/memory/memory-document-store.ts';

export const PASSWORD = 'correct horse battery staple';

export function memoryDeployment(
  t: { after(fn: () => unknown): void },
  options: DeploymentOptions = {},
): { d: Deployment; clock: ManualClock; store: MemoryDocumentStore } {
  const home = mkdtempSync(join(tmpdir(), 's2s-admin-'));
  const clock = new ManualClock('2026-12-01T10:00:00Z');
  const store = new MemoryDocumentStore();
  const config = resolveNodeConfig(
    { home, node: 'fe01.contoso.com' },
    { S2S_MASTER_KEY: randomBytes(32).toString('hex') },
  );
  const d = buildDeployment(config, store, { clock, actor: LOCAL, ...options });
  t.after(async () => {
    await d.close();
    rmSync(home, { recursive: true, force: true });
  });
  return { d, clock, store };
}

export const LOCAL: AuditActor = {
  kind: 'local',
  name: 'operator',
  role: 'full',
  from: 'cli@fe01',
  via: 'cli',
};

export const actor = (
  name: string,
  role: AuditActor['role'],
  via: AuditActor['via'] = 'api',
): AuditActor => ({
  kind: 'admin',
  name,
  role,
  from: '192.0.2.7',
  via,
});
