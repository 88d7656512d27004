// The library's public surface (docs/library.md): named exports only, and importing the main entry or the
// middleware entry loads no database driver (a deployment loads its store's driver when it opens it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const repoRoot = new URL('../..', import.meta.url).pathname;
const ENTRIES = ['src/index.ts', 'src/adapters/http/index.ts', 'src/adapters/cli/index.ts'];

/** The npm packages whose CommonJS modules are loaded after importing `entry` in a fresh process. */
function packagesLoadedBy(entry: string): string[] {
  const probe = `
    import { createRequire } from 'node:module';
    await import(${JSON.stringify(`${repoRoot}${entry}`)});
    const cache = createRequire(import.meta.url).cache;
    const names = Object.keys(cache).map((p) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(p)?.[1]);
    console.log(JSON.stringify([...new Set(names.filter(Boolean))]));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as string[];
}

test('the entries name their exports: no export *', () => {
  for (const entry of ENTRIES) {
    const text = readFileSync(`${repoRoot}${entry}`, 'utf8');
    assert.doesNotMatch(text, /export \*/, entry);
  }
});

test('importing the library or its middleware loads no database driver', () => {
  for (const entry of ['src/index.ts', 'src/adapters/http/index.ts']) {
    const loaded = packagesLoadedBy(entry);
    // The probe itself must see packages load, or it proves nothing.
    assert.ok(loaded.includes('@peculiar/x509'), `${entry}: ${loaded.join(' ')}`);
    for (const driver of ['pg', 'better-sqlite3'])
      assert.ok(!loaded.includes(driver), `${entry} loads ${driver}`);
  }
});

test('the main entry exposes the deployment and the error family', async () => {
  const lib = (await import('../../src/index.ts')) as Record<string, unknown>;
  for (const name of [
    'openDeployment',
    'resolveNodeConfig',
    'S2sError',
    'PRINCIPAL_IDS',
    'buildMetadataDocument',
  ])
    assert.ok(lib[name] !== undefined, name);
  // Internals stay private: the composition root's store wiring and the service ports.
  for (const name of ['buildDeployment', 'bindServicePorts', 'openStore'])
    assert.equal(lib[name], undefined, name);
});
