/**
 * "What was met, what was not, and why" for BENCHMARKS.md, computed from the run's own numbers and its
 * own profiles: each miss is explained by where its time went (bench/profile.ts), never by a guess.
 */
import type { HttpResults } from './http-bench.ts';
import type { ProfileSummary } from './profile.ts';
import { threadNote } from './profile.ts';
import type { BenchRow } from './report.ts';
import { meets } from './report.ts';

/** Which profile explains which rows (row name prefix → profile title prefix). */
const PROFILE_OF: ReadonlyArray<readonly [string, string]> = [
  ['token validation, cold (every token new), app-only', 'Cold validation, app-only'],
  ['token validation, cold (every token new), act-as', 'Cold validation, act-as'],
  ['token issuance, cold', 'Cold issuance'],
  ['authenticated hello', 'Authenticated hello'],
  ['authenticated storage GET', 'Authenticated storage GET'],
  ['`s2s --help`', '`s2s --help`'],
  ['`s2s server start`', '`s2s server start`'],
];

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

/** Markdown paragraphs: one per row with a target. */
export function verdictNotes(
  rows: readonly BenchRow[],
  http: HttpResults | null,
  profiles: readonly ProfileSummary[],
): string[] {
  const out = ['## What was met, what was not, and why', ''];
  for (const row of rows) {
    const met = meets(row);
    if (met === null) continue;
    const unit = row.unit ?? 'µs CPU per operation';
    const cmp = row.atMost ? (met ? '≤' : '>') : met ? '≥' : '<';
    const head = `- **${row.name}** — ${met ? 'met' : '**not met**'} (${row.ratio.toFixed(2)}× ${cmp} ${row.target}×): ${num(row.value)} vs ${num(row.baseline)} ${unit}${row.spread ? `, rounds ${row.spread[0].toFixed(2)}–${row.spread[1].toFixed(2)}` : ''}.`;
    if (met) {
      out.push(head);
      continue;
    }
    const title = PROFILE_OF.find(([prefix]) => row.name.startsWith(prefix))?.[1];
    const profile = title ? profiles.find((p) => p.title.startsWith(title)) : undefined;
    if (!profile) {
      out.push(`${head} ${noProfileReason(row, http)}`);
      continue;
    }
    const parts = profile.parts
      .slice(0, 5)
      .map((p) => `${p.name} ${pct(p.share)}`)
      .join(', ');
    const fns = profile.functions
      .slice(0, 5)
      .map((f) => `\`${f.name.split(' — ')[0]}\` ${pct(f.share)}`)
      .join(', ');
    out.push(
      `${head} Where the time goes (profile "${profile.title}" below): by part ${parts}; the top functions ${fns}.${threadNote(profile)}`,
    );
  }
  return out;
}

function noProfileReason(row: BenchRow, http: HttpResults | null): string {
  if (row.name.startsWith('`s2s server start --workers 2`') && http) {
    const c2 = Object.values(http.cases).find((c) => c.server === 'workers2');
    const load = c2 ? `${(100 * c2.loadShare).toFixed(0)}% of a core` : 'part of a core';
    return `No profile: per request a worker runs the same code as the one-process server (profiled above), and the primary hands each connection over once; what differs is the machine — the two workers share both cores with the load generator (${load}), so the comparison with one worker on a core of its own is the generator's cost as much as s2s's.`;
  }
  if (row.name.startsWith('peak RSS'))
    return 'No CPU profile for memory: the s2s process holds the code of fastify, pino, the X.509 and ASN.1 libraries, the SQLite driver and its page cache, and the validated-token and issuer caches, which a plain node:https server does not.';
  if (row.name.startsWith('token issuance, cached'))
    return 'A cached token is a map lookup plus the clock and the head-version check; see the cold-issuance profile for the shared path.';
  return 'No profile was taken for this row.';
}

function num(x: number): string {
  return x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US');
}
