// A node:test reporter that writes only the run's totals ("tests 3", "fail 1", …) as JSON lines, so the
// runner can add up the files it ran. node 20 reports totals as top-level diagnostics.
export default async function* summaryReporter(source) {
  for await (const event of source) {
    if (event.type === 'test:diagnostic' && event.data.nesting === 0) {
      yield JSON.stringify({ message: event.data.message }) + '\n';
    }
  }
}
