#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's built-in test runner (through tsx), each file in its
// own process group under a watchdog, so the suite always ends: a file that outlives its timeout is killed
// and reported, and whatever a file left running (processes, listening sockets, `s2s_t_*` schemas) is
// listed, cleaned up and counted as a failure.
//
// Usage: npm test [-- [options] <path filter>...]     e.g. npm test -- src/store
//   --file-timeout <s>   default per-file timeout (300 s; env S2S_TEST_FILE_TIMEOUT). A file may declare
//                        its own in its first lines: `// test-file-timeout: 900s`; a file that loads the
//                        machine on purpose declares `// test-file-exclusive` and runs alone, last.
//   --concurrency <n>    files run at once (2; env S2S_TEST_CONCURRENCY)
//   --file <path>        run exactly this file (repeatable), also outside the *.test.ts glob
import { discover, fileDirectives } from './test-runner/discover.mjs';
import { runFile, signalGroup } from './test-runner/run-file.mjs';
import { dropLeftoverSchemas } from './test-runner/schemas.mjs';
import { printFile, printSummary } from './test-runner/report.mjs';
import { build } from './build.mjs';

const root = new URL('..', import.meta.url).pathname;

function parseArgs(argv) {
  const options = {
    fileTimeout: Number(process.env.S2S_TEST_FILE_TIMEOUT ?? 300),
    concurrency: Number(process.env.S2S_TEST_CONCURRENCY ?? 2),
    files: [],
    filters: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    if (arg === '--file-timeout') options.fileTimeout = Number(value());
    else if (arg === '--concurrency') options.concurrency = Number(value());
    else if (arg === '--file') options.files.push(value());
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else options.filters.push(arg);
  }
  if (!(options.fileTimeout > 0)) usage('--file-timeout must be a positive number of seconds');
  if (!(options.concurrency >= 1)) usage('--concurrency must be at least 1');
  return options;
}

function usage(message) {
  console.error(
    `run-tests: ${message}\nusage: npm test -- [--file-timeout s] [--concurrency n] [--file path]... [filter]...`,
  );
  process.exit(2);
}

const options = parseArgs(process.argv.slice(2));
const files = options.files.length > 0 ? options.files : discover(root, options.filters);
if (files.length === 0) usage('no test files matched');

const running = new Set();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    for (const { pid } of running) signalGroup(pid, 'SIGKILL');
    console.error(`\nrun-tests: ${signal}: killed ${running.size} running test file(s)`);
    process.exit(130);
  });
}
// A line every minute for files still running, so a slow or stuck file is visible before its timeout.
const ticker = setInterval(() => {
  for (const { file, started } of running) {
    const seconds = Math.round(Number(process.hrtime.bigint() - started) / 1e9);
    if (seconds >= 60) console.log(`… still running: ${file} (${seconds} s)`);
  }
}, 60_000);
ticker.unref();

// The tests run `bin/s2s.mjs` as a subprocess in many places: compile first, so that they exercise the
// compiled build of the current sources, as an installed s2s runs (docs/architecture.md "Runtime").
try {
  await build({ quiet: true });
} catch (err) {
  console.error(`run-tests: the build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

const startedAt = Date.now();
const planned = files.map((file) => ({ file, ...fileDirectives(root, file, options.fileTimeout) }));
const results = [];
async function worker(queue) {
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const result = await runFile(root, next.file, next.timeout, running);
    result.timeoutSeconds = next.timeout;
    printFile(result);
    results.push(result);
  }
}
const shared = planned.filter((p) => !p.exclusive);
await Promise.all(Array.from({ length: Math.min(options.concurrency, shared.length) }, () => worker(shared)));
await worker(planned.filter((p) => p.exclusive));
clearInterval(ticker);
const schemas = await dropLeftoverSchemas(results.map((r) => r.token));
const failed = printSummary(results, schemas, Date.now() - startedAt);
process.exit(failed ? 1 : 0);
