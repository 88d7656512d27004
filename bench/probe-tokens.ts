/**
 * A developer's probe of the token rows alone (not part of `npm run bench`): the same measurements as
 * bench/token-bench.ts, printed, with the profile of the row named in argv (app-only | act-as | issuance).
 * Run: node --import tsx bench/probe-tokens.ts [app-only|act-as|issuance]
 */
import { BENCH_USER, startBenchDeployments } from './deployments.ts';
import { tokenRows } from './token-bench.ts';

const { skype, exchange, close } = await startBenchDeployments();
try {
  const results = await tokenRows(skype, exchange, BENCH_USER, () => undefined);
  for (const r of results.rows)
    console.log(`${r.name}: ${r.value.toFixed(1)} vs ${r.baseline.toFixed(1)} → ${r.ratio?.toFixed(2)}`);
  const which = process.argv[2] as 'app-only' | 'act-as' | 'issuance' | undefined;
  if (which) {
    const p = await results.profile(which);
    for (const l of [...p.functions, ...p.parts]) console.log(`  ${(l.share * 100).toFixed(1)}% ${l.name}`);
    console.log(p.threads);
  }
} finally {
  await close();
}
