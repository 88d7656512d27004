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

/** The packages (and s2s source folders) in the outputs `cli.js` loads before any command runs. */
function loadedAtStart(dir: string): Set<string> {
  const { id } = JSON.parse(readFileSync(join(dir, 'dist', 'current.json'), 'utf8')) as { id: string };
  const meta = JSON.parse(readFileSync(join(dir, 'dist', id, 'meta.json'), 'utf8')) as {
    outputs: Record<
      string,
      { inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }
    >;
  };
  const entry = Object.keys(meta.outputs).find((o) => o.endsWith('/cli.js'))!;
  const seen = new Set<string>();
  const names = new Set<string>();
  for (const queue = [entry]; queue.length > 0;) {
    const output = queue.pop()!;
    if (seen.has(output)) continue;
    seen.add(output);
    for (const input of Object.keys(meta.outputs[output]!.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      names.add(pkg ? pkg[1]! : input.replace(/^src\/([^/]+\/[^/]+)\/.*$/, 'src/$1'));
    }
    // Static imports run at start-up; dynamic imports only when a command asks for them.
    for (const i of meta.outputs[output]!.imports) {
      if (i.kind === 'dynamic-import') continue;
      if (i.external) names.add(i.path);
      else queue.push(i.path);
    }
  }
  return names;
}

const HEAVY = [
  'better-sqlite3',
  'pg',
  'fastify',
  'pino',
  '@peculiar/x509',
  'node-forge',
  'acme-client',
  'undici',
  'src/store/sqlite',
  'src/store/postgres',
];

test('a current build runs as compiled JavaScript; `s2s --help` loads no driver, HTTP framework or X.509 library', (t) => {
  const dir = tree(t);
  build(dir);
  const help = s2s(dir, ['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: s2s/m);
  assert.ok(!help.loaded.includes(TSX), `compiled build used, not tsx: ${help.loaded.join(' ')}`);
  // Packages left in node_modules show in the CommonJS cache of the process; bundled ones in the build's
  // metafile, as inputs of the outputs cli.js imports statically.
  const atStart = loadedAtStart(dir);
  assert.ok(atStart.has('commander'), [...atStart].join(' '));
  for (const heavy of HEAVY) {
    assert.ok(!help.loaded.includes(heavy), `--help loaded ${heavy}: ${help.loaded.join(' ')}`);
    assert.ok(!atStart.has(heavy), `cli.js loads ${heavy} at start-up: ${[...atStart].join(' ')}`);
  }
  const version = s2s(dir, ['--version']);
  assert.equal(
    version.stdout.trim(),
    (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
  );
  // A command that opens the store does load the driver (the check above can fail).
  const get = s2s(dir, ['certificate', 'list'], { S2S_HOME: join(dir, 'home') });
  assert.ok(get.loaded.includes('better-sqlite3'), get.loaded.join(' '));
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
