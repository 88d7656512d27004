/** The benchmark's console table and BENCHMARKS.md (machine, Node version, command, numbers, verdicts). */
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { HTTP } from './http-bench.ts';
import type { HttpResults } from './http-bench.ts';
import type { ProfileSummary } from './profile.ts';
import { profileMarkdown } from './profile.ts';
import { STARTUP } from './startup-bench.ts';

const HTTP_ROUNDS = `${HTTP.rounds} interleaved rounds of ${HTTP.seconds} s per case after a ${HTTP.warmupSeconds}-s warm-up per server, keep-alive, ${HTTP.connections.join(' and ')} connections`;

/** One measured line next to its baseline. */
export interface BenchRow {
  readonly name: string;
  /** The measured figure, in `unit`. */
  readonly value: number;
  readonly baselineName: string;
  readonly baseline: number;
  /** What value and baseline count: CPU µs per operation (default), ms of wall-clock time, MB, … */
  readonly unit?: string;
  /** The ratio (better side / worse side as the target reads), the median of per-round ratios. */
  readonly ratio: number;
  /** Smallest and largest per-round ratio (how much the shared machine moved the numbers). */
  readonly spread?: readonly [number, number];
  /** Wall-clock figures shown beside the CPU ones (HTTP: req/s of both sides and their ratio). */
  readonly wall?: string;
  /** The ratio to reach, or null when there is none. */
  readonly target: number | null;
  /** The target is a ceiling (start-up time, memory), not a floor. */
  readonly atMost?: boolean;
}

/** What the report is made of. */
export interface BenchReport {
  readonly rows: readonly BenchRow[];
  readonly http: HttpResults | null;
  readonly replication: { medianMs: number; p99Ms: number; samples: number } | string;
  readonly command: string;
  readonly seconds: number;
  /** 1-minute load average when the run started (other processes on the machine). */
  readonly loadAtStart: number;
  readonly notes: readonly string[];
  readonly profiles: readonly ProfileSummary[];
}

/** Whether a row meets its target (null: it has none). */
export function meets(r: BenchRow): boolean | null {
  if (r.target === null) return null;
  return r.atMost ? r.ratio <= r.target : r.ratio >= r.target;
}

function verdictCell(r: BenchRow): string {
  const met = meets(r);
  if (met === null) return '—';
  return `${r.atMost ? '≤' : '≥'} ${r.target}× ${met ? 'met' : 'NOT met'}`;
}

function valueCell(x: number, unit: string | undefined): string {
  if (unit === undefined) return `${x < 10 ? x.toFixed(1) : fmt(x)} µs`;
  return `${x < 10 ? x.toFixed(1) : fmt(x)} ${unit}`;
}

/** Renders the console table and the Markdown report. */
export function renderReport(report: BenchReport): { table: string; markdown: string } {
  const lines = report.rows.map((r) => {
    const spread = r.spread ? `${r.spread[0].toFixed(2)}–${r.spread[1].toFixed(2)}` : '—';
    return [
      r.name,
      valueCell(r.value, r.unit),
      r.baselineName,
      valueCell(r.baseline, r.unit),
      `${r.ratio.toFixed(2)}×`,
      spread,
      r.wall ?? '—',
      verdictCell(r),
    ];
  });
  const header = ['Measurement', 'Value', 'Baseline', 'Value', 'Ratio', 'Rounds', 'Wall clock', 'Target'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const extra = [...httpLines(report.http), replicationLine(report.replication)];
  const table = [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row), '', ...extra].join(
    '\n',
  );
  const cpu = cpus();
  const markdown = [
    '# Benchmarks',
    '',
    `Measured by \`${report.command}\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}, in ${report.seconds} s. A benchmark, not a test: CI does not fail on speed. This file is written by the run, every section of it.`,
    '',
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${osType()} ${release()}; 1-minute load average at the start: ${report.loadAtStart.toFixed(2)}.`,
    `- Node.js ${process.version}`,
    '',
    'Values are **CPU time per operation** (µs, user + system of every process of the side measured: the figure other load on a shared machine disturbs least), except where a unit says otherwise: start-up rows are wall-clock milliseconds from spawn to exit (or to the first `/readyz` 200), the memory row is megabytes. The ratio puts s2s against its baseline the way the target reads (for CPU rows: baseline CPU per operation / s2s CPU per operation, i.e. throughput per CPU-second relative to the baseline); it is the median of the per-round ratios of interleaved rounds, and "Rounds" is the smallest and largest of them. "Wall clock" gives the requests per second of both sides and their ratio, for reading beside the CPU figures.',
    '',
    '| Measurement | Value | Baseline | Value | Ratio | Rounds | Wall clock | Target |',
    '|---|---:|---|---:|---:|---:|---|---|',
    ...lines.map((l) => `| ${l.join(' | ')} |`),
    '',
    ...(report.http ? httpMarkdown(report.http) : []),
    '## Start-up',
    '',
    `${STARTUP.rounds} interleaved rounds after one warm-up round: \`node -e 0\`, \`s2s --help\`, \`s2s certificate get\` and \`s2s server start\` (an initialized SQLite home, log level warn) until the first \`/readyz\` 200 (polled every ${STARTUP.readyPollMs} ms), each through \`bin/s2s.mjs\` from the compiled build (docs/architecture.md "Runtime"; the run builds first).`,
    '',
    '## Replication latency (three-node pool)',
    '',
    typeof report.replication === 'string'
      ? `Not measured: ${report.replication}.`
      : `From a committed write on the central PostgreSQL store until each of three nodes serves it: median **${report.replication.medianMs} ms**, p99 **${report.replication.p99Ms} ms** (${report.replication.samples} samples = writes × 3 nodes; bench/replication-latency.ts). In-process nodes with a forced \`sync()\` after each write: this measures a pull, not propagation; \`npm run bench:pool\` (bench/pool.ts) measures propagation across real server processes.`,
    '',
    ...report.notes,
    '',
    ...profileMarkdown(report.profiles),
  ].join('\n');
  return { table, markdown };
}

const LABEL: Record<string, string> = {
  plain: 'plain node:https (CPU 0)',
  s2s: 's2s server, one process (CPU 0)',
  s2sInfo: 's2s server, one process, log level info (CPU 0)',
  workers1: '`s2s server start --workers 1` (CPU 0)',
  workers2: '`s2s server start --workers 2` (both CPUs)',
};

function httpLines(http: HttpResults | null): string[] {
  if (!http) return [];
  return Object.entries(http.cases).map(
    ([name, c]) =>
      `${name.padEnd(20)} ${fmt(c.rps).padStart(7)} req/s  ${c.cpuPerRequestUs.toFixed(0).padStart(4)} µs CPU/request  server ${c.serverCores.toFixed(2)} cores  load generator ${(100 * c.loadShare).toFixed(0)}% of a core  processes ${c.split.map((s) => `${(100 * s).toFixed(0)}%`).join('/')}${c.errors ? `  ${c.errors} errors` : ''}`,
  );
}

function httpMarkdown(http: HttpResults): string[] {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
  return [
    '## HTTP details',
    '',
    `Load: \`${http.tool === 'wrk' ? 'wrk -t1' : 'node bench/load.ts'}\` (Debian: \`apt-get install -y wrk\`; without it the bench falls back to bench/load.ts, Node + undici, which needs several times more CPU per request), ${HTTP_NOTE(http)}; ${HTTP_ROUNDS}. Every server answered the item request with status 200 and the same ${http.bodyBytes}-byte JSON body, and the hello request (the bench's own route: not the \`--workers\` servers) with the same hello body, before timing. s2s log level: \`${http.logLevel}\` (S2S_BENCH_LOG_LEVEL; the \`--workers\` servers too), except the \`info\` server — the server's default, one access line per request; log lines go to /dev/null. The hello route (bench/s2s-server.ts) is s2s's authentication preHandler and a fixed answer: its cost over the plain server is authentication alone.`,
    '',
    '| Server | Request | Connections | req/s (median) | server CPU per request | server CPU (cores) | load generator CPU | CPU split across processes |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...Object.values(http.cases).map(
      (c) =>
        `| ${LABEL[c.server] ?? c.server} | ${c.target} | ${c.connections} | ${fmt(c.rps)} | ${c.cpuPerRequestUs.toFixed(0)} µs | ${c.serverCores.toFixed(2)} | ${(100 * c.loadShare).toFixed(0)}% of a core | ${c.split.map((s) => `${(100 * s).toFixed(0)}%`).join(' / ')}${c.errors ? ` (${c.errors} errors)` : ''} |`,
    ),
    '',
    `Peak RSS (VmHWM) after all rounds, the largest process of each server: ${Object.entries(http.peakRss)
      .map(([name, b]) => `${LABEL[name] ?? name} ${mb(b)}`)
      .join('; ')}.`,
    '',
  ];
}

function HTTP_NOTE(http: HttpResults): string {
  return http.pinned
    ? 'pinned with taskset to CPU 1 for the one-core cases (the server alone on CPU 0), unpinned for the two-worker case (the generator then shares the cores it measures)'
    : 'not pinned (taskset missing)';
}

function replicationLine(r: BenchReport['replication']): string {
  return typeof r === 'string'
    ? `replication latency: not measured (${r})`
    : `replication latency (3 nodes): median ${r.medianMs} ms, p99 ${r.p99Ms} ms (${r.samples} samples)`;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** The 1-minute load average (how busy the shared machine was). */
export function currentLoad(): number {
  return loadavg()[0] ?? 0;
}
