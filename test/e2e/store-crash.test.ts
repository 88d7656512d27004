/**
 * Issue 2, Done when: a process killed in the middle of a write leaves the store as it was before or
 * after, never half-written. A child process writes a multi-document batch (an import + set: new
 * certificate, re-assignment, old certificate deleted) and SIGKILLs itself at a failpoint
 * (src/store/failpoint.ts); the parent then checks all-or-nothing and that the store stays writable.
 */
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/main/open-store.ts';
import type { DocumentStore } from '../../src/store/index.ts';
import { freshPostgresUrl } from '../fixtures/postgres.ts';

const root = new URL('../../', import.meta.url).pathname;

/** The child: opens the store and writes one batch replacing the OAuthTokenIssuer certificate. */
const CHILD = `
import { openStore } from ${JSON.stringify(join(root, 'src/main/open-store.ts'))};
const store = await openStore(process.argv[2]);
const assignment = await store.get('assignment', 'global/OAuthTokenIssuer');
await store.write([
  { op: 'put', kind: 'certificate', key: 'BB', body: { thumbprint: 'BB', pem: 'x'.repeat(50000) }, expect: 'absent' },
  { op: 'put', kind: 'assignment', key: 'global/OAuthTokenIssuer', body: { current: 'BB', previous: 'AA' }, expect: assignment.version },
  { op: 'delete', kind: 'certificate', key: 'AA', expect: 'any' },
  { op: 'put', kind: 'counter', key: 'imports', body: { n: 2 }, expect: 'any' },
], { actor: 'test:crash-child' });
await store.close();
console.log('committed');
`;

type Failpoint = 'store.write.before-commit' | 'store.write.after-commit' | 'none';

function runChild(
  script: string,
  location: string,
  failpoint: Failpoint,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, S2S_FAILPOINT: failpoint === 'none' ? '' : failpoint };
  const child = spawn(process.execPath, ['--import', 'tsx', script, location], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, output })));
}

async function seed(store: DocumentStore): Promise<void> {
  await store.write([
    { op: 'put', kind: 'certificate', key: 'AA', body: { thumbprint: 'AA' }, expect: 'absent' },
    {
      op: 'put',
      kind: 'assignment',
      key: 'global/OAuthTokenIssuer',
      body: { current: 'AA' },
      expect: 'absent',
    },
    { op: 'put', kind: 'counter', key: 'imports', body: { n: 1 }, expect: 'absent' },
  ]);
}

/** The visible state: every document's kind, key and body, plus the head version. */
async function state(store: DocumentStore): Promise<{ head: number; docs: string[] }> {
  const snap = await store.snapshot();
  return {
    head: snap.version,
    docs: snap.documents.map((d) => `${d.kind}/${d.key}=${JSON.stringify(d.body).slice(0, 40)}`),
  };
}

async function crashCase(t: TestContext, location: string, failpoint: Failpoint): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 's2s-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'child.mts');
  writeFileSync(script, CHILD);
  const before = await openStore(location);
  await seed(before);
  const initial = await state(before);
  await before.close();

  const result = await runChild(script, location, failpoint);
  if (failpoint === 'none') assert.equal(result.code, 0, result.output);
  else assert.equal(result.signal, 'SIGKILL', `the child should die at ${failpoint}: ${result.output}`);

  const after = await openStore(location);
  t.after(() => after.close());
  const now = await state(after);
  if (failpoint === 'store.write.before-commit') {
    assert.deepEqual(now, initial, 'nothing of the batch is visible');
    assert.deepEqual(await after.changesSince(initial.head), []);
  } else {
    assert.equal(now.head, initial.head + 1);
    assert.deepEqual((await after.get('assignment', 'global/OAuthTokenIssuer'))?.body, {
      current: 'BB',
      previous: 'AA',
    });
    assert.equal(await after.get('certificate', 'AA'), undefined);
    assert.equal((await after.get<{ pem: string }>('certificate', 'BB'))?.body.pem.length, 50000);
    assert.deepEqual(
      (await after.changesSince(initial.head)).map((c) => `${c.op} ${c.kind}/${c.key} ${c.actor}`),
      [
        'put assignment/global/OAuthTokenIssuer test:crash-child',
        'delete certificate/AA test:crash-child',
        'put certificate/BB test:crash-child',
        'put counter/imports test:crash-child',
      ],
    );
  }
  // The store stays writable: no lock or half transaction was left behind.
  const next = await after.write([
    { op: 'put', kind: 'counter', key: 'imports', body: { n: 3 }, expect: 'any' },
  ]);
  assert.equal(next.version, now.head + 1);
}

const FAILPOINTS: Failpoint[] = ['none', 'store.write.before-commit', 'store.write.after-commit'];

describe('a process killed while writing leaves the store before or after the batch: SQLite', () => {
  for (const failpoint of FAILPOINTS) {
    test(`killed at ${failpoint}`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 's2s-crash-db-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      await crashCase(t, join(dir, 's2s.db'), failpoint);
    });
  }
});

describe('a process killed while writing leaves the store before or after the batch: PostgreSQL', () => {
  for (const failpoint of FAILPOINTS) {
    test(`killed at ${failpoint}`, async (t) => {
      const url = await freshPostgresUrl(t);
      if (url !== undefined) await crashCase(t, url, failpoint);
    });
  }
});
