// The house rules of docs/architecture.md that eslint cannot see: no import circle among production files,
// no `as unknown as`, no comment citing an issue number. The checker is proven on a planted tree first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- a plain ES module script without type declarations
import { houseRuleBreaches } from '../../scripts/house-rules.mjs';

const breachesOf = houseRuleBreaches as (root: string) => string[];
const repoRoot = new URL('../..', import.meta.url).pathname;

test('the checker finds a type-only circle, a cast through unknown and an issue citation', () => {
  const root = mkdtempSync(join(tmpdir(), 's2s-house-'));
  try {
    mkdirSync(join(root, 'src', 'a'), { recursive: true });
    writeFileSync(
      join(root, 'src', 'a', 'one.ts'),
      "import type { Two } from './two.ts';\nexport type One = Two;\n",
    );
    writeFileSync(
      join(root, 'src', 'a', 'two.ts'),
      "import type { One } from './one.ts';\nexport type Two = One | 1;\n",
    );
    writeFileSync(
      join(root, 'src', 'a', 'three.ts'),
      'export const x = 1 as unknown as string; // see issue 12\n',
    );
    writeFileSync(join(root, 'src', 'a', 'three.test.ts'), 'export const y = 1 as unknown as string;\n');
    writeFileSync(
      join(root, 'src', 'a', 'four.ts'),
      '// protocol.md §2.6 step 5\nexport const y = 2; // docs/protocol.md §2.6\n',
    );
    const breaches = breachesOf(root);
    assert.equal(
      breaches.filter((b) => b.startsWith('import circle: src/a/one.ts → src/a/two.ts')).length,
      1,
    );
    assert.equal(breaches.filter((b) => b.startsWith('cast through unknown: src/a/three.ts:1')).length, 1);
    assert.equal(breaches.filter((b) => b.startsWith('comment cites an issue: src/a/three.ts:1')).length, 1);
    assert.equal(
      breaches.filter((b) =>
        b.startsWith('cites a document outside the repository (cite docs/): src/a/four.ts:1'),
      ).length,
      1,
    );
    assert.equal(breaches.length, 4, breaches.join('\n'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the production code keeps the house rules', () => {
  assert.deepEqual(breachesOf(repoRoot), []);
});
