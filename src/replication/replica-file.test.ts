/**
 * The replica file's left-over temp files (`<replica>.<pid>.tmp`): a process killed before its rename
 * leaves one, which the next load removes — but not one of a process that still runs, such as another
 * worker of the same server writing the same replica (docs/server.md "Workers").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from '../core/index.ts';
import { ReplicaFile } from './replica-file.ts';

test('loading removes the temp files of ended processes and keeps those of running ones', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-replica-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'replica.sealed.json');
  const file = new ReplicaFile(path, new SecretBox(randomBytes(32)));
  const ended = spawnSync(process.execPath, ['-e', '0']).pid;
  const temp = (pid: number | string) => `${path}.${pid}.tmp`;
  await file.save({ node: 'fe01', storeLocation: 'pg', version: 3, savedAt: 'now', documents: [] });
  for (const pid of [ended, process.pid, process.ppid, 'x']) writeFileSync(temp(pid), 'partial');
  assert.equal((await file.load())?.version, 3);
  assert.equal(existsSync(temp(ended)), false, 'a crashed writer’s temp file is removed');
  assert.equal(existsSync(temp(process.pid)), false, 'this process’s own earlier temp file is removed');
  assert.equal(existsSync(temp('x')), false, 'a temp file without a pid is removed');
  assert.equal(existsSync(temp(process.ppid)), true, 'a running writer’s temp file is left alone');
});
