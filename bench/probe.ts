/**
 * A developer's probe of the server hot path (not part of `npm run bench`): the s2s server in one process
 * on CPU 0 under `wrk` from CPU 1, for the hello and the item paths, with CPU per request and the top
 * self-time functions of a CPU profile. Run: node --import tsx bench/probe.ts [seconds]
 */
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { benchItem, startBenchDeployments } from './deployments.ts';
import { serverCommands, round } from './http-bench.ts';
import { HELLO_PATH } from './hello.ts';
import { pinned } from './load-generator.ts';
import { startProcess, stopProcess } from './measure.ts';
import { freePort } from './ports.ts';
import { summarizeProfile } from './profile.ts';
import type { CpuProfile } from './profile.ts';

const seconds = Number(process.argv[2] ?? 4);
const { skype, exchange, close } = await startBenchDeployments();
try {
  const { itemPath, body } = await benchItem(exchange);
  const commands = await serverCommands(skype, exchange, body);
  {
    const plain = await startProcess(
      pinned('0', [process.execPath, commands.plain, commands.files.tls, commands.files.body]),
      commands.env,
    );
    const port = plain.port!;
    try {
      for (const [name, path] of [
        ['plain hello', HELLO_PATH],
        ['plain item', itemPath],
      ] as const) {
        const s = { process: plain, port, authorization: 'x', loadCpus: '1' };
        await round(s, path, 32, commands.caFile, 1);
        const st = straced(plain.pid);
        const r = await round(s, path, 32, commands.caFile, seconds);
        console.log(
          `${name}: ${Math.round(r.rps)} req/s, ${(r.cpuPerRequest * 1e6).toFixed(1)} µs CPU/request`,
        );
        await st?.();
      }
    } finally {
      await stopProcess(plain);
    }
  }
  for (const [name, path] of [
    ['hello', HELLO_PATH],
    ['item', itemPath],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'probe-'));
    const port = await freePort();
    const server = await startProcess(
      pinned('0', commands.s2s(port)),
      process.env.NOPROF ? commands.env : { ...commands.env, S2S_BENCH_PROFILE: join(dir, 'p.cpuprofile') },
    );
    try {
      const authorization = await commands.token(port);
      const s = { process: server, port, authorization, loadCpus: '1' };
      await round(s, path, 32, commands.caFile, 1);
      const st = straced(server.pid);
      const r = await round(s, path, 32, commands.caFile, seconds);
      await st?.();
      console.log(
        `${name}: ${Math.round(r.rps)} req/s, ${(r.cpuPerRequest * 1e6).toFixed(1)} µs CPU/request, errors ${r.errors}`,
      );
    } finally {
      await stopProcess(server);
    }
    if (process.env.NOPROF) continue;
    const summary = summarizeProfile(
      name,
      JSON.parse(readFileSync(join(dir, 'p.cpuprofile'), 'utf8')) as CpuProfile,
      30,
    );
    for (const l of summary.functions) console.log(`  ${(l.share * 100).toFixed(1)}% ${l.name}`);
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await close();
}

function straced(pid: number): (() => Promise<void>) | null {
  if (!process.env.STRACE) return null;
  const child = spawn(
    'strace',
    ['-c', '-f', '-e', 'trace=write,writev,read,epoll_wait,sendmsg,recvmsg', '-p', String(pid)],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  return () =>
    new Promise((resolve) => {
      child.on('exit', () => resolve());
      child.kill('SIGINT');
    });
}
