/**
 * A vitest reporter that ends the run with one line CI can read:
 * `vitest: N passed, N failed, N skipped`. A test file that fails to load counts as one failure,
 * so a broken import can never look like a green run.
 */
import type { Reporter, TestModule } from 'vitest/node'

export default class CountReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const mod of testModules) {
      let tests = 0
      for (const test of mod.children.allTests()) {
        tests++
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
      if (tests === 0 || (mod.state() === 'failed' && mod.errors().length > 0)) failed++
    }
    failed += unhandledErrors.length
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
