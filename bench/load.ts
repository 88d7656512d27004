/**
 * The fallback load generator (when `wrk` is not installed), run as a separate process so it does not
 * share the server's event loop: keep-alive HTTPS GETs over loopback for a bounded time, every request
 * with the same headers. Prints one JSON line {requests, errors, seconds, cpuSeconds}.
 * Usage: node --import tsx bench/load.ts <url> <seconds> <connections> <ca-pem-file> [authorization]
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

const [url, seconds, connections, caFile, authorization] = process.argv.slice(2);
const target = new URL(url!);
const pool = new Pool(target.origin, {
  connections: Number(connections),
  pipelining: 1,
  connect: { ca: readFileSync(caFile!, 'utf8') },
});
const headers: Record<string, string> = authorization ? { authorization } : {};
const deadline = performance.now() + Number(seconds) * 1000;
let requests = 0;
let errors = 0;

async function worker(): Promise<void> {
  while (performance.now() < deadline) {
    try {
      const res = await pool.request({ method: 'GET', path: target.pathname, headers });
      await res.body.dump();
      if (res.statusCode === 200) requests++;
      else errors++;
    } catch {
      errors++;
    }
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: Number(connections) }, worker));
const elapsed = (performance.now() - started) / 1000;
await pool.close();
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ requests, errors, seconds: elapsed, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`,
);
