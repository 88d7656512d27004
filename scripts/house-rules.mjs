#!/usr/bin/env node
// The house rules of docs/architecture.md that eslint cannot see, checked over production files (src/,
// without tests): no import circle (value or type imports), no `as unknown as` cast, and no comment that
// cites an issue number instead of docs/. Prints one line per breach and exits 1; `npm run lint` runs it.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?'(\.{1,2}\/[^']+)'/gm;

/** Production TypeScript files under `root` (tests and test deployments excluded). */
export function productionFiles(root) {
  const out = [];
  (function walk(dir) {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('-test-deployment.ts'))
        out.push(p);
    }
  })(root);
  return out.sort();
}

function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const c of [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (c.endsWith('.ts') && existsSync(c)) return c;
  }
  return null;
}

/** Strongly connected components of more than one file (or a file importing itself). */
export function importCircles(files) {
  const graph = new Map();
  for (const f of files) {
    const deps = new Set();
    for (const m of readFileSync(f, 'utf8').matchAll(IMPORT)) {
      const t = resolveImport(f, m[1]);
      if (t) deps.add(t);
    }
    graph.set(f, [...deps]);
  }
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const circles = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return circles;
}

/** `file:line: text` for each line of production code matching `pattern`. */
export function linesMatching(files, pattern) {
  const hits = [];
  for (const f of files) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (pattern.test(line)) hits.push(`${f}:${i + 1}: ${line.trim()}`);
      });
  }
  return hits;
}

export function houseRuleBreaches(repoRoot) {
  const files = productionFiles(join(repoRoot, 'src'));
  const rel = (p) => relative(repoRoot, p);
  return [
    ...importCircles(files).map((c) => `import circle: ${c.map(rel).join(' → ')}`),
    ...linesMatching(files, /\bas unknown as\b/).map((h) => `cast through unknown: ${rel(h)}`),
    ...linesMatching(files, /(\/\/|\/?\*).*\b[Ii]ssues? #?\d+\b/).map(
      (h) => `comment cites an issue: ${rel(h)}`,
    ),
    ...linesMatching(files, /(?<![\w/])(protocol|product|conventions|dependencies)\.md\b/).map(
      (h) => `cites a document outside the repository (cite docs/): ${rel(h)}`,
    ),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const breaches = houseRuleBreaches(resolve(dirname(new URL(import.meta.url).pathname), '..'));
  for (const b of breaches) console.error(b);
  process.exit(breaches.length > 0 ? 1 : 0);
}
