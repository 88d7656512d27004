/**
 * The certificate reader's worker as one plain-JavaScript script, bundled once per process from
 * certificate-file-worker.ts with esbuild (already the engine of tsx): a worker then starts by compiling
 * ~100 KB of JavaScript instead of loading a TypeScript loader and the code base again, which on a
 * starved machine took longer than a read's old 30 s limit (docs/certificates.md). The compiled build
 * (scripts/build.mjs) ships that script prebuilt beside its chunks; then it is started from the file.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./certificate-file-worker.ts', import.meta.url));
const require = createRequire(import.meta.url);

/** Packages the worker loads from node_modules (plain JavaScript already) rather than bundling. */
const EXTERNAL = ['node-forge'];

let source: Promise<string> | undefined;

/** How a worker is started: from the prebuilt file of the compiled build, or from source text (eval). */
export type CertificateWorkerScript =
  { readonly script: URL; readonly eval: false } | { readonly script: string; readonly eval: true };

/** The prebuilt worker when this module runs from the compiled build, else the bundle built on first use. */
export async function certificateWorkerScript(): Promise<CertificateWorkerScript> {
  const prebuilt = new URL('./certificate-file-worker.cjs', import.meta.url);
  if (existsSync(prebuilt)) return { script: prebuilt, eval: false };
  return { script: await certificateWorkerSource(), eval: true };
}

/** The worker's script (CommonJS, for `new Worker(code, { eval: true })`), built on first use. */
export function certificateWorkerSource(): Promise<string> {
  source ??= build().catch((err: unknown) => {
    source = undefined; // a later read may try again
    throw err;
  });
  return source;
}

async function build(): Promise<string> {
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'absolute-externals',
        setup(b) {
          // An eval'd worker has no module path to resolve bare names from: point at the files.
          const filter = new RegExp(`^(${EXTERNAL.join('|')})$`);
          b.onResolve({ filter }, (args) => ({ path: require.resolve(args.path), external: true }));
        },
      },
    ],
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('the certificate worker bundle is empty');
  return output.text;
}
