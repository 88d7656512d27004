/**
 * The compiled build (docs/architecture.md "Runtime: compiled JavaScript, tsx in development"):
 * `bin/s2s.mjs` runs dist/ when it is current and the sources through tsx when it is stale, and a command
 * loads only what it uses (`s2s --help`: no store driver, no HTTP framework, no X.509 library).
 *
 * The tree is copied to a temporary directory (node_modules linked), so that a source can be touched
 * there without touching the working tree other tests run from.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('../..', import.meta.url).pathname;
/** What a process that runs the sources through tsx loads (and one that runs the build does not). */
const TSX = 'esbuild';
/**
 * Prints the packages a process loaded through the CommonJS loader (every one s2s uses is CommonJS). tsx
 * shows as `esbuild`, which it loads to compile each source (the compiled build loads it for nothing
 * `--help` does).
 */
const PRELOAD = `process.on('exit', () => {
  const names = new Set();
  for (const key of Object.keys(require.cache)) {
    const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(key);
    if (m) names.add(m[1]);
  }
  process.stderr.write('\\nLOADED ' + JSON.stringify([...names]) + '\\n');
});`;

function tree(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 's2s-build-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const part of ['bin', 'src', 'package.json', 'scripts/build.mjs']) {
    cpSync(join(ROOT, part), join(dir, part), { recursive: true, preserveTimestamps: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'loaded.cjs'), PRELOAD);
  // A checkout made a while ago (a build right after a write is taken as stale: scripts/build.mjs).
  for (const entry of readdirSync(join(dir, 'src'), { recursive: true, encoding: 'utf8' }))
    age(join(dir, 'src', entry), -10);
  age(join(dir, 'src'), -10);
  return dir;
}

/** Runs the copy's `s2s ...argv`; returns its output and the packages it loaded. */
function s2s(dir: string, argv: readonly string[], env: Record<string, string> = {}) {
  const r = spawnSync(
    process.execPath,
    ['--require', join(dir, 'loaded.cjs'), join(dir, 'bin', 's2s.mjs'), ...argv],
    {
      encoding: 'utf8',
      env: { ...process.env, S2S_FROM_SOURCE: '', ...env },
    },
  );
  const m = /\nLOADED (\[.*\])\n$/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return { status: r.status, stdout: r.stdout, loaded: JSON.parse(m[1]!) as string[] };
}

function build(dir: string): void {
  const r = spawnSync(process.execPath, [join(dir, 'scripts', 'build.mjs'), '--quiet'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

/** Sets a file's (or folder's) modification time `seconds` from now. */
function age(path: string, seconds: number): void {
  const at = new Date(Date.now() + seconds * 1000);
  utimesSync(path, at, at);
}

test('a current build runs as compiled JavaScript; `s2s --help` loads no driver, HTTP framework or X.509 library', (t) => {
  const dir = tree(t);
  build(dir);
  const help = s2s(dir, ['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: s2s/m);
  assert.ok(!help.loaded.includes(TSX), `compiled build used, not tsx: ${help.loaded.join(' ')}`);
  for (const heavy of [
    'better-sqlite3',
    'pg',
    'fastify',
    'pino',
    '@peculiar/x509',
    'node-forge',
    'acme-client',
    'undici',
  ]) {
    assert.ok(!help.loaded.includes(heavy), `--help loaded ${heavy}: ${help.loaded.join(' ')}`);
  }
  const version = s2s(dir, ['--version']);
  assert.equal(
    version.stdout.trim(),
    (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
  );
});

test('a source changed, added or removed after the build: bin/s2s.mjs runs the sources through tsx', (t) => {
  const dir = tree(t);
  build(dir);
  const file = join(dir, 'src', 'adapters', 'cli', 'run-cli.ts');
  age(file, 5);
  const changed = s2s(dir, ['--help']);
  assert.equal(changed.status, 0);
  assert.ok(changed.loaded.includes(TSX), 'a changed source: tsx');
  assert.match(changed.stdout, /^Usage: s2s/m);

  build(dir);
  age(file, -5);
  age(join(dir, 'src', 'adapters', 'cli'), -5);
  assert.ok(!s2s(dir, ['--help']).loaded.includes(TSX), 'rebuilt: compiled');
  writeFileSync(join(dir, 'src', 'adapters', 'cli', 'new-file.ts'), 'export {};\n');
  age(join(dir, 'src', 'adapters', 'cli'), 5);
  assert.ok(s2s(dir, ['--help']).loaded.includes(TSX), 'a file added: tsx');

  build(dir);
  assert.ok(s2s(dir, ['--help'], { S2S_FROM_SOURCE: '1' }).loaded.includes(TSX), 'S2S_FROM_SOURCE=1: tsx');
});

test('no build at all: the sources through tsx', (t) => {
  const dir = tree(t);
  const r = s2s(dir, ['--help']);
  assert.equal(r.status, 0);
  assert.ok(r.loaded.includes(TSX));
});
