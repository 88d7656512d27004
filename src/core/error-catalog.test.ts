import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_ERRORS, ALL_WARNINGS, ERROR_SECTIONS, PLATFORM_ERROR_CODES } from './error-catalog.ts';
import { renderErrorsDoc } from '../../scripts/errors-doc.ts';

const root = new URL('../../', import.meta.url).pathname;

/** Node.js / OpenSSL / undici codes s2s compares against (documented in docs/errors.md, not s2s codes). */
const PLATFORM_CODES = new Set(Object.keys(PLATFORM_ERROR_CODES));

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

test('docs/errors.md is generated from the catalogs and up to date (run `npm run docs:errors`)', () => {
  assert.equal(readFileSync(join(root, 'docs/errors.md'), 'utf8'), renderErrorsDoc());
});

test('every ERR_/WARN_ code used in src/ is declared in a catalog', () => {
  const used = new Set<string>();
  for (const file of sources(join(root, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`]((?:UND_)?(?:ERR|WARN)_[A-Z0-9_]{3,})['"`]/g))
      used.add(m[1]!);
  }
  const missing = [...used].filter(
    (c) => !(c in ALL_ERRORS) && !(c in ALL_WARNINGS) && !PLATFORM_CODES.has(c),
  );
  assert.deepEqual(missing, []);
});

test('codes are unique across catalogs and well-formed', () => {
  const all = ERROR_SECTIONS.flatMap((s) => [...Object.keys(s.errors), ...Object.keys(s.warnings)]);
  assert.equal(new Set(all).size, all.length, 'a code is declared in two catalogs');
  for (const code of Object.keys(ALL_ERRORS)) assert.match(code, /^ERR_[A-Z0-9_]+$/);
  for (const code of Object.keys(ALL_WARNINGS)) assert.match(code, /^WARN_[A-Z0-9_]+$/);
});
