#!/usr/bin/env node
// Builds the web console (console/src, Preact) into console/dist with esbuild: one hashed JavaScript and one
// hashed CSS file plus index.html, everything served by s2s itself (no CDN; docs/console.md "Build").
// Run by `npm ci` (the `prepare` script) and by `npm run build:console`.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'console', 'dist');
const assets = join(out, 'assets');

rmSync(out, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });
const result = await build({
  entryPoints: [join(root, 'console', 'src', 'main.tsx')],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // Not console/tsconfig.json: it extends the root one, which an image build (deploy/Dockerfile) does not copy.
  tsconfigRaw: { compilerOptions: { jsx: 'react-jsx', jsxImportSource: 'preact' } },
  entryNames: 'app-[hash]',
  outdir: assets,
  metafile: true,
  legalComments: 'none', // the licences are in assets/licenses.txt
  logLevel: 'warning',
});
const files = Object.keys(result.metafile.outputs).map((f) => basename(f));
const js = files.find((f) => f.endsWith('.js'));
const css = files.find((f) => f.endsWith('.css'));
if (!js || !css)
  throw new Error(`console build produced ${files.join(', ')}: a script and a stylesheet were expected`);
writeFileSync(
  join(out, 'index.html'),
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>s2s console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/${css}">
<script type="module" src="/console/assets/${js}"></script>
</head>
<body>
<noscript>The s2s console needs JavaScript. Every operation is also available as an s2s command.</noscript>
<div id="app"></div>
</body>
</html>
`,
);
// The bundled libraries' licences travel with the bundle (MIT requires the notice): /console/assets/licenses.txt.
const require = createRequire(import.meta.url);
const notices = ['preact'].map((name) => {
  const dir = dirname(require.resolve(`${name}/package.json`));
  const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return `${name} ${version} (${license})\n\n${readFileSync(join(dir, 'LICENSE'), 'utf8').trim()}\n`;
});
writeFileSync(join(assets, 'licenses.txt'), notices.join('\n---\n\n'));
const size = readdirSync(assets).length;
process.stdout.write(`console built: console/dist (${size} assets: ${js}, ${css})\n`);
