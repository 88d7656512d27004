/** The benchmark's console table and BENCHMARKS.md (machine, Node version, command, numbers, verdicts). */
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { HTTP } from './http-bench.ts';
import type { HttpResults } from './http-bench.ts';

const HTTP_ROUNDS = `${HTTP.rounds} interleaved rounds of ${HTTP.seconds} s per case after a ${HTTP.warmupSeconds}-s warm-up, keep-alive, ${HTTP.connections} connections`;

/** One measured line next to its baseline. */
export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly baselineName: string;
  readonly baseline: number;
  /** value / baseline, or the median of per-round ratios when rounds were interleaved. */
  readonly ratio?: number;
  /** Smallest and largest per-round ratio (how much the shared machine moved the numbers). */
  readonly spread?: readonly [number, number];
  /** The ratio to reach, or null when there is none. */
  readonly target: number | null;
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
}

const ratioOf = (r: BenchRow) => r.ratio ?? r.value / r.baseline;

/** Renders the console table and the Markdown report. */
export function renderReport(report: BenchReport): { table: string; markdown: string } {
  const lines = report.rows.map((r) => {
    const ratio = ratioOf(r);
    const verdict = r.target === null ? '—' : `≥ ${r.target}× ${ratio >= r.target ? 'met' : 'NOT met'}`;
    const spread = r.spread ? `${r.spread[0].toFixed(2)}–${r.spread[1].toFixed(2)}` : '—';
    return [r.name, fmt(r.value), r.baselineName, fmt(r.baseline), `${ratio.toFixed(2)}×`, spread, verdict];
  });
  const header = ['Measurement', 'ops/s', 'Baseline', 'ops/s', 'Ratio', 'Rounds', 'Target'];
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
    `Measured by \`${report.command}\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}, in ${report.seconds} s. A benchmark, not a test: CI does not fail on speed.`,
    '',
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${osType()} ${release()}; 1-minute load average at the start: ${report.loadAtStart.toFixed(2)} (the machine is shared).`,
    `- Node.js ${process.version}`,
    '',
    'Token rows: operations per CPU-second of the bench process (CPU time: the machine is shared); HTTP rows: requests per wall-clock second. Each ratio is the median of the per-round ratios of interleaved rounds; "Rounds" is the smallest and largest per-round ratio.',
    '',
    '| Measurement | ops/s | Baseline | ops/s | Ratio | Rounds | Target |',
    '|---|---:|---|---:|---:|---:|---|',
    ...lines.map((l) => `| ${l.join(' | ')} |`),
    '',
    ...(report.http ? httpMarkdown(report.http) : []),
    '## Replication latency (three-node pool, issue 6)',
    '',
    typeof report.replication === 'string'
      ? `Not measured: ${report.replication}.`
      : `From a committed write on the central PostgreSQL store until each of three nodes serves it: median **${report.replication.medianMs} ms**, p99 **${report.replication.p99Ms} ms** (${report.replication.samples} samples = writes × 3 nodes; bench/replication-latency.ts).`,
    '',
    ...report.notes,
    '',
  ].join('\n');
  return { table, markdown };
}

function httpLines(http: HttpResults | null): string[] {
  if (!http) return [];
  return Object.entries(http.cases).map(
    ([name, c]) =>
      `${name.padEnd(9)} ${fmt(c.rps).padStart(7)} req/s  ${c.cpuPerRequestUs.toFixed(0).padStart(4)} µs CPU/request  load generator ${(100 * c.loadShare).toFixed(0)}% of a core  processes ${c.split.map((s) => `${(100 * s).toFixed(0)}%`).join('/')}${c.errors ? `  ${c.errors} errors` : ''}`,
  );
}

function httpMarkdown(http: HttpResults): string[] {
  const label: Record<string, string> = {
    plain: 'plain node:https (CPU 0)',
    s2s: 's2s server, one process (CPU 0)',
    s2sInfo: 's2s server, one process, log level info (CPU 0)',
    cluster1: 's2s, node:cluster, 1 worker (CPU 0)',
    cluster2: 's2s, node:cluster, 2 workers (both CPUs)',
  };
  return [
    '## HTTP details',
    '',
    `Load: \`${http.tool === 'wrk' ? 'wrk -t1 -c32' : 'node bench/load.ts'}\` (Debian: \`apt-get install -y wrk\`; without it the bench falls back to bench/load.ts, Node + undici, which needs several times more CPU per request), ${HTTP_NOTE(http)}; ${HTTP_ROUNDS}. Every server answered the bench request once with status 200 and the same ${http.bodyBytes}-byte JSON body before timing. s2s log level: \`${http.logLevel}\` (S2S_BENCH_LOG_LEVEL), except the \`info\` row — the server's default, one access line per request; log lines go to /dev/null.`,
    '',
    '| Server | req/s (median) | server CPU per request | load generator CPU | CPU split across processes |',
    '|---|---:|---:|---:|---|',
    ...Object.entries(http.cases).map(
      ([name, c]) =>
        `| ${label[name] ?? name} | ${fmt(c.rps)} | ${c.cpuPerRequestUs.toFixed(0)} µs | ${(100 * c.loadShare).toFixed(0)}% of a core | ${c.split.map((s) => `${(100 * s).toFixed(0)}%`).join(' / ')}${c.errors ? ` (${c.errors} errors)` : ''} |`,
    ),
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
