/**
 * The Node.js version package.json promises (`engines`) is one every runtime dependency accepts: a package
 * that needs a newer Node (cookie 2 needs 22) is pinned back through `overrides` (docs/decisions.md).
 * Read from package-lock.json, which is exactly what `npm ci` installs on a fresh clone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// semver (a dev dependency) loaded untyped: its declarations are not needed for two calls.
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

interface LockEntry {
  readonly version?: string;
  readonly dev?: boolean;
  readonly engines?: { readonly node?: string } | readonly string[];
}

test("every runtime dependency in package-lock.json accepts the lowest Node.js version of package.json's engines", () => {
  const ours = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } })
    .engines.node;
  const lowest = semver.minVersion(ours)!.version;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const runtime = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && entry.dev !== true);
  assert.ok(runtime.length > 20, `${runtime.length} runtime packages in the lockfile`);
  const refusing = runtime.flatMap(([path, entry]) => {
    const range = Array.isArray(entry.engines)
      ? undefined
      : (entry.engines as { node?: string } | undefined)?.node;
    return range && !semver.satisfies(lowest, range) ? [`${path}@${entry.version} needs node ${range}`] : [];
  });
  assert.deepEqual(refusing, [], `engines says ${ours}`);
});
