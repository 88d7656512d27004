/**
 * A developer's A/B probe (not part of `npm run bench`): plain node:https vs the s2s server in one process,
 * both on CPU 0, interleaved rounds of `wrk` from CPU 1; prints CPU per request of each and the ratio.
 * Run: node --import tsx bench/probe-ab.ts [hello|item] [rounds] [seconds]
 */
import { benchItem, startBenchDeployments } from './deployments.ts';
import { serverCommands, round } from './http-bench.ts';
import { HELLO_PATH } from './hello.ts';
import { pinned } from './load-generator.ts';
import { startProcess, stopProcess } from './measure.ts';
import { freePort } from './ports.ts';
import { peakRssBytes } from './proc-cpu.ts';

const [target = 'hello', roundsArg = '3', secondsArg = '3'] = process.argv.slice(2);
const { skype, exchange, close } = await startBenchDeployments();
try {
  const { itemPath, body } = await benchItem(exchange);
  const path = target === 'hello' ? HELLO_PATH : itemPath;
  const commands = await serverCommands(skype, exchange, body);
  const plain = await startProcess(
    pinned('0', [process.execPath, commands.plain, commands.files.tls, commands.files.body]),
    commands.env,
  );
  const port = await freePort();
  const s2s = await startProcess(pinned('0', commands.s2s(port)), commands.env);
  try {
    const a = { process: plain, port: plain.port!, authorization: 'x', loadCpus: '1' };
    const b = { process: s2s, port, authorization: await commands.token(port), loadCpus: '1' };
    await round(a, path, 32, commands.caFile, 1);
    await round(b, path, 32, commands.caFile, 1);
    const ratios: number[] = [];
    for (let i = 0; i < Number(roundsArg); i++) {
      const ra = await round(a, path, 32, commands.caFile, Number(secondsArg));
      const rb = await round(b, path, 32, commands.caFile, Number(secondsArg));
      ratios.push(ra.cpuPerRequest / rb.cpuPerRequest);
      console.log(
        `plain ${(ra.cpuPerRequest * 1e6).toFixed(1)} µs, s2s ${(rb.cpuPerRequest * 1e6).toFixed(1)} µs (errors ${rb.errors}), ratio ${(ra.cpuPerRequest / rb.cpuPerRequest).toFixed(2)}`,
      );
    }
    const mb = (pid: number) => ((peakRssBytes(pid) ?? 0) / 1048576).toFixed(0);
    console.log(`peak RSS: plain ${mb(plain.pid)} MB, s2s ${mb(s2s.pid)} MB`);
    console.log(`${target}: median ratio ${ratios.sort()[Math.floor(ratios.length / 2)]!.toFixed(2)}`);
  } finally {
    await stopProcess(plain);
    await stopProcess(s2s);
  }
} finally {
  await close();
}
