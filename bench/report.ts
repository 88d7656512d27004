/** The benchmark's table and BENCHMARKS.md (machine, Node version, command, numbers). */
import { cpus, totalmem, type as osType, release } from 'node:os';

/** One measured line next to its baseline. */
export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly baselineName: string;
  readonly baseline: number;
  /** The ratio to reach (value / baseline), or null when there is none. */
  readonly target: number | null;
}

/** Renders the console table and the Markdown report. */
export function writeReport(
  rows: readonly BenchRow[],
  command: string,
  seconds: number,
): { table: string; markdown: string } {
  const lines = rows.map((r) => {
    const ratio = r.value / r.baseline;
    const verdict =
      r.target === null ? '—' : ratio >= r.target ? `≥ ${r.target}× met` : `≥ ${r.target}× NOT met`;
    return [r.name, fmt(r.value), r.baselineName, fmt(r.baseline), `${ratio.toFixed(2)}×`, verdict];
  });
  const header = ['Measurement', 'ops/s', 'Baseline', 'ops/s', 'Ratio', 'Target'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const table = [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
  const cpu = cpus();
  const markdown = [
    '# Benchmarks',
    '',
    `Measured by \`${command}\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}, in ${seconds} s. A benchmark, not a test: CI does not fail on speed.`,
    '',
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${osType()} ${release()}`,
    `- Node.js ${process.version}`,
    '- Tokens: RS256 with a 2048-bit key; validation = the full S2S act-as validation (strict parsing, issuer, audience, lifetime, signature) of a token never seen before.',
    "- HTTP: HTTPS over loopback, keep-alive, 32 connections, load generator in a separate process (bench/load.ts), 5 s per case; the cluster cases share the machine's cores with the load generator.",
    '',
    '| Measurement | ops/s | Baseline | ops/s | Ratio | Target |',
    '|---|---:|---|---:|---:|---|',
    ...lines.map((l) => `| ${l.join(' | ')} |`),
    '',
  ].join('\n');
  return { table, markdown };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
