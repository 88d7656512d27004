/**
 * README "Set up": `npm install -g .` (or `npm link`) in the clone puts `s2s` on the PATH, and the
 * command works from any directory, not only inside the clone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('`npm install -g .` gives a working `s2s` outside the clone', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 's2s-global-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const prefix = join(dir, 'prefix');
  execFileSync('npm', ['install', '-g', '.', '--prefix', prefix, '--no-audit', '--no-fund'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  const bin = join(prefix, 'bin', 's2s');
  assert.ok(statSync(bin).isFile());
  const elsewhere = join(dir, 'elsewhere');
  const run = (...argv: string[]) =>
    execFileSync(bin, argv, { cwd: dir, encoding: 'utf8', env: { ...process.env, S2S_HOME: elsewhere } });
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
  assert.equal(run('--version').trim(), version);
  assert.match(run('init', '--realm', 'contoso.com'), /Home\s+: .*elsewhere/);
  assert.ok(statSync(join(elsewhere, 'master.key')).isFile());
});
