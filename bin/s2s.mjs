#!/usr/bin/env node
// The `s2s` command. It runs the compiled JavaScript in dist/ (scripts/build.mjs, run by `npm ci`) when
// that build is current, and the TypeScript sources through tsx otherwise: no build yet, a source changed
// since the build, or S2S_FROM_SOURCE=1 (docs/architecture.md "Runtime: compiled JavaScript, tsx in
// development"). A stale build is never run.
import { readFileSync, readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;

/** The current build's directory when it is newer than every source file, folder and package.json. */
function currentBuild() {
  if (process.env.S2S_FROM_SOURCE === '1') return null;
  let build;
  try {
    build = JSON.parse(readFileSync(`${root}dist/current.json`, 'utf8'));
  } catch {
    return null;
  }
  if (typeof build?.id !== 'string' || typeof build.sourcesAt !== 'number') return null;
  if (statSync(`${root}package.json`).mtimeMs > build.sourcesAt) return null;
  // A folder's mtime changes when a file is added, removed or renamed in it; a file's when it is written.
  const pending = [`${root}src`];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    if (statSync(dir).mtimeMs > build.sourcesAt) return null;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) pending.push(path);
      else if (statSync(path).mtimeMs > build.sourcesAt) return null;
    }
  }
  return `${root}dist/${build.id}`;
}

const dir = currentBuild();
let main;
if (dir) {
  ({ main } = await import(`${dir}/cli.js`));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main/cli.ts'));
}
process.exitCode = await main(process.argv.slice(2));
