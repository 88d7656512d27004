// What the runner prints: each file's own output when it ends, then one summary in node's spec format.

/** The file-level problem of a result, or undefined: timed out, crashed, or left something running. */
export function fileProblem(result) {
  if (result.timedOut)
    return `${result.file} timed out after ${result.timeoutSeconds} s (killed with its process group)`;
  if (result.leftovers.length > 0)
    return `${result.file} left ${result.leftovers.length} process(es) running`;
  if (result.exitCode !== 0 && !(result.counts?.fail > 0))
    return `${result.file} exited with code ${result.exitCode} without a failing test (see its output above)`;
  return undefined;
}

const TOTAL_LINE = /^ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+\n/gm;

/** Prints one finished file: a header, its test output (without its own totals), and its problems. */
export function printFile(result) {
  const c = result.counts;
  const totals = c ? `: ${c.tests} tests, ${c.pass} pass, ${c.fail} fail` : '';
  console.log(`\n▶ ${result.file} (${result.seconds.toFixed(1)} s${totals})`);
  const output = result.output.replace(TOTAL_LINE, '');
  process.stdout.write(output.endsWith('\n') || output === '' ? output : output + '\n');
  const problem = fileProblem(result);
  if (problem) console.log(`✖ ${problem}`);
  for (const line of result.leftovers) console.log(`  left running (killed): ${line}`);
}

/** Prints the totals; returns true when anything failed. */
export function printSummary(results, schemas, durationMs) {
  const sum = (key) => results.reduce((n, r) => n + (r.counts?.[key] ?? 0), 0);
  const problems = results.map(fileProblem).filter(Boolean);
  const schemaFiles = new Set(
    schemas.dropped.map((name) => results.find((r) => name.startsWith(`s2s_t_${r.token}_`))?.file),
  );
  // A file-level problem counts as one failure unless the file already reported failing tests.
  const extra =
    results.filter((r) => fileProblem(r) && !(r.counts?.fail > 0)).length + schemas.dropped.length;
  const fail = sum('fail') + extra;
  console.log('\n══ summary ══');
  for (const problem of problems) console.log(`✖ ${problem}`);
  for (const name of schemas.dropped) console.log(`✖ schema ${name} left behind (dropped)`);
  if (schemas.note) console.log(`ℹ ${schemas.note}`);
  const leftovers = results.reduce((n, r) => n + r.leftovers.length, 0);
  console.log(
    `ℹ files ${results.length} (timed out ${results.filter((r) => r.timedOut).length}, ` +
      `left running ${leftovers} process(es), left ${schemas.dropped.length} schema(s)` +
      `${schemaFiles.size ? ` from ${[...schemaFiles].join(', ')}` : ''})`,
  );
  const failing = results.filter((r) => r.counts?.fail > 0).map((r) => r.file);
  if (failing.length) console.log(`ℹ files with failing tests: ${failing.join(', ')}`);
  console.log(`ℹ tests ${sum('tests')}`);
  console.log(`ℹ suites ${sum('suites')}`);
  console.log(`ℹ pass ${sum('pass')}`);
  console.log(`ℹ fail ${fail}`);
  console.log(`ℹ cancelled ${sum('cancelled')}`);
  console.log(`ℹ skipped ${sum('skipped')}`);
  console.log(`ℹ todo ${sum('todo')}`);
  console.log(`ℹ duration_ms ${durationMs}`);
  return fail > 0 || sum('cancelled') > 0;
}
