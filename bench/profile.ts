/**
 * Per-miss profiles for BENCHMARKS.md: a V8 CPU profile (`.cpuprofile`, from `node --cpu-prof` or
 * node:inspector) summarized as the functions with the most self time and the share of each part of the
 * code (s2s's own files, each npm package, Node's internals, native code and garbage collection), so
 * that a missed target is explained by measurement, not by a guess.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The parts of a .cpuprofile this summary reads. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly children?: readonly number[];
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
      readonly columnNumber: number;
    };
  }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly name: string;
  /** Share of all sampled time, 0–1. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly title: string;
  readonly sampledMs: number;
  /** Functions by self time, largest first. */
  readonly functions: readonly ProfileLine[];
  /** Parts of the code by self time, largest first. */
  readonly parts: readonly ProfileLine[];
  /**
   * In-process rows: the CPU the whole process used during the profiled run and the share of it on the
   * main thread — the only thread the profile samples; the rest is V8's helper threads (concurrent and
   * parallel garbage collection, optimizing compilation) and the profiler's own sampling thread, which
   * `process.cpuUsage()` counts.
   */
  readonly threads?: { readonly processMs: number; readonly mainShare: number };
}

/** Where a frame's code comes from: an s2s source file, an npm package, node's internals, or V8. */
function partOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(idle)' || functionName === '(program)') return functionName;
    return 'native (V8 built-ins, TLS, system calls)';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm ${pkg[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  const src = /\/(src\/[^?#]+)/.exec(url);
  if (src) return src[1]!;
  const dist = /\/dist\/[^/]+\/([^/?#]+)/.exec(url);
  if (dist) return `s2s (compiled ${dist[1]})`;
  const bench = /\/(bench\/[^?#]+)/.exec(url);
  if (bench) return bench[1]!;
  return url.replace(/^file:\/\//, '');
}

function shortUrl(url: string): string {
  const m = /(?:node_modules\/|\/)((?:@[^/]+\/)?[^/]+\/[^/]+)$/.exec(url);
  return url.startsWith('node:') ? url : (m?.[1] ?? url);
}

const maps = new Map<string, SourceMap | null>();

/** The source map beside a bundled file (`<file>.map`, esbuild's `linked`), if any. */
function sourceMapOf(url: string): SourceMap | null {
  if (!url.startsWith('file://')) return null;
  let map = maps.get(url);
  if (map !== undefined) return map;
  map = null;
  try {
    const path = fileURLToPath(url);
    if (existsSync(`${path}.map`))
      map = new SourceMap(
        JSON.parse(readFileSync(`${path}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0],
      );
  } catch {
    map = null;
  }
  maps.set(url, map);
  return map;
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

/** A frame as written in the sources: bundled code (the compiled build, the bench's servers) mapped back. */
function original(frame: Frame): Frame {
  const map = sourceMapOf(frame.url);
  if (!map) return frame;
  const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as {
    originalSource?: string;
    originalLine?: number;
  };
  if (entry.originalSource === undefined) return frame;
  return { ...frame, url: entry.originalSource, lineNumber: entry.originalLine ?? frame.lineNumber };
}

/**
 * Self time per function and per part; idle time is left out of the shares, and so is the profiler's own
 * work (node:inspector serializing the profile when it stops).
 */
export function summarizeProfile(title: string, profile: CpuProfile, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, original(n.callFrame)]));
  const inspector = new Set<number>();
  const childrenOf = new Map(profile.nodes.map((n) => [n.id, n.children ?? []]));
  const mark = (id: number): void => {
    inspector.add(id);
    for (const c of childrenOf.get(id) ?? []) mark(c);
  };
  for (const n of profile.nodes) if (n.callFrame.url.startsWith('node:inspector')) mark(n.id);
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  // Native frames have no file: name the JavaScript function that called them (`run ← verify`).
  const caller = (id: number): string => {
    for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) {
      const f = byId.get(p);
      if (f?.url) return ` ← ${f.functionName || '(anonymous)'} — ${shortUrl(f.url)}:${f.lineNumber + 1}`;
    }
    return '';
  };
  const fn = new Map<string, number>();
  const part = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = byId.get(profile.samples[i]!);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)' || inspector.has(profile.samples[i]!)) continue;
    total += dt;
    const id = profile.samples[i]!;
    const where = frame.url ? ` — ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : caller(id);
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    fn.set(name, (fn.get(name) ?? 0) + dt);
    const p = partOf(frame.url, frame.functionName);
    part.set(p, (part.get(p) ?? 0) + dt);
  }
  const lines = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, t]) => ({ name, share: total > 0 ? t / total : 0 }));
  return { title, sampledMs: total / 1000, functions: lines(fn), parts: lines(part) };
}

/** Profiles `fn` in this process (node:inspector) and summarizes it. */
export async function profileInProcess(title: string, fn: () => Promise<void>): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const cpuBefore = process.cpuUsage();
    const mainBefore = mainThreadCpuSeconds();
    const failed = await fn().then(
      () => null,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
    const used = process.cpuUsage(cpuBefore);
    const mainAfter = mainThreadCpuSeconds();
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    if (failed) throw failed;
    const processMs = (used.user + used.system) / 1000;
    const summary = summarizeProfile(title, profile, Number(process.env.S2S_BENCH_PROFILE_TOP ?? 12));
    if (mainBefore === null || mainAfter === null || processMs <= 0) return summary;
    return {
      ...summary,
      threads: { processMs, mainShare: Math.min(1, ((mainAfter - mainBefore) * 1000) / processMs) },
    };
  } finally {
    session.disconnect();
  }
}

/** Markdown: one section per profile, the parts first, then the functions. */
export function profileMarkdown(summaries: readonly ProfileSummary[]): string[] {
  if (summaries.length === 0) return [];
  const out = [
    '## Profiles of the misses',
    '',
    'Generated by the run itself: V8 CPU profiles (`--cpu-prof` for server processes and commands, node:inspector for in-process rows), self time only, idle time left out. "Parts" groups self time by where the code comes from: s2s source files (compiled chunks for processes started from `bin/s2s.mjs`), npm packages, Node internals, native code (V8 built-ins, TLS, system calls) and garbage collection.',
    '',
  ];
  for (const s of summaries) {
    out.push(`### ${s.title}`, '', `${s.sampledMs.toFixed(0)} ms sampled.${threadNote(s)}`, '');
    out.push('| Part | Self time |', '|---|---:|');
    for (const p of s.parts) out.push(`| ${escape(p.name)} | ${(100 * p.share).toFixed(1)}% |`);
    out.push('', '| Function | Self time |', '|---|---:|');
    for (const f of s.functions) out.push(`| ${escape(f.name)} | ${(100 * f.share).toFixed(1)}% |`);
    out.push('');
  }
  return out;
}

/** The main thread's share of the process CPU during an in-process profile (see ProfileSummary.threads). */
export function threadNote(s: ProfileSummary): string {
  if (!s.threads) return '';
  const main = Math.round(100 * s.threads.mainShare);
  return ` The process used ${s.threads.processMs.toFixed(0)} ms of CPU meanwhile: ${main}% on the main thread (what is sampled), ${100 - main}% on other threads (V8's garbage collection and optimizing compiler, and the profiler's own sampler).`;
}

/** CPU seconds of this process's main thread (Linux /proc; its thread id is the pid), or null. */
function mainThreadCpuSeconds(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ
  } catch {
    return null;
  }
}

function escape(s: string): string {
  return s.replace(/\|/g, '\\|');
}
