/**
 * `npm run bench` (docs/server.md "Performance"): token validation (cold, app-only and act-as) vs raw
 * RS256 verify, issuance (cold, cached) vs raw RS256 sign, the authenticated storage GET and the
 * authenticated hello vs a plain node:https server (CPU per request, wall req/s beside, 32 and 50
 * connections), the server on two cores vs one, peak RSS under load, start-up (`s2s --help`, `s2s
 * certificate get`, server start to the first /readyz 200) vs `node -e 0`, the replication latency of a
 * three-node pool, and a CPU profile of every row that misses its target. Prints a table and writes
 * BENCHMARKS.md, all of it; never fails on speed. Bounded: about 6 minutes on 2 cores.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestDeployment } from '../test/e2e/storage-deployment.ts';
import { BENCH_USER, benchItem, startBenchDeployments } from './deployments.ts';
import { build } from '../scripts/build.mjs';
import { compiledDir } from './compile.ts';
import { caseKey, measureHttp, serverCommands } from './http-bench.ts';
import type { CaseSummary, HttpResults, ServerName, Target } from './http-bench.ts';
import { HELLO_PATH } from './hello.ts';
import { median } from './measure.ts';
import { profileCommand, profileServerStart, profileServerUnderLoad } from './process-profile.ts';
import type { ProfileSummary } from './profile.ts';
import { measureReplicationLatency } from './replication-latency.ts';
import { currentLoad, meets, renderReport } from './report.ts';
import type { BenchReport, BenchRow } from './report.ts';
import { startupRows } from './startup-bench.ts';
import { tokenRows } from './token-bench.ts';
import { verdictNotes } from './verdicts.ts';

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = currentLoad();
  log('building (the start-up rows run bin/s2s.mjs from the compiled build) …');
  await build({ quiet: true });
  log('setting up two deployments (skype → exchange) on 127.0.0.1 …');
  const deployments = await startBenchDeployments();
  const { skype, exchange } = deployments;
  try {
    const tokens = await tokenRows(skype, exchange, BENCH_USER, log);
    const { http, itemPath, body } = await httpMeasurements(skype, exchange);
    const startup = await startupRows(log);
    try {
      log('replication latency (PostgreSQL, three nodes) …');
      const replication = await measureReplicationLatency().catch(
        (err: unknown) =>
          `PostgreSQL unavailable (${(err as { code?: string }).code ?? (err as Error).message})`,
      );
      const rows: BenchRow[] = [...tokens.rows, ...httpRows(http), ...startup.rows];
      const profiles: ProfileSummary[] = [];
      const missed = (prefix: string) => rows.some((r) => r.name.startsWith(prefix) && meets(r) === false);
      log('profiles of the misses …');
      if (missed('token validation, cold (every token new), app-only'))
        profiles.push(await tokens.profile('app-only'));
      if (missed('token validation, cold (every token new), act-as'))
        profiles.push(await tokens.profile('act-as'));
      if (missed('token issuance, cold')) profiles.push(await tokens.profile('issuance'));
      const commands = await serverCommands(skype, exchange, body);
      if (missed('authenticated hello'))
        profiles.push(
          await profileServerUnderLoad(
            commands,
            HELLO_PATH,
            'Authenticated hello, s2s server on CPU 0 (50 connections)',
          ),
        );
      if (missed('authenticated storage GET'))
        profiles.push(
          await profileServerUnderLoad(
            commands,
            itemPath,
            'Authenticated storage GET of an item, s2s server on CPU 0 (50 connections)',
          ),
        );
      if (missed('`s2s --help`'))
        profiles.push(await profileCommand(['--help'], startup.home, '`s2s --help`'));
      if (missed('`s2s server start`'))
        profiles.push(
          await profileServerStart(startup.home, '`s2s server start` until the first `/readyz` 200'),
        );
      const report: BenchReport = {
        rows,
        http,
        replication,
        command: 'npm run bench',
        seconds: Math.round((Date.now() - started) / 1000),
        loadAtStart,
        notes: verdictNotes(rows, http, profiles),
        profiles,
      };
      const { table, markdown } = renderReport(report);
      const file = join(import.meta.dirname, '..', 'BENCHMARKS.md');
      writeFileSync(file, markdown + poolSection(file));
      process.stdout.write(`\n${table}\nwrote BENCHMARKS.md\n`);
    } finally {
      startup.close();
    }
  } finally {
    await deployments.close();
    const tmp = compiledDir();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

async function httpMeasurements(skype: TestDeployment, exchange: TestDeployment) {
  const { itemPath, body } = await benchItem(exchange);
  const http = await measureHttp(skype, exchange, itemPath, body, log);
  return { http, itemPath, body };
}

function httpRows(http: HttpResults): BenchRow[] {
  const c = (server: ServerName, target: Target, connections: number) =>
    http.cases[caseKey(server, target, connections)]!;
  const rows: BenchRow[] = [];
  for (const n of [32, 50]) {
    rows.push(
      cpuRow(
        `authenticated hello (authentication alone), s2s on 1 core, ${n} connections`,
        c('s2s', 'hello', n),
        'plain node:https, same answer, same core',
        c('plain', 'hello', n),
        0.85,
      ),
      cpuRow(
        `authenticated storage GET of an item, s2s on 1 core, log level ${http.logLevel}, ${n} connections`,
        c('s2s', 'item', n),
        'plain node:https, same JSON, same core',
        c('plain', 'item', n),
        0.7,
      ),
    );
  }
  for (const n of [32, 50]) {
    rows.push(
      cpuRow(
        `the same GET, log level info (one access line per request), ${n} connections`,
        c('s2sInfo', 'item', n),
        'plain node:https, same JSON, same core',
        c('plain', 'item', n),
        null,
      ),
      cpuRow(
        `\`s2s server start --workers 1\` (one process, the compiled CLI), ${n} connections`,
        c('workers1', 'item', n),
        "the bench's s2s server in one process",
        c('s2s', 'item', n),
        null,
      ),
      {
        ...cpuRow(
          `\`s2s server start --workers 2\` on 2 cores: requests per CPU-second (primary and workers), ${n} connections`,
          c('workers2', 'item', n),
          '`--workers 1` on 1 core',
          c('workers1', 'item', n),
          0.95,
        ),
        wall: `${wallCell(c('workers2', 'item', n), c('workers1', 'item', n))}; server busy ${c('workers2', 'item', n).serverCores.toFixed(2)} cores`,
      },
    );
  }
  const mb = (b: number) => b / 2 ** 20;
  rows.push({
    name: 'peak RSS under load (VmHWM after every round), s2s in one process',
    value: mb(http.peakRss.s2s),
    unit: 'MB',
    baselineName: 'plain node:https under the same load',
    baseline: mb(http.peakRss.plain),
    ratio: http.peakRss.s2s / http.peakRss.plain,
    target: 1.5,
    atMost: true,
  });
  return rows;
}

/** A row by CPU per request: the baseline's over the case's, per round; wall req/s beside. */
function cpuRow(
  name: string,
  a: CaseSummary,
  baselineName: string,
  b: CaseSummary,
  target: number | null,
): BenchRow {
  const ratios = a.cpuRounds.map((x, i) => b.cpuRounds[i]! / x);
  return {
    name,
    value: a.cpuPerRequestUs,
    baselineName,
    baseline: b.cpuPerRequestUs,
    ratio: median(ratios),
    spread: [Math.min(...ratios), Math.max(...ratios)],
    wall: wallCell(a, b),
    target,
  };
}

function wallCell(a: CaseSummary, b: CaseSummary): string {
  const ratios = a.rounds.map((x, i) => x / b.rounds[i]!);
  const f = (x: number) => Math.round(x).toLocaleString('en-US');
  return `${f(a.rps)} vs ${f(b.rps)} req/s (${median(ratios).toFixed(2)}×)`;
}

/**
 * The "Pool" section of the current BENCHMARKS.md, kept as it is: `npm run bench:pool` (bench/pool.ts)
 * measures it, not this run.
 */
function poolSection(file: string): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  const start = text.search(/^## Pool\b/m);
  if (start < 0) return '';
  const rest = text.slice(start + 1);
  const next = rest.search(/^## /m);
  const section = next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
  return `\n${section.trimEnd()}\n`;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

await main();
