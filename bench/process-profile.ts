/**
 * Profiles of processes for the misses (bench/profile.ts summarizes them): an s2s server under load,
 * pinned like the measured one, and `bin/s2s.mjs` commands and server start-up, each run with
 * `node --cpu-prof` into a temporary directory; the profile is written when the process exits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerCommands } from './http-bench.ts';
import { round } from './http-bench.ts';
import { pinned } from './load-generator.ts';
import { startProcess, stopProcess } from './measure.ts';
import { freePort } from './ports.ts';
import { summarizeProfile } from './profile.ts';
import type { CpuProfile, ProfileSummary } from './profile.ts';
import { STARTUP } from './startup-bench.ts';

/** Sizes, each declared once. */
const PROFILE = { loadSeconds: 4, connections: 50, samplingUs: 200 } as const;

const BIN = join(import.meta.dirname, '..', 'bin', 's2s.mjs');

function profDir(): { dir: string; flags: string[]; read(title: string): ProfileSummary; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 's2s-bench-prof-'));
  return {
    dir,
    flags: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${PROFILE.samplingUs}`],
    read(title) {
      // A cluster writes one per process; the server under load is the busiest (largest) one.
      const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
      if (files.length === 0) throw new Error(`no CPU profile written for ${title}`);
      const profiles = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile);
      const busiest = profiles.sort((a, b) => b.samples.length - a.samples.length)[0]!;
      return summarizeProfile(title, busiest);
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The s2s server in one process on CPU 0, `path` requested from CPU 1: profiled under load only. */
export async function profileServerUnderLoad(
  commands: ServerCommands,
  path: string,
  title: string,
): Promise<ProfileSummary> {
  const prof = profDir();
  try {
    const port = await freePort();
    const env = { ...commands.env, S2S_BENCH_PROFILE: join(prof.dir, 'server.cpuprofile') };
    const server = await startProcess(pinned('0', commands.s2s(port)), env);
    try {
      const authorization = await commands.token(port);
      await round(
        { process: server, port, authorization, loadCpus: '1' },
        path,
        PROFILE.connections,
        commands.caFile,
        PROFILE.loadSeconds,
      );
    } finally {
      await stopProcess(server);
    }
    return prof.read(title);
  } finally {
    prof.close();
  }
}

/** `s2s <argv>` from the compiled build, to its exit. */
export async function profileCommand(
  argv: readonly string[],
  home: string,
  title: string,
): Promise<ProfileSummary> {
  const prof = profDir();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [...prof.flags, BIN, ...argv], {
        env: { ...process.env, S2S_HOME: home },
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
    return prof.read(title);
  } finally {
    prof.close();
  }
}

/** `s2s server start` from the compiled build until its first /readyz 200, then stopped. */
export async function profileServerStart(home: string, title: string): Promise<ProfileSummary> {
  const prof = profDir();
  try {
    const port = await freePort();
    const child = spawn(process.execPath, [...prof.flags, BIN, 'server', 'start'], {
      // One process, as the start-up row measures (bench/startup-bench.ts): the profile is of that process.
      env: {
        ...process.env,
        S2S_HOME: home,
        S2S_LOG_LEVEL: 'warn',
        S2S_WORKERS: '1',
        S2S_LISTEN: `127.0.0.1:${port}`,
      },
      stdio: 'ignore',
    });
    let exited = false;
    const gone = new Promise((r) => child.once('exit', () => r((exited = true))));
    const { request } = await import('node:https');
    const status = () =>
      new Promise<number>((resolve) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/readyz', rejectUnauthorized: false, agent: false },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', () => resolve(0));
        req.end();
      });
    while (!exited && (await status()) !== 200) await new Promise((r) => setTimeout(r, STARTUP.readyPollMs));
    child.kill('SIGTERM');
    await gone;
    return prof.read(title);
  } finally {
    prof.close();
  }
}
