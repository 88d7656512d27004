/** Where the built web console lives: `console/dist` in the installation (docs/console.md "Build"). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installation root: the nearest folder above this module with a package.json (sources or compiled). */
function installationRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export function consoleDirectory(): string {
  return join(installationRoot(), 'console', 'dist');
}
