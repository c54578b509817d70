import type { Reporter, TestModule } from 'vitest/node';

/** Ends the run with one plain `Tests: N passed, M failed, K skipped` line that any CI log reader understands. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const module of modules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed') failedHere++;
        else count.skipped++;
      }
      // A file that failed to load or in a hook has no failed test of its own but must still count as a failure.
      if (module.state() === 'failed' && failedHere === 0) failedHere = 1;
      count.failed += failedHere;
    }
    process.stdout.write(`\nTests: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped\n`);
  }
}
