/**
 * The Node.js version package.json promises (`engines`) is one every runtime dependency accepts: a package
 * that needs a newer Node (cookie 2 needs 22) is pinned back through `overrides` (docs/decisions.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test("every runtime dependency accepts the lowest Node.js version of package.json's engines", () => {
  const ours = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } })
    .engines.node;
  const lowest = semver.minVersion(ours)!.version;
  const dirs = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((d) => d.includes('node_modules'));
  assert.ok(dirs.length > 20, `npm ls listed ${dirs.length} packages`);
  const refusing = dirs.flatMap((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      engines?: { node?: string };
    };
    const range = pkg.engines?.node;
    return range && !semver.satisfies(lowest, range)
      ? [`${pkg.name}@${pkg.version} needs node ${range}`]
      : [];
  });
  assert.deepEqual(refusing, [], `engines says ${ours}`);
});
