#!/usr/bin/env node
// Compiles the TypeScript sources into plain JavaScript for `bin/s2s.mjs` (docs/architecture.md
// "Runtime: compiled JavaScript, tsx in development"). Run by `npm ci` / `npm install` (the `prepare`
// script), by `npm run build` and by the test runner before the tests.
//
// Output: dist/<build id>/cli.js (the CLI and the server, split into chunks so that a command loads only
// what it uses; most npm packages bundled in), meta.json (esbuild's metafile), certificate-file-worker.cjs (the certificate reader's worker, one
// script) and dist/current.json naming the build and the time its sources were read. A build is written
// into its own directory and published by renaming current.json over the old one, so a process that is
// loading an older build (or a second build running at the same time) never sees a half-written one.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
/** Builds kept besides the current one (a running process may still import chunks of a previous one). */
const KEEP_PREVIOUS = 2;
/**
 * npm packages left to node_modules; the others are bundled (one file to read and compile instead of
 * hundreds: module resolution and loading were most of the server's start-up). Left out: native
 * addons, packages that start worker threads or load files by path, and the toolchain.
 */
export const EXTERNAL = [
  'better-sqlite3',
  'pg',
  'pg-native',
  'pino',
  'thread-stream',
  'sonic-boom',
  'esbuild',
  'tsx',
  'node-forge',
];

/** Bundled CommonJS packages call require() for node: built-ins and the external packages. */
export const ESM_BANNER = {
  js: "import { createRequire as __s2sCreateRequire } from 'node:module';\nconst require = __s2sCreateRequire(import.meta.url);",
};

export async function build({ quiet = false } = {}) {
  if (!existsSync(join(root, 'src', 'main', 'cli.ts'))) {
    // `npm ci` in a tree without sources (a container's dependency layer): nothing to build yet.
    if (!quiet) console.error('build: no src/ here, nothing to compile');
    return null;
  }
  // Sources read from now on belong to this build; a margin covers coarse file-system clocks
  // (a file changed in that second makes the build look stale, and bin/s2s.mjs then uses tsx: safe).
  const sourcesAt = Date.now() - 200;
  const id = `${Date.now().toString(36)}-${process.pid}`;
  const out = join(dist, id);
  mkdirSync(out, { recursive: true });
  const { build: esbuild } = await import('esbuild');
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    logLevel: 'warning',
    sourcemap: 'linked',
    absWorkingDir: root,
    // Whitespace and syntax minified, names kept (profiles and error names stay readable): the source
    // text V8 keeps for every loaded function is a third smaller — ≈ 10 MB less resident memory for a
    // server and less to parse at start-up (docs/architecture.md "Runtime").
    minifyWhitespace: true,
    minifySyntax: true,
  };
  try {
    const { metafile } = await esbuild({
      ...common,
      metafile: true,
      entryPoints: { cli: 'src/main/cli.ts' },
      outdir: out,
      format: 'esm',
      splitting: true,
      chunkNames: 'chunk-[hash]',
      banner: ESM_BANNER,
    });
    // Which sources and packages each output holds, and what it imports (test/cli/compiled-build.test.ts).
    writeFileSync(join(out, 'meta.json'), JSON.stringify(metafile));
    await esbuild({
      ...common,
      entryPoints: { 'certificate-file-worker': 'src/services/certificates/certificate-file-worker.ts' },
      outdir: out,
      outExtension: { '.js': '.cjs' },
      format: 'cjs',
    });
  } catch (err) {
    rmSync(out, { recursive: true, force: true });
    throw err;
  }
  const tmp = join(dist, `current.json.${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify({ id, sourcesAt }, null, 2)}\n`);
  renameSync(tmp, join(dist, 'current.json'));
  prune(id);
  if (!quiet) console.error(`build: dist/${id}`);
  return { id, dir: out };
}

/** Removes all builds but the current one and the newest KEEP_PREVIOUS others. */
function prune(current) {
  const builds = readdirSync(dist, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== current)
    .map((e) => ({ name: e.name, at: statSync(join(dist, e.name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of builds.slice(KEEP_PREVIOUS))
    rmSync(join(dist, old.name), { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await build({ quiet: process.argv.includes('--quiet') });
  } catch (err) {
    console.error(`build: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
