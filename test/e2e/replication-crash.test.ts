/**
 * A pool node SIGKILLed in the middle of applying a change comes back consistent (issue 6): the child
 * process (this same file, started with S2S_REPLICATION_CHILD) follows a real PostgreSQL store and
 * kills itself at a replica failpoint while applying a two-document batch; the parent then checks the
 * replica file holds the old or the new configuration whole, and that a restarted node catches up.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SecretBox, systemClock } from '../../src/core/index.ts';
import { openReplicatedStore } from '../../src/replication/index.ts';
import { ReplicaFile } from '../../src/replication/replica-file.ts';
import type { ReplicaFailpoint } from '../../src/replication/replica-failpoint.ts';
import { PostgresDocumentStore } from '../../src/store/postgres/postgres-document-store.ts';
import { freshPostgresUrl } from '../fixtures/postgres.ts';

const CHILD = process.env.S2S_REPLICATION_CHILD === '1';

/** Opens a node on `url` with the replica at `file` (heartbeats off: only configuration batches persist). */
async function openNode(url: string, file: string, masterKeyHex: string) {
  return openReplicatedStore({
    central: await PostgresDocumentStore.open(url, { pollIntervalMs: 200 }),
    replicaFile: file,
    secretBox: new SecretBox(Buffer.from(masterKeyHex, 'hex')),
    nodeName: 'fe1.contoso.com',
    clock: systemClock,
    heartbeatMs: 0,
    pollIntervalMs: 100,
  });
}

if (CHILD) {
  // The child: follow the store until the failpoint kills it (or 10 s pass, which the parent reports).
  const node = await openNode(
    process.env.S2S_TEST_URL!,
    process.env.S2S_TEST_REPLICA!,
    process.env.S2S_TEST_KEY!,
  );
  process.stdout.write(`ready ${node.appliedVersion}\n`);
  setTimeout(() => void node.close().then(() => process.exit(3)), 10_000);
} else {
  describe('pool node killed while applying a change', () => {
    for (const point of ['replica.persist.before-rename', 'replica.persist.after-rename'] as const) {
      test(`SIGKILL at ${point}: the replica holds one whole version and the node catches up on restart`, async (t) => {
        const url = await freshPostgresUrl(t);
        if (url === undefined) return;
        await crashScenario(t, url, point);
      });
    }
  });
}

async function crashScenario(
  t: { after: (fn: () => void) => void },
  url: string,
  point: ReplicaFailpoint,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 's2s-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const keyHex = randomBytes(32).toString('hex');
  const file = join(dir, 'replica.sealed.json');
  const admin = await PostgresDocumentStore.open(url);
  try {
    const first = await admin.write(pair(1, 'absent'));
    // The node's first replica, written cleanly.
    await (await openNode(url, file, keyHex)).close();
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: {
        ...process.env,
        S2S_REPLICATION_CHILD: '1',
        S2S_FAILPOINT: point,
        S2S_TEST_URL: url,
        S2S_TEST_REPLICA: file,
        S2S_TEST_KEY: keyHex,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => child.kill('SIGKILL'));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ?? code)),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.on('exit', () => reject(new Error('child exited before it was ready')));
    });
    const second = await admin.write(pair(2, first.version));
    assert.equal(await exited, 'SIGKILL', 'the child died at the failpoint');

    const onDisk = await new ReplicaFile(file, new SecretBox(Buffer.from(keyHex, 'hex'))).load();
    const expected = point === 'replica.persist.before-rename' ? first.version : second.version;
    assert.equal(onDisk?.version, expected);
    const bodies = onDisk.documents
      .filter((d) => d.kind === 'partner')
      .map((d) => JSON.parse(d.text) as number);
    assert.deepEqual(
      bodies,
      [expected === first.version ? 1 : 2, expected === first.version ? 1 : 2],
      'both documents of one batch',
    );

    const restarted = await openNode(url, file, keyHex);
    try {
      assert.equal(restarted.appliedVersion, second.version, 'caught up on restart');
      assert.equal((await restarted.get('partner', 'b'))?.body, 2);
      assert.deepEqual(readdirSync(dir), ['replica.sealed.json'], 'no temp file left behind');
    } finally {
      await restarted.close();
    }
  } finally {
    await admin.close();
  }
}

/** One batch writing the same value to two documents (a torn apply would show them different). */
function pair(value: number, expect: 'absent' | number) {
  return (['a', 'b'] as const).map((key) => ({
    op: 'put' as const,
    kind: 'partner' as const,
    key,
    body: value,
    expect: expect === 'absent' ? ('absent' as const) : ('any' as const),
  }));
}
