/**
 * Backups work below the services, so their commands audit themselves (docs/admin.md "Audit log"): a
 * backup written and a restore (done or refused) are entries under the local operating-system user, and
 * a restore never rewinds the audit log itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, memoryIo } from '../../src/adapters/cli/index.ts';
import { cliEnvironment } from '../../src/main/cli.ts';

test('backup create and restore are audited; the log survives the restore', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-backup-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { S2S_HOME: join(dir, 'home'), S2S_MASTER_KEY: randomBytes(32).toString('hex') };
  const run = async (...argv: string[]) => {
    const mem = memoryIo(env);
    const code = await runCli(argv, cliEnvironment(mem.io));
    return { code, out: mem.out(), err: mem.err() };
  };
  assert.equal((await run('init', '--realm', 'contoso.com')).code, 0);
  const file = join(dir, 'b.json');
  assert.equal((await run('backup', 'create', '--output', file)).code, 0);
  assert.equal((await run('oauth', 'set', '--clock-skew', '120')).code, 0);
  const refused = await run('backup', 'restore', '--input', file);
  assert.notEqual(refused.code, 0);
  assert.equal((await run('backup', 'restore', '--input', file, '--force')).code, 0);
  const listed = await run('audit', 'list', '--json');
  const entries = (
    JSON.parse(listed.out) as {
      entries: Array<{
        operation: string;
        outcome: string;
        actor: { kind: string };
        error?: { code: string };
      }>;
    }
  ).entries;
  assert.deepEqual(
    entries.map((e) => [e.operation, e.outcome, e.error?.code ?? '']),
    [
      ['oauth.initialize', 'success', ''],
      ['backup.create', 'success', ''],
      ['oauth.update', 'success', ''],
      ['backup.restore', 'failed', 'ERR_BACKUP_WOULD_REPLACE'],
      ['backup.restore', 'success', ''],
    ],
  );
  assert.ok(entries.every((e) => e.actor.kind === 'local'));
});
