// Finds the test files to run and the per-file timeout each one declares.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every *.test.ts under src/ and test/ (relative to root), filtered by substrings, sorted. */
export function discover(root, filters) {
  const walk = (dir, out) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, out);
      else if (name.endsWith('.test.ts')) out.push(relative(root, path));
    }
    return out;
  };
  return [...walk(join(root, 'src'), []), ...walk(join(root, 'test'), [])]
    .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
    .sort();
}

const TIMEOUT = /^\s*\/\/\s*test-file-timeout:\s*(\d+)\s*s\b/m;
const EXCLUSIVE = /^\s*\/\/\s*test-file-exclusive\b/m;

/**
 * What a file declares in its first lines:
 *   `// test-file-timeout: 900s` — its own timeout (wins over the default: a heavy file asks for more, the
 *   runner's own test for less);
 *   `// test-file-exclusive` — it loads the machine on purpose, so it runs alone, after every other file.
 */
export function fileDirectives(root, file, fallbackTimeout) {
  const head = readFileSync(join(root, file), 'utf8').slice(0, 4000);
  const timeout = TIMEOUT.exec(head);
  return { timeout: timeout ? Number(timeout[1]) : fallbackTimeout, exclusive: EXCLUSIVE.test(head) };
}
