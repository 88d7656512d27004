/**
 * The benchmark's server processes run compiled, as `s2s server start` does (docs/architecture.md
 * "Runtime"): each script is bundled with the settings of scripts/build.mjs into one ES module next to
 * the bench's files and run with plain node — no TypeScript loader in the measured process, whose hooks
 * would otherwise cost CPU per request (stack traces) and memory.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ESM_BANNER, EXTERNAL } from '../scripts/build.mjs';

const ROOT = join(import.meta.dirname, '..');
let dir: string | undefined;

/** Bundles `bench/<script>` and returns the path of the `.mjs` to run with node. */
export async function compiled(script: string): Promise<string> {
  // Inside the clone, so that the packages left external resolve from its node_modules.
  if (dir === undefined) {
    mkdirSync(join(ROOT, '.bench-tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.bench-tmp', 'run-'));
  }
  const outfile = join(dir, script.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [join(import.meta.dirname, script)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: [...EXTERNAL],
    banner: ESM_BANNER,
    absWorkingDir: ROOT,
    sourcemap: 'linked', // profiles name the source files (bench/profile.ts)
    // As scripts/build.mjs compiles s2s: whitespace and syntax minified, names kept.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
  return outfile;
}

/** The directory of the compiled scripts (removed by the caller at the end of the run). */
export function compiledDir(): string | undefined {
  return dir;
}
