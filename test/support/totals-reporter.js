// A jest reporter that (1) names every skipped test with the reason in its title, since jest's default
// reporter only counts them, and (2) ends the run with the one plain line CI reads:
// `tests: N passed, N failed, N skipped`.
export default class TotalsReporter {
  onRunComplete(_contexts, results) {
    const skipped = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' && test.status !== 'skipped' && test.status !== 'todo') continue;
        const title = [...test.ancestorTitles, test.title].join(' › ');
        const suite = test.ancestorTitles[0] ?? test.title;
        if (!skipped.has(suite)) skipped.set(suite, { count: 0, example: title });
        skipped.get(suite).count += 1;
      }
    }
    if (skipped.size > 0) {
      process.stdout.write('\nSkipped (the reason is in each name):\n');
      for (const [suite, { count }] of skipped) process.stdout.write(`  - ${suite}: ${count} test(s)\n`);
    }
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\ntests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`,
    );
  }
}
